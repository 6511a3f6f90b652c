"""The tasks family's checks on one feature (pure functions; the gate cases cover the wiring)."""

from __future__ import annotations

import textwrap

from specmesh_tasks.materialize import checks
from specmesh_tasks.materialize.checks import TasksView, named_paths
from specmesh_tasks.materialize.facts import UseCaseFact
from specmesh_tasks.parse.breakdown import parse_breakdown
from specmesh_tasks.parse.tasks_md import parse_tasks_md

PLAN = """\
## 11. Work Breakdown

- Task group 1: Setup -> T-001
- Task group 2: UC-LOAN-001 Borrow -> T-101, T-102
  - T-101: Write the borrow test
"""
TASKS = """\
# Tasks: Lending
<!-- specmesh:tasks v1 -->

Total Tasks: 3

## Task group 2: UC-LOAN-001 Borrow

- [x] [T-001] [P1] [S-LOAN-001] Add lending/models.py
- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the borrow test
- [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] Implement borrowing after T-101
"""
DEFINED = {"S-LOAN-001", "UC-LOAN-001", "UC-LOAN-002", "API-LOAN-CREATE"}
FILES = {"lending/models.py", "features/loan/notes/spec.txt"}


def view(tasks: str | None = TASKS, plan: str | None = PLAN, use_cases: tuple[str, ...] = ("UC-LOAN-001",),
         expects: bool = True) -> TasksView:
    return TasksView("S-LOAN-001", "features/loan", tuple(UseCaseFact(u, "P1") for u in use_cases),
                     parse_breakdown(plan, "features/loan/plan.md") if plan is not None else None,
                     parse_tasks_md(textwrap.dedent(tasks), "features/loan/tasks.md") if tasks else None,
                     expects)


def found(v: TasksView) -> list[tuple[str, int, str]]:
    return [(p.code, p.location.line, p.message)
            for p in checks.check_all(v, DEFINED.__contains__, FILES.__contains__)]


def test_agreeing_files_give_nothing() -> None:
    assert found(view()) == []


def test_each_problem_once_with_its_line() -> None:
    text = TASKS.replace("Total Tasks: 3", "Total Tasks: 2") + (
        "- [x] [T-103] [UC-LOAN-009] Done in web/app.tsx and https://example.com/a/b.html\n"
        "- [ ] [T-101] duplicate\n- [ ] [T-104] [TODO: describe T-104]\n")
    codes = [(code, line) for code, line, _ in found(view(text, use_cases=("UC-LOAN-001", "UC-LOAN-002")))]
    assert codes == [
        ("SM427", 0),  # UC-LOAN-002 has no task
        ("SM430", 4),  # Total Tasks
        ("SM426", 11), ("SM428", 11), ("SM429", 11),  # orphan, unknown UC, phantom file
        ("SM424", 12),  # duplicate T-101
        ("SM432", 12),  # its description differs from the plan's
        ("SM426", 13), ("SM431", 13),
    ]


def test_missing_from_tasks_md_and_no_file_at_all() -> None:
    short = TASKS.replace("- [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] Implement borrowing after T-101\n",
                          "")
    assert ("SM425", 0, "Work Breakdown tasks missing from tasks.md: T-102; run `specmesh tasks`") in found(
        view(short.replace("Total Tasks: 3", "Total Tasks: 2")))
    assert [c for c, _, _ in found(view(None))] == ["SM425"]
    assert found(view(None, expects=False)) == []  # a Draft feature is not materialized


def test_unmanaged_and_newer_format() -> None:
    unmanaged = TASKS.replace("<!-- specmesh:tasks v1 -->\n", "")
    assert found(view(unmanaged))[0][:2] == ("SM420", 1)
    newer = TASKS.replace("v1", "v7")
    assert "v7" in found(view(newer))[0][2]


def test_task_ids_cited_in_descriptions_must_exist_here() -> None:
    text = TASKS.replace("after T-101", "after T-777")
    assert ("SM428", 10, "T-102 cites T-777, which is not a task of this file") in found(view(text))


def test_reading_problems_pass_through() -> None:
    plan = PLAN + "- Task group 3: [Summary] -> [Task IDs]\n- not a group\n"
    assert [c for c, _, _ in found(view(plan=plan))] == ["SM422", "SM423"]


def test_named_paths() -> None:
    assert named_paths("Add `lending/models.py` and ./web/app.tsx, see docs/a.b/c.md.") == [
        "lending/models.py", "web/app.tsx", "docs/a.b/c.md"]
    assert named_paths("See https://example.com/x/y.html or models.py or 1/2.5 hours") == []
    assert named_paths("Feature-relative notes/spec.txt") == ["notes/spec.txt"]


def test_feature_relative_paths_count_as_existing() -> None:
    text = TASKS.replace("Add lending/models.py", "Write notes/spec.txt")
    assert found(view(text)) == []


def test_total_tasks_counts_a_duplicated_task_id_once() -> None:
    doubled = TASKS + "- [ ] [T-102] pasted twice\n"
    assert [c for c, _, _ in found(view(doubled))] == ["SM424"]  # the duplicate, not the count
    assert [c for c, _, _ in found(view(doubled.replace("Total Tasks: 3", "Total Tasks: 4")))] == [
        "SM430", "SM424"]
