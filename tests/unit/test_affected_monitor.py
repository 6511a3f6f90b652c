"""The `sys.monitoring` recorder (Python 3.12+, issue 17): per test, the project's functions it ran,
as the same function keys coverage.py's lines give; a test that uses `sys.monitoring` or
`sys.settrace` itself; nothing left behind. Driven through its pytest hooks, in this process."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.pytest_results import start_recorder
from specmesh_tasks.affected.recorded import read_recording
from specmesh_tasks.affected.recorder import BaseRecorder, CoverageRecorder

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring is Python 3.12+")

LIB = textwrap.dedent("""\
    def plain(x):
        return x + 1


    def register(fn):
        return fn


    @register
    def decorated(x):
        return x * 2


    def gen():
        try:
            yield 1
            yield 2
        finally:
            cleanup()


    def cleanup():
        return None


    def one(): return 1


    class Shape:
        sides = 4

        def area(self, side):
            def square(v):
                return v * v
            return square(side)


    TABLE = {k: plain(k) for k in range(2)}
    """)


@pytest.fixture
def tool_ids() -> Iterator[None]:
    """Ids 3 and 4 free (not when this suite itself runs under `specmesh test` on 3.12+)."""
    if any(sys.monitoring.get_tool(t) is not None for t in (3, 4)):
        pytest.skip("tool ids 3 and 4 are held by another tool")
    use_tool_id = sys.monitoring.use_tool_id
    yield
    assert sys.monitoring.use_tool_id is use_tool_id  # the recorder put it back
    for tool in (3, 4):
        if sys.monitoring.get_tool(tool) is not None:
            sys.monitoring.set_events(tool, 0)
            sys.monitoring.free_tool_id(tool)


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"monitored_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_test(recorder: BaseRecorder, nodeid: str, body: Callable[[], object]) -> None:
    """One test's protocol through the recorder's hook wrapper."""
    hook = recorder.pytest_runtest_protocol(SimpleNamespace(nodeid=nodeid))  # type: ignore[arg-type]
    next(hook)
    body()
    with contextlib.suppress(StopIteration):
        next(hook)


def functions(root: Path, payload: dict[str, Any]) -> dict[str, set[str] | None]:
    """Per test, the functions it ran (read as `specmesh test` reads a recording)."""
    recording = read_recording(root, json.loads(json.dumps(payload)), FactsCache(root, None))
    return {node: None if keys is None else {f"{k.path}::{k.name}" for k in keys}
            for node, keys in recording.tests.items()}


def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "lib.py").write_text(LIB, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("held", [[], [3]], ids=["two tool ids", "one tool id"])
def test_each_test_records_the_functions_it_ran(tmp_path: Path, tool_ids: None, held: list[int]) -> None:
    root = project(tmp_path)
    for tool in held:  # someone else's tool: the recorder works with the id left
        sys.monitoring.use_tool_id(tool, "someone")
    recorder = start_recorder(root)
    assert recorder.name == "sys.monitoring"
    lib = load(root / "pkg" / "lib.py")  # collection: module-level code, plain() for TABLE
    generator = lib.gen()
    run_test(recorder, "t.py::t1", lambda: (lib.plain(1), lib.plain(2), lib.decorated(1), next(generator)))
    run_test(recorder, "t.py::t2", lambda: (next(generator), lib.Shape().area(2)))  # resumed only
    run_test(recorder, "t.py::t3", generator.close)  # its finally block runs
    run_test(recorder, "t.py::t4", lambda: lib.one())  # a one-line body is part of the skeleton
    run_test(recorder, "t.py::t5", lambda: lib.plain(3))  # again in a later test
    payload = recorder.finish()
    assert functions(root, payload) == {
        "t.py::t1": {"pkg/lib.py::plain", "pkg/lib.py::decorated", "pkg/lib.py::gen"},
        "t.py::t2": {"pkg/lib.py::gen", "pkg/lib.py::Shape.area"},
        "t.py::t3": {"pkg/lib.py::gen", "pkg/lib.py::cleanup"},
        "t.py::t4": set(),
        "t.py::t5": {"pkg/lib.py::plain"},
    }
    recording = read_recording(root, payload, FactsCache(root, None))
    assert recording.measured == {"pkg/lib.py"}
    assert recording.shared == {"pkg/lib.py": {"plain", "register"}}  # they ran at import (TABLE, @register)
    assert payload["lost"] == [] and payload["spawned"] == []
    for tool in held:
        sys.monitoring.free_tool_id(tool)


def test_code_outside_the_project_is_not_recorded(tmp_path: Path, tool_ids: None) -> None:
    root = project(tmp_path)
    site = root / ".venv" / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (site / "dep.py").write_text("def dep():\n    return 1\n", encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("def helper():\n    return 1\n", encoding="utf-8")
    recorder = start_recorder(root, omit=[str(root / "tests" / "test_x.py")])
    lib, dep, own = load(root / "pkg" / "lib.py"), load(site / "dep.py"), load(root / "tests" / "test_x.py")
    run_test(recorder, "t.py::t1", lambda: (dep.dep(), own.helper(), json.dumps([1]), lib.plain(1)))
    payload = recorder.finish()
    assert sorted(payload["lines"]) == [str(root / "pkg" / "lib.py")]
    assert functions(root, payload) == {"t.py::t1": {"pkg/lib.py::plain"}}


def test_a_test_claiming_our_tool_id_gets_it_and_recording_goes_on(tmp_path: Path, tool_ids: None) -> None:
    root = project(tmp_path)
    recorder = start_recorder(root)
    lib = load(root / "pkg" / "lib.py")

    def claims() -> None:
        sys.monitoring.use_tool_id(4, "theirs")  # no ValueError: the recorder hands it over
        lib.plain(1)

    run_test(recorder, "t.py::t1", claims)
    run_test(recorder, "t.py::t2", lambda: lib.decorated(1))
    assert sys.monitoring.get_tool(4) == "theirs"
    sys.monitoring.free_tool_id(4)
    run_test(recorder, "t.py::t3", lambda: lib.plain(1))
    payload = recorder.finish()
    assert payload["lost"] == ["t.py::t1"]
    assert functions(root, payload) == {"t.py::t1": None, "t.py::t2": {"pkg/lib.py::decorated"},
                                        "t.py::t3": {"pkg/lib.py::plain"}}


def test_a_test_that_frees_or_rewires_our_tool_is_lost_and_recording_goes_on(tmp_path: Path, tool_ids: None) -> None:
    root = project(tmp_path)
    recorder = start_recorder(root)
    lib = load(root / "pkg" / "lib.py")
    events = sys.monitoring.events
    run_test(recorder, "t.py::t1", lambda: sys.monitoring.free_tool_id(4))
    run_test(recorder, "t.py::t2", lambda: sys.monitoring.register_callback(4, events.PY_START, None))
    run_test(recorder, "t.py::t3", lambda: lib.plain(1))
    payload = recorder.finish()
    assert payload["lost"] == ["t.py::t1", "t.py::t2"]
    assert functions(root, payload)["t.py::t3"] == {"pkg/lib.py::plain"}


def test_tracing_in_a_test_does_not_disturb_it(tmp_path: Path, tool_ids: None) -> None:
    root = project(tmp_path)
    recorder = start_recorder(root)
    lib = load(root / "pkg" / "lib.py")
    previous = sys.gettrace()

    def traces() -> None:
        sys.settrace(lambda *args: None)
        try:
            lib.plain(1)
        finally:
            sys.settrace(previous)

    run_test(recorder, "t.py::t1", traces)
    payload = recorder.finish()
    assert payload["lost"] == []
    assert functions(root, payload) == {"t.py::t1": {"pkg/lib.py::plain"}}


def test_the_recorder_leaves_no_tool_behind(tmp_path: Path, tool_ids: None) -> None:
    root = project(tmp_path)
    recorder = start_recorder(root)
    lib = load(root / "pkg" / "lib.py")
    run_test(recorder, "t.py::t1", lambda: lib.plain(1))
    run_test(recorder, "t.py::t2", lambda: lib.plain(1))
    recorder.finish()
    assert recorder.finish() is recorder.finish()  # once
    assert [sys.monitoring.get_tool(t) for t in (3, 4)] == [None, None]
    sys.monitoring.use_tool_id(3, "next")
    assert sys.monitoring.get_local_events(3, lib.plain.__code__) == 0  # nothing of ours on it
    sys.monitoring.free_tool_id(3)


def test_coverage_records_when_no_tool_id_is_free_or_when_asked(tmp_path: Path, tool_ids: None,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    for tool in (3, 4):
        sys.monitoring.use_tool_id(tool, "someone")
    recorder = start_recorder(root)
    try:
        assert isinstance(recorder, CoverageRecorder)
    finally:
        recorder.finish()
        for tool in (3, 4):
            sys.monitoring.free_tool_id(tool)
    monkeypatch.setenv("SPECMESH_RECORDER", "coverage")
    recorder = start_recorder(root)
    recorder.finish()
    assert isinstance(recorder, CoverageRecorder)
