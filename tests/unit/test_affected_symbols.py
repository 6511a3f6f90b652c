"""Definition-level dependencies: a test reruns when something it can reach changed, and only then."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.imports import Resolver
from specmesh_tasks.affected.symbols import ALL, SymbolGraph

BASE = {
    "pkg/__init__.py": "from .core import total\n",
    "pkg/core.py": """\
        from pkg import util
        from pkg.util import helper as h

        RATE = 2


        def total(x):
            return h(x) + RATE


        def unused(x):
            return util.other(x)
        """,
    "pkg/util.py": """\
        def helper(x):
            return x


        def other(x):
            return -x


        @register
        def plugin():
            return 1


        class Model:
            def method(self):
                return 1
        """,
    "pkg/side.py": "def run():\n    return 0\n",
    "pkg/star.py": "from pkg.util import *\n",
    "tests/test_total.py": "from pkg import total\n\n\ndef test_total():\n    assert total(1) == 3\n",
    "tests/test_core_mod.py": "import pkg.core\n\n\ndef test_helper():\n    assert pkg.core.h(1) == 1\n",
    "tests/test_side.py": "import pkg.side  # noqa: F401  (for its effect)\n\n\ndef test_x():\n    pass\n",
    "tests/test_value.py": "from pkg import util\n\n\ndef test_v():\n    assert vars(util)\n",
    "tests/test_star.py": "from pkg.star import other\n\n\ndef test_s():\n    assert other(1) == -1\n",
    "tests/test_model.py": "from pkg.util import Model\n\n\ndef test_m():\n    assert Model().method()\n",
}
TESTS = sorted(p for p in BASE if p.startswith("tests/"))


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))


def fingerprints(root: Path, *, file_level: bool = False) -> dict[str, str]:
    graph = SymbolGraph(FactsCache(root, None), Resolver(str(root), ["."]), file_level=file_level)
    return {t: graph.deep_digest((t, ALL)) for t in TESTS}


def rerun_after(tmp_path: Path, path: str, old: str, new: str, *, file_level: bool = False) -> list[str]:
    write(tmp_path, BASE)
    before = fingerprints(tmp_path, file_level=file_level)
    text = (tmp_path / path).read_text()
    assert old in text
    (tmp_path / path).write_text(text.replace(old, new, 1))
    after = fingerprints(tmp_path, file_level=file_level)
    return [t for t in TESTS if before[t] != after[t]]


@pytest.mark.parametrize(("path", "old", "new", "expected"), [
    # helper is reached through pkg/__init__ -> core.total -> `h`, and by name through pkg.core.h
    ("pkg/util.py", "return x\n", "return x + 0\n",
     ["tests/test_core_mod.py", "tests/test_total.py", "tests/test_value.py"]),
    # other() is called by core.unused only, which no test reaches; test_star and the module value do
    ("pkg/util.py", "return -x", "return 0 - x", ["tests/test_star.py", "tests/test_value.py"]),
    # a decorated function runs at import time: every test importing util, and pkg/__init__ imports
    # core, which imports util, so every test importing anything from pkg
    ("pkg/util.py", "return 1\n\n\nclass", "return 2\n\n\nclass", TESTS),
    # module-level code of core runs whenever pkg is imported (pkg/__init__ imports it)
    ("pkg/core.py", "RATE = 2", "RATE = 3", TESTS),
    # a function nothing reaches
    ("pkg/core.py", "return util.other(x)", "return util.other(x) + 0", []),
    # an import kept for its side effects counts whole
    ("pkg/side.py", "return 0", "return 1", ["tests/test_side.py"]),
    # a comment between definitions changes no code
    ("pkg/util.py", "\n\n@register", "\n\n# note\n@register", []),
])
def test_reruns_exactly_the_tests_that_reach_the_change(tmp_path: Path, path: str, old: str, new: str,
                                                        expected: list[str]) -> None:
    assert rerun_after(tmp_path, path, old, new) == expected


def test_file_level_mode_reruns_every_importer(tmp_path: Path) -> None:
    assert rerun_after(tmp_path, "pkg/core.py", "return util.other(x)", "return util.other(x) + 0",
                       file_level=True) == TESTS
    side = rerun_after(tmp_path, "pkg/side.py", "return 0", "return 1", file_level=True)
    assert side == ["tests/test_side.py"]


def test_a_file_that_does_not_parse_counts_whole(tmp_path: Path) -> None:
    assert rerun_after(tmp_path, "pkg/util.py", "def other(x):", "def other(x:") == TESTS


def test_cycles_between_modules_are_fine(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "import b\n\n\ndef fa():\n    return b.fb()\n",
                     "b.py": "import a\n\n\ndef fb():\n    return 1\n\n\ndef loop():\n    return a.fa()\n"})
    graph = SymbolGraph(FactsCache(tmp_path, None), Resolver(str(tmp_path), ["."]))
    assert graph.reachable([("a.py", "fa")]) >= {("a.py", "fa"), ("b.py", "fb"), ("a.py", "<module>")}
    first = graph.deep_digest(("b.py", "loop"))
    assert first == SymbolGraph(FactsCache(tmp_path, None), Resolver(str(tmp_path), ["."])).deep_digest(
        ("b.py", "loop"))


def graph_with(root: Path, saved: dict[str, object] | None) -> SymbolGraph:
    return SymbolGraph(FactsCache(root, None), Resolver(str(root), ["."]), saved=saved)


def test_edges_kept_between_runs_are_dropped_when_what_they_read_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"t.py": "import helpers\nimport lib\n\n\ndef test_x():\n    helpers.go(lib.f())\n",
                     "lib.py": "from impl import f as f\n", "impl.py": "def f():\n    return 1\n"})
    first = graph_with(tmp_path, None)
    start = ("t.py", "test_x")
    assert ("impl.py", "f") in first.reachable([start])
    saved = first.dump()
    again = graph_with(tmp_path, saved)

    def recompute(node: object) -> None:
        raise AssertionError(f"{node} was recomputed although nothing changed")

    monkeypatch.setattr(again, "_compute_edges", recompute)
    assert again.reachable([start]) == first.reachable([start])
    assert again.dump() == saved
    # a module appears where there was none: the probe it relied on has changed
    write(tmp_path, {"helpers.py": "def go(x):\n    return x\n"})
    assert ("helpers.py", "go") in graph_with(tmp_path, saved).reachable([start])
    # a re-export now points elsewhere: the file the resolution read has changed
    write(tmp_path, {"lib.py": "def f():\n    return 2\n"})
    moved = graph_with(tmp_path, saved).reachable([start])
    assert ("lib.py", "f") in moved and ("impl.py", "f") not in moved
