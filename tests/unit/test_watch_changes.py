"""Which saves the watcher reacts to, and which task groups they concern."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from specmesh_tasks.discover import glob_to_regex
from specmesh_tasks.watch.changes import (
    ALL_GROUPS,
    OwnWrites,
    classify,
    groups_for,
    is_ignored,
    is_protected,
    make_test_matcher,
)

IS_TEST = make_test_matcher([glob_to_regex("tests/**/test_*.py")])
FEATURE = ".specify/specs/features/sloan001-book-lending"


@pytest.mark.parametrize("rel", [
    ".git/index", ".specify/.cache/doit.json", ".specify/.cache/deps/S-LOAN-001.json",
    "lending/__pycache__/loans.cpython-311.pyc", ".pytest_cache/v/cache/lastfailed",
    "node_modules/x/index.js", ".venv/lib/site.py", f"{FEATURE}/.spec.md.swp", f"{FEATURE}/spec.md~",
    f"{FEATURE}/4913", f"{FEATURE}/.#spec.md", f"{FEATURE}/#spec.md#", f"{FEATURE}/.plan.md.k2j3.tmp",
    f"{FEATURE}/plan.md.orig", f"{FEATURE}/plan.md.orig.2", ".coverage", "../outside.md",
    "pytest-cache-files-x1y2/README.md",
])
def test_caches_vcs_data_and_editor_scratch_files_are_ignored(rel: str) -> None:
    assert is_ignored(rel)


@pytest.mark.parametrize("rel", [
    f"{FEATURE}/spec.md", f"{FEATURE}/plan.md", ".specify/specmesh.yaml", "lending/loans.py",
    "tests/test_loans.py", "pyproject.toml", ".specify/specs/overview/matrix/cross-reference.json",
])
def test_inputs_are_not_ignored(rel: str) -> None:
    assert not is_ignored(rel)


@pytest.mark.parametrize(("rel", "groups"), [
    (f"{FEATURE}/spec.md", ALL_GROUPS),
    (".specify/specs/overview/domain/spec.md", ALL_GROUPS),
    (".specify/specs/overview/matrix/cross-reference.json", ALL_GROUPS),
    (".specify/specmesh.yaml", ALL_GROUPS),
    (".specify/templates/plan.md.j2", ALL_GROUPS),
    (".specify/specs/features/gone", ALL_GROUPS),  # a deleted or moved directory
    (f"{FEATURE}/plan.md", {"tasks", "gates"}),
    (f"{FEATURE}/tasks.md", {"gates"}),
    (".specify/test-durations.json", {"test"}),
    ("tests/test_loans.py", {"gates", "test"}),
    ("tests/conftest.py", {"gates", "test"}),
    ("lending/loans.py", {"test"}),
    ("pyproject.toml", {"test"}),
])
def test_each_kind_of_path_concerns_its_groups(rel: str, groups: set[str]) -> None:
    assert groups_for(rel, IS_TEST) == frozenset(groups)


def test_a_burst_concerns_the_union_of_its_paths() -> None:
    assert classify([f"{FEATURE}/plan.md", "lending/loans.py"], IS_TEST) == {"tasks", "gates", "test"}
    assert classify([], IS_TEST) == frozenset()


def test_specs_sources_and_tests_are_protected_but_reports_are_not() -> None:
    assert is_protected(f"{FEATURE}/spec.md", IS_TEST)
    assert is_protected("lending/loans.py", IS_TEST)
    assert is_protected("tests/test_loans.py", IS_TEST)
    assert not is_protected("reports/junit.xml", IS_TEST)
    assert not is_protected(".specify/test-durations.json", IS_TEST)


def test_a_target_is_ours_until_someone_else_changes_it(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("generated\n")
    own = OwnWrites()
    now = time.time_ns()
    own.record([str(plan)], [], now, now)
    assert own.is_own(str(plan), protected=True)
    plan.write_text("edited by a person\n")
    assert not own.is_own(str(plan), protected=True)


def test_a_deleted_target_is_not_ours(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("generated\n")
    own = OwnWrites()
    own.record([str(plan)], [], 0, 0)
    plan.unlink()
    assert not own.is_own(str(plan), protected=True)


def test_an_unread_file_written_during_the_cycle_is_ours(tmp_path: Path) -> None:
    report, source = tmp_path / "junit.xml", tmp_path / "loans.py"
    started = time.time_ns()
    report.write_text("<testsuite/>")
    source.write_text("x = 1\n")
    own = OwnWrites()
    own.record([], [str(source)], started, time.time_ns())
    assert own.is_own(str(report), protected=False)
    assert not own.is_own(str(source), protected=False)  # a file a task reads is an input
    assert not own.is_own(str(report), protected=True)


def test_an_unread_file_written_after_the_cycle_is_not_ours(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("x")
    old = time.time_ns() - 10_000_000_000
    os.utime(notes, ns=(old, old))
    own = OwnWrites()
    own.record([], [], time.time_ns(), time.time_ns())
    assert not own.is_own(str(notes), protected=False)


@pytest.mark.parametrize("name", ["sedNSjKhw", ".spec.md.swp", ".spec.md.swx", "spec.md~", "4913",
                                  ".#spec.md", "spec.md.___jb_tmp___", ".DS_Store"])
def test_editor_and_tool_scratch_names_are_ignored(name: str) -> None:
    assert is_ignored(f"{FEATURE}/{name}")


def test_a_file_created_and_gone_in_one_burst_is_scratch_whatever_its_name(tmp_path: Path) -> None:
    from watchfiles import Change

    from specmesh_tasks.watch.changes import transient

    kept, gone, deleted = (str(tmp_path / name) for name in ("spec.md", "x8Fq2", "old.md"))
    Path(kept).write_text("saved")
    raw = {(Change.added, gone), (Change.modified, gone), (Change.deleted, gone),
           (Change.added, kept), (Change.deleted, deleted)}
    assert transient(raw) == {gone}  # a person's deletion (never created here) still counts


def test_an_edit_of_a_target_that_keeps_size_and_mtime_is_not_ours(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("ours\n")
    own = OwnWrites()
    own.record([str(plan)], [], time.time_ns(), time.time_ns())
    assert own.is_own(str(plan), protected=False)
    before = plan.stat()
    time.sleep(0.01)  # ctime ticks with a coarse clock: the edit must land in a later tick
    plan.write_text("mine\n")
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))  # what touch -r does
    assert not own.is_own(str(plan), protected=False)
