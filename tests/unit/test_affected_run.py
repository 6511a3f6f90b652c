"""The runner's pieces: the child plugin (selection, outcomes), arguments, state files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specmesh_tasks.affected.record import dump_state, load_state
from specmesh_tasks.affected.run import _exit_code, _rebase
from specmesh_tasks.affected.select import FileRecord, State
from specmesh_tasks.errors import UserError

pytest_plugins = ["pytester"]

CHILD = ["-p", "specmesh_tasks.affected.pytest_results"]


def test_state_round_trip_and_rebuild_on_other_schema(tmp_path: Path) -> None:
    record = FileRecord("fp", {"FR-X-001": "d"}, ("tests/t.py::test_a",))
    state = State({"tests/t.py": record}, {"src/a.py": "1"})
    path = tmp_path / "state.json"
    path.write_text(dump_state(state))
    assert load_state(path) == state
    path.write_text(json.dumps({"schema": 99, "files": {"x": {}}}))
    assert load_state(path) == State()
    path.write_text("{not json")
    assert load_state(path) == State()


def test_node_ids_are_rebased_from_pytests_rootdir_to_our_root(tmp_path: Path) -> None:
    root = tmp_path / "examples" / "lib"
    assert _rebase("examples/lib/tests/t.py::test_a[1]", tmp_path, root) == "tests/t.py::test_a[1]"
    assert _rebase("tests/t.py::test_a", root, root) == "tests/t.py::test_a"


def test_exit_codes() -> None:
    assert _exit_code(0) == 0
    assert _exit_code(5) == 0  # the selected files held no test: nothing failed
    assert _exit_code(1) == 1
    assert _exit_code(2) == 1
    with pytest.raises(UserError, match="--pytest-args"):
        _exit_code(4)


def write_select(pytester: pytest.Pytester, files: list[str], nodes: dict[str, list[str]]) -> str:
    select = pytester.path / "select.json"
    select.write_text(json.dumps({"files": [str(pytester.path / f) for f in files],
                                  "nodes": {str(pytester.path / f): n for f, n in nodes.items()}}))
    return f"--specmesh-select={select}"


def test_child_plugin_collects_only_the_selection_and_records_outcomes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(**{
        "tests/test_a": "def test_one():\n    pass\n\ndef test_two():\n    assert False\n",
        "tests/test_b": "def test_b():\n    pass\n",
        "tests/build/test_c": "def test_c():\n    pass\n",
        "tests/checks": "def test_d():\n    pass\n",  # not a python_files name
        "tests/test_broken": "raise RuntimeError('never imported')\n",
    })
    results = pytester.path / "results.json"
    select = write_select(pytester, ["tests/build/test_c.py", "tests/checks.py"],
                          {"tests/test_a.py": ["test_two"]})
    run = pytester.runpytest_subprocess(*CHILD, select, f"--specmesh-results={results}", "tests")
    run.assert_outcomes(passed=2, failed=1, deselected=1)
    data = json.loads(results.read_text())
    assert data["outcomes"] == {"tests/build/test_c.py::test_c": "passed",
                                "tests/checks.py::test_d": "passed", "tests/test_a.py::test_two": "failed"}
    assert data["complete"] is True
    assert set(data["durations"]) == set(data["outcomes"])


def test_child_plugin_marks_narrowed_or_stopped_runs_incomplete(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_a="def test_one():\n    assert False\n\ndef test_two():\n    pass\n")
    results = pytester.path / "results.json"
    for extra in (["-k", "two"], ["-x"]):
        pytester.runpytest_subprocess(*CHILD, f"--specmesh-results={results}", *extra)
        assert json.loads(results.read_text())["complete"] is False, extra
    pytester.runpytest_subprocess(*CHILD, f"--specmesh-results={results}")
    assert json.loads(results.read_text())["complete"] is True


def test_child_plugin_records_in_the_xdist_controller_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_a="import pytest\n\n@pytest.mark.parametrize('n', range(6))\ndef test_n(n):\n"
                               "    assert n != 4\n")
    results = pytester.path / "results.json"
    run = pytester.runpytest_subprocess(*CHILD, f"--specmesh-results={results}", "-n", "2")
    run.assert_outcomes(passed=5, failed=1)
    data = json.loads(results.read_text())
    assert len(data["outcomes"]) == 6
    assert data["outcomes"]["test_a.py::test_n[4]"] == "failed"
