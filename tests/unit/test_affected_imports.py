"""The static import reader: every import form, and resolution against the tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

from specmesh_tasks.affected.imports import ImportRef, Resolver, scan_imports


def refs(text: str) -> list[ImportRef]:
    return list(scan_imports(textwrap.dedent(text)).imports)


def test_every_import_form_is_seen_including_nested_and_type_checking() -> None:
    found = refs("""
        import a.b.c
        import d as e, f
        from g.h import i, j as k
        from . import sibling
        from ..up import thing
        from .pkg.mod import *
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from typed import T
        try:
            import optional
        except ImportError:
            optional = None
        def late():
            import inside.func
            return importlib.import_module("dyn.amic")
        mod = __import__("dunder")
        pytest_plugins = ["tests.fixtures", "other.plugin"]
        importlib.import_module(name)  # a variable: not visible
    """)
    assert set(found) == {
        ImportRef("a.b.c"), ImportRef("d"), ImportRef("f"), ImportRef("g.h", ("i", "j")),
        ImportRef("", ("sibling",), 1), ImportRef("up", ("thing",), 2), ImportRef("pkg.mod", (), 1),
        ImportRef("typing", ("TYPE_CHECKING",)), ImportRef("typed", ("T",)), ImportRef("optional"),
        ImportRef("inside.func"), ImportRef("dyn.amic"), ImportRef("dunder"),
        ImportRef("tests.fixtures"), ImportRef("other.plugin"),
    }


def test_syntax_error_falls_back_to_a_line_scan_and_reports_the_line() -> None:
    text = "import os\nfrom .helpers import make, check as c\nfrom pkg import (\n  x,\ndef broken(:\n"
    result = scan_imports(text)
    assert result.error is not None and result.error.startswith("5:")
    assert ImportRef("os") in result.imports
    assert ImportRef("helpers", ("make", "check"), 1) in result.imports
    assert ImportRef("pkg", ("x",), 0) in result.imports


def test_null_bytes_do_not_raise() -> None:
    result = scan_imports("import os\x00\n")
    assert result.error is not None
    assert ImportRef("os") in result.imports


def make_tree(root: Path, files: list[str]) -> Path:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return root


def test_absolute_imports_resolve_to_package_chain_and_submodules(tmp_path: Path) -> None:
    root = make_tree(tmp_path, ["src/app/__init__.py", "src/app/core/__init__.py", "src/app/core/models.py",
                                "src/app/util.py", "tests/test_x.py"])
    resolver = Resolver(str(root), ["src"])
    assert resolver.resolve(ImportRef("app.core.models"), "tests/test_x.py") == [
        "src/app/__init__.py", "src/app/core/__init__.py", "src/app/core/models.py"]
    assert resolver.resolve(ImportRef("app", ("util", "missing_attr")), "tests/test_x.py") == [
        "src/app/__init__.py", "src/app/util.py"]
    assert resolver.resolve(ImportRef("app.util", ("helper",)), "tests/test_x.py") == [
        "src/app/__init__.py", "src/app/util.py"]
    assert resolver.resolve(ImportRef("os.path"), "tests/test_x.py") == []
    assert resolver.resolve(ImportRef("app.nothing"), "tests/test_x.py") == ["src/app/__init__.py"]


def test_relative_imports_resolve_from_the_importing_file(tmp_path: Path) -> None:
    root = make_tree(tmp_path, ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/sub/__init__.py",
                                "pkg/sub/deep.py", "pkg/sub/leaf.py"])
    resolver = Resolver(str(root))
    importer = "pkg/sub/deep.py"
    leaf = resolver.resolve(ImportRef("", ("leaf",), 1), importer)
    assert leaf == ["pkg/sub/__init__.py", "pkg/sub/leaf.py"]
    assert resolver.resolve(ImportRef("a", ("f",), 2), importer) == ["pkg/__init__.py", "pkg/a.py"]
    assert resolver.resolve(ImportRef("", ("b",), 2), importer) == ["pkg/__init__.py", "pkg/b.py"]
    assert resolver.resolve(ImportRef("nothing", (), 1), importer) == []


def test_test_files_find_helpers_beside_them_like_pytest_prepend(tmp_path: Path) -> None:
    root = make_tree(tmp_path, ["tests/helpers.py", "tests/unit/test_a.py", "tests/unit/util.py",
                                "tests/pkgtests/__init__.py", "tests/pkgtests/test_b.py"])
    resolver = Resolver(str(root), ["."])
    assert resolver.resolve(ImportRef("util"), "tests/unit/test_a.py") == ["tests/unit/util.py"]
    assert resolver.base_dir("tests/pkgtests/test_b.py") == "tests"
    assert resolver.resolve(ImportRef("helpers"), "tests/pkgtests/test_b.py") == ["tests/helpers.py"]
    assert resolver.resolve(ImportRef("tests.helpers"), "tests/unit/test_a.py") == ["tests/helpers.py"]


def test_namespace_packages_without_init(tmp_path: Path) -> None:
    root = make_tree(tmp_path, ["ns/part/mod.py"])
    assert Resolver(str(root)).resolve(ImportRef("ns.part.mod"), "t.py") == ["ns/part/mod.py"]


def test_imports_in_a_cycle_resolve_to_each_other() -> None:
    resolver = Resolver("/nonexistent", is_file=lambda rel: rel in {"a.py", "b.py", "c.py"},
                        is_dir=lambda rel: False)
    assert resolver.resolve(ImportRef("a"), "b.py") == ["a.py"]
    assert resolver.resolve(ImportRef("b"), "a.py") == ["b.py"]
    assert resolver.resolve(ImportRef("d"), "a.py") == []  # not in the project: third-party or stdlib
