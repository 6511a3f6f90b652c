"""The last result of each test (`affected/results.py`): recorded by `specmesh test`, read by trace."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.affected.results import RESULTS_NAME, LastResult, last_results, record_results, run_time

PROJECT: dict[str, str | bytes] = {
    ".specify/specs/features/sloan001/spec.md": """\
        # Feature Spec: Lending

        Spec Type: Feature
        Spec ID: S-LOAN-001
        Created: 2026-01-01
        Status: Approved
        Author: Team

        ## 5. Functional Requirements (FR)

        | FR ID | Description | Related UC | Priority |
        |-------|-------------|------------|----------|
        | FR-LOAN-001 | Lend a book | | P1 |
        """,
    "tests/test_lend.py": """\
        import os

        import pytest


        @pytest.mark.spec("FR-LOAN-001")
        @pytest.mark.parametrize("n", [1, 2])
        def test_lend(n):
            assert n


        def test_other():
            assert os.environ.get("BREAK_OTHER") != "1"
        """,
}


def test_run_time_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run_time() == "2026-01-01T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert run_time(0) == "1970-01-01T00:00:00Z"


def test_record_merges_runs_and_drops_tests_of_deleted_files(tmp_path: Path) -> None:
    cache = tmp_path / ".specify" / ".cache"
    cache.mkdir(parents=True)
    record_results(cache, {"tests/a.py::t1": "passed", "tests/b.py::t2": "failed"}, ["tests/a.py", "tests/b.py"],
                   at="2026-01-01T00:00:00Z")
    record_results(cache, {"tests/b.py::t2": "passed", "tests/a.py::t3": "bogus"}, ["tests/b.py"],
                   at="2026-01-02T00:00:00Z")
    assert last_results(tmp_path) == {"tests/b.py::t2": LastResult("passed", "2026-01-02T00:00:00Z")}


def test_unreadable_or_other_schema_reads_as_nothing_recorded(tmp_path: Path) -> None:
    cache = tmp_path / ".specify" / ".cache"
    cache.mkdir(parents=True)
    assert last_results(tmp_path) == {}
    (cache / RESULTS_NAME).write_text("{broken", encoding="utf-8")
    assert last_results(tmp_path) == {}
    (cache / RESULTS_NAME).write_text(json.dumps({"schema": 99, "results": {"t.py::a": ["passed", "x"]}}))
    assert last_results(tmp_path) == {}


def test_specmesh_test_records_each_node_with_the_time_of_its_run(
        spec_tree: Callable[[dict[str, str | bytes]], Path],
        run_specmesh: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    root = spec_tree(PROJECT)
    first = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    done = run_specmesh("test", cwd=root, env=first)
    assert done.returncode == 0, done.stderr
    assert last_results(root) == {
        "tests/test_lend.py::test_lend[1]": LastResult("passed", "2026-01-01T00:00:00Z"),
        "tests/test_lend.py::test_lend[2]": LastResult("passed", "2026-01-01T00:00:00Z"),
        "tests/test_lend.py::test_other": LastResult("passed", "2026-01-01T00:00:00Z"),
    }
    # A second run selects only what changed (here: one test broken by the environment, with
    # --all so it runs); every node it ran gets the new time, and a failure is recorded as such.
    second = {**first, "SOURCE_DATE_EPOCH": "1767312000", "BREAK_OTHER": "1"}
    done = run_specmesh("test", "--all", cwd=root, env=second)
    assert done.returncode == 1
    results = last_results(root)
    assert results["tests/test_lend.py::test_other"] == LastResult("failed", "2026-01-02T00:00:00Z")
    assert results["tests/test_lend.py::test_lend[1]"] == LastResult("passed", "2026-01-02T00:00:00Z")


def test_a_test_not_selected_keeps_its_older_result(
        spec_tree: Callable[[dict[str, str | bytes]], Path],
        run_specmesh: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    root = spec_tree(PROJECT)
    assert run_specmesh("test", cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}).returncode == 0
    spec = root / ".specify/specs/features/sloan001/spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Lend a book", "Lend a book for 14 days"))
    done = run_specmesh("test", cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": "1767312000"})
    assert done.returncode == 0, done.stderr
    results = last_results(root)
    assert results["tests/test_lend.py::test_lend[1]"].at == "2026-01-02T00:00:00Z"  # cites the FR: ran
    assert results["tests/test_lend.py::test_other"].at == "2026-01-01T00:00:00Z"  # did not run
