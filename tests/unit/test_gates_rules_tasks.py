"""SM420–SM449 over whole trees: a file we do not manage is reported once and read by no other
rule; in a managed tasks.md a ticked task's path is looked up from the root and the feature."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import LOAN_DIR
from gates_trees import Gate, make_gate, with_files

# An upstream-style task list, written by hand beside the feature's spec: plain checkboxes,
# no task IDs, paths relative to the skill folder the work happened in (format reference §10).
UPSTREAM_TASKS = """\
# Tasks: spec-mesh skill の整備

## Phase 1: ワークフロー

- [x] Create workflows/vision.md
- [x] Create workflows/domain.md（ドメイン仕様の手順）
- [x] Update guides/id-naming.md
- [ ] Write workflows/screen.md
- `[T-001] [P1] Draft the feature workflow in workflows/feature.md`

## Notes

- The old layout lived in legacy/flat.md (removed).
"""
# A hand-written plan: no format marker, no Plan ID, a breakdown in its own words.
HAND_PLAN = """\
# 実装計画: 貸出

## Work Breakdown

- Task group 1: 下準備 -> T-1, T-2
- 貸出 API を作る
"""
SKILL = ".claude/skills/spec-mesh"


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def test_an_unmanaged_tasks_md_is_reported_once_and_nothing_else_reads_it(gate: Gate) -> None:
    files = with_files({f"{SKILL}/workflows/vision.md": "# Vision workflow\n",
                        f"{LOAN_DIR}/tasks.md": UPSTREAM_TASKS})
    found = [(f.code, f.file) for f in gate(files)]
    assert found == [("SM420", f"{LOAN_DIR}/tasks.md")]


def test_a_free_form_tasks_md_in_a_folder_without_a_spec_is_reported_once(gate: Gate) -> None:
    notes = ".specify/specs/notes/tasks.md"
    found = [(f.code, f.file) for f in gate(with_files({notes: UPSTREAM_TASKS}))]
    assert found == [("SM420", notes)]


def test_an_unmanaged_plan_is_reported_once_and_its_breakdown_is_not_read(gate: Gate) -> None:
    found = [(f.code, f.file) for f in gate(with_files({f"{LOAN_DIR}/plan.md": HAND_PLAN}))]
    assert found == [("SM401", f"{LOAN_DIR}/plan.md")]


def test_both_unmanaged_files_of_a_feature_get_one_finding_each(gate: Gate) -> None:
    found = gate(with_files({f"{LOAN_DIR}/plan.md": HAND_PLAN, f"{LOAN_DIR}/tasks.md": UPSTREAM_TASKS}))
    assert sorted(f.code for f in found) == ["SM401", "SM420"]


MANAGED_TASKS = """\
# Tasks: Book lending
<!-- specmesh:tasks v1 -->

Feature Spec: S-LOAN-001
Total Tasks: 2

---

## Task group 1: UC-LOAN-001 Borrow a book

- [x] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the borrow test in tests/test_borrow.py
- [x] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] Add notes/borrowing.md beside the spec

Notes (not tasks): the spike in spikes/old/try.py was dropped.
"""


def test_a_ticked_task_finds_its_path_from_the_root_or_from_the_feature(gate: Gate) -> None:
    files = with_files({f"{LOAN_DIR}/tasks.md": MANAGED_TASKS, "tests/test_borrow.py": "def test_b(): ...\n",
                        f"{LOAN_DIR}/notes/borrowing.md": "# 貸出メモ\n"})
    assert [f.code for f in gate(files) if f.code == "SM429"] == []
    missing = with_files({f"{LOAN_DIR}/notes/borrowing.md": None}, files)
    found = [(f.code, f.line, f.message) for f in gate(missing) if f.code == "SM429"]
    assert found == [("SM429", 12, "T-102 is marked done but notes/borrowing.md does not exist")]
