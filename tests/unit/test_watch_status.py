"""The watcher's one status line per cycle."""

from __future__ import annotations

from specmesh_tasks.watch.status import CycleReport, format_status, result_of


def test_status_line_says_what_changed_what_ran_the_result_and_the_time() -> None:
    changed = (".specify/specs/features/a/spec.md",)
    report = CycleReport(3, changed, ("plan:S-A-001", "gates"), (), "ok", 0.123)
    assert format_status(report) == (
        "watch #3: changed .specify/specs/features/a/spec.md · ran plan:S-A-001, gates · ok · 0.12 s"
    )


def test_first_run_nothing_ran_and_failures_are_named() -> None:
    first = CycleReport(1, (), (), (), "ok", 0.0)
    assert format_status(first) == "watch #1: first run · nothing to run · ok · 0.00 s"
    failed = CycleReport(2, ("a.py",), ("test",), ("test",), "failed", 1.5)
    assert format_status(failed) == "watch #2: changed a.py · ran test · failed (test) · 1.50 s"


def test_long_lists_are_cut() -> None:
    changed = tuple(f"f{i}.md" for i in range(7))
    line = format_status(CycleReport(4, changed, (), (), "ok", 0.0))
    assert "changed f0.md, f1.md, f2.md, f3.md, f4.md +2 more ·" in line


def test_exit_codes_map_to_words() -> None:
    assert [result_of(c) for c in (0, 1, 2, 3)] == ["ok", "failed", "error", "error"]
