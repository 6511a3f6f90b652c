"""The package's shape (issue 14): layers without import cycles, small modules, a thin doit layer.

Imports are read from the source, not from a running interpreter, so every import counts: at the
top of a module, inside a function, under `if TYPE_CHECKING:`. Relative imports are resolved, and
importing `a.b.c` counts as importing the packages `a.b` and `a` too (their `__init__` runs first).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import specmesh_tasks

PACKAGE = Path(specmesh_tasks.__file__).parent
MAX_MODULE_LINES = 400
MAX_TASKS_LINES = 800  # the doit layer: task declarations over plain functions


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package rooted at `package`."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name the module imports, wherever the import statement stands, made absolute."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            yield target
            # `from pkg import name` imports the submodule `pkg.name` when there is one
            yield from (f"{target}.{alias.name}" for alias in node.names)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (with the packages around them)."""
    files = module_files(package)
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for target in imported_names(name, path):
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                if prefix in files and prefix != name and not name.startswith(prefix + "."):
                    graph[name].add(prefix)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of more than one module that import each other, each sorted (the package's own
    strongly-connected-components search, the one SM238 finds feature dependency cycles with)."""
    from specmesh_tasks.gates.rules.structure_features import _components

    # It reads only each node's successors, as keys: a set of them does the same as its dict.
    groups = _components(graph)  # type: ignore[arg-type]
    return sorted(sorted(group) for group in groups if len(group) > 1)


def test_no_import_cycle_in_the_package() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_the_cycle_check_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "low.py").write_text("def f():\n    from pkg.sub import high\n", encoding="utf-8")
    (pkg / "sub" / "high.py").write_text("from .. import low\n", encoding="utf-8")
    (pkg / "sub" / "typed.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                          "    from pkg.sub.other import X\n", encoding="utf-8")
    (pkg / "sub" / "other.py").write_text("from . import typed\n", encoding="utf-8")
    (pkg / "alone.py").write_text("import pkg.low\nimport os\n", encoding="utf-8")
    assert cycles(import_graph(pkg)) == [["pkg.low", "pkg.sub.high"], ["pkg.sub.other", "pkg.sub.typed"]]


def test_no_module_is_over_400_lines() -> None:
    long = {name: lines for name, path in module_files(PACKAGE).items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_the_doit_layer_stays_thin() -> None:
    total = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in (PACKAGE / "tasks").rglob("*.py"))
    assert total < MAX_TASKS_LINES
