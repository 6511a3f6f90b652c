"""Recorded dependencies (issue 17): from executed lines to per-test function keys, and from
function keys to the tests a body change reruns."""

from __future__ import annotations

import textwrap
from pathlib import Path

from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.fingerprints import TestFile
from specmesh_tasks.affected.recorded import FunctionKey, changed_functions, read_recording, update_modules
from specmesh_tasks.affected.select import FileRecord, State, select_tests

LIB = textwrap.dedent("""\
    def helper(x):
        return x


    def build():
        return {}


    TABLE = build()


    def lazy():
        from pkg import late
        return late.value()
    """)


def project(tmp_path: Path) -> tuple[Path, FactsCache]:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "lib.py").write_text(LIB, encoding="utf-8")
    (tmp_path / "pkg" / "late.py").write_text("START = 1\n\n\ndef value():\n    return START\n", encoding="utf-8")
    return tmp_path, FactsCache(tmp_path, None)


def payload(root: Path, lines: dict[str, dict[str, list[int]]], **extra: list[str]) -> dict[str, object]:
    tests = sorted({c for by_context in lines.values() for c in by_context if c})
    return {"lines": {str(root / p): v for p, v in lines.items()}, "tests": tests, **extra}


def test_lines_map_to_the_functions_each_test_ran_and_import_time_code_is_shared(tmp_path: Path) -> None:
    root, facts = project(tmp_path)
    recording = read_recording(root, payload(root, {
        "pkg/lib.py": {"": [1, 5, 6, 9, 12], "tests/t.py::test_a[1]": [2], "tests/t.py::test_a[2]": [2],
                       "tests/t.py::test_b": [13, 14]},
        "pkg/late.py": {"tests/t.py::test_b": [1, 4, 5]},  # test_b imported pkg.late
    }), facts)
    helper = FunctionKey("pkg/lib.py", "helper", facts.facts("pkg/lib.py").summary.bodies["helper"].digest)  # type: ignore[union-attr]
    assert recording.tests["tests/t.py::test_a"] == frozenset({helper})  # parameters merged
    assert {k.name for k in recording.tests["tests/t.py::test_b"] or ()} == {"lazy", "value"}
    assert recording.measured == {"pkg/lib.py", "pkg/late.py"}
    # build() ran at import; lazy() and value() ran in a test that imported a module
    assert recording.shared == {"pkg/lib.py": {"build", "lazy"}, "pkg/late.py": {"value"}}
    modules = update_modules({}, recording, facts)
    assert modules == {"pkg/lib.py": {"build", "lazy"}, "pkg/late.py": {"value"}}


def test_tests_that_start_processes_or_trace_are_untrusted(tmp_path: Path) -> None:
    root, facts = project(tmp_path)
    recording = read_recording(root, payload(root, {"pkg/lib.py": {"t.py::test_a": [2], "t.py::test_b": [2]}},
                                             spawned=["t.py::test_a"], lost=["t.py::test_b[x]"]), facts)
    assert recording.tests == {"t.py::test_a": None, "t.py::test_b": None}


def test_a_file_edited_while_the_tests_ran_is_not_attributed(tmp_path: Path) -> None:
    root, facts = project(tmp_path)
    facts.facts("pkg/lib.py")
    (root / "pkg" / "lib.py").write_text("\n\n" + LIB, encoding="utf-8")  # every line moved
    recording = read_recording(root, payload(root, {"pkg/lib.py": {"t.py::test_a": [4]}}), facts)
    assert recording.tests == {"t.py::test_a": None}


def test_a_changed_body_selects_its_executors_and_the_unrecorded_tests(tmp_path: Path) -> None:
    _, facts = project(tmp_path)
    digest = facts.facts("pkg/lib.py").summary.bodies["helper"].digest  # type: ignore[union-attr]
    helper, build = FunctionKey("pkg/lib.py", "helper", digest), FunctionKey("pkg/lib.py", "build", "old")
    assert changed_functions({helper, build}, facts) == {build}
    record = FileRecord("old-fp", static="s", tests={"test_a": frozenset({helper}), "test_b": frozenset({build}),
                                                    "test_c": None})
    test_file = TestFile("t.py", "new-fp", {}, tests=("test_a", "test_b", "test_c", "test_d"), static="s")
    selection = select_tests([test_file], State({"t.py": record}), changed=frozenset({build}))
    assert selection.selected == ("t.py::test_b", "t.py::test_c", "t.py::test_d")
    assert selection.reasons["t.py"] == ("test_b ran changed pkg/lib.py::build",
                                         "test_c its record cannot be trusted (it starts a process or replaces"
                                         " the tracer)", "test_d never recorded")
    unchanged = TestFile("t.py", "old-fp", {}, tests=test_file.tests, static="s")  # nothing it imports changed
    assert select_tests([unchanged], State({"t.py": record}), changed=frozenset({build})).selected == ("t.py::test_b",)
    moved = TestFile("t.py", "new-fp", {}, tests=test_file.tests, static="other")
    assert select_tests([moved], State({"t.py": record}), changed=frozenset()).selected == ("t.py",)
