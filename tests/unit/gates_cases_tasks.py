"""Trigger / no-trigger trees for the tasks family (SM420–SM448), merged into `gates_cases.CASES`.

Each entry is `code -> (bad files, good files)` over the gates' BASE tree: a plan.md with a Work
Breakdown and a tasks.md that agree (`_GOOD`), and one change that makes exactly that rule fire.
Plain tuples, so `gates_cases` can import this module without a cycle.
"""

from __future__ import annotations

from gates_trees import LOAN, Files, edit, with_files

LOAN_DIR = ".specify/specs/features/sloan001-book-lending"
PLAN = f"{LOAN_DIR}/plan.md"
TASKS = f"{LOAN_DIR}/tasks.md"

PLAN_TEXT = """
    # Implementation Plan: Book lending
    <!-- specmesh:plan v1 inputs=000000000000 -->

    Plan ID: PLAN-LOAN-001
    Feature Spec: S-LOAN-001
    Branch: feature/12-book-lending

    ## 11. Work Breakdown (Link to Tasks)

    - Task group 1: Setup -> T-001
    - Task group 2: UC-LOAN-001 Borrow a book -> T-101, T-102
      - T-101: Write the failing borrow test
    """
TASKS_TEXT = """
    # Tasks: Book lending
    <!-- specmesh:tasks v1 -->

    Feature Spec: S-LOAN-001
    Plan: PLAN-LOAN-001
    Created: 2025-02-01
    Total Tasks: 3

    ---

    ## Task group 1: Setup

    - [x] [T-001] [P1] [S-LOAN-001] Add the loan model

    ## Task group 2: UC-LOAN-001 Borrow a book

    - [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the failing borrow test
    - [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] Implement borrowing against API-LOAN-CREATE
    """


def _tree(plan: str = PLAN_TEXT, tasks: str | None = TASKS_TEXT) -> Files:
    return with_files({PLAN: plan, TASKS: tasks})


def _tasks(old: str, new: str) -> Files:
    assert old in TASKS_TEXT, old
    return _tree(tasks=TASKS_TEXT.replace(old, new, 1))


def _plan(old: str, new: str) -> Files:
    assert old in PLAN_TEXT, old
    return _tree(plan=PLAN_TEXT.replace(old, new, 1))


_GOOD = _tree()
_LAST_TASK = "    - [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] Implement borrowing against API-LOAN-CREATE\n"

TASKS_CASES: dict[str, tuple[str, Files, Files]] = {
    "SM420": ("SM420", _tasks("    <!-- specmesh:tasks v1 -->\n", ""), _GOOD),
    "SM421": ("SM421", _plan("## 11. Work Breakdown (Link to Tasks)", "## 12. Notes"), _GOOD),
    "SM422": ("SM422", _plan("- Task group 1: Setup -> T-001",
                             "- Task group 1: Setup -> T-001\n    - Task group 3: [Summary] -> [Task IDs]"),
              _GOOD),
    "SM423": ("SM423", _plan("-> T-101, T-102", "-> T-101, T-1O2"), _GOOD),
    "SM424": ("SM424", _tasks(_LAST_TASK, _LAST_TASK + "    - [ ] [T-102] [P1] Again\n"), _GOOD),
    "SM424-plan": ("SM424", _plan("Setup -> T-001", "Setup -> T-001, T-101"), _GOOD),
    "SM425": ("SM425", _tasks(_LAST_TASK, ""), _GOOD),
    "SM425-no-file": ("SM425", _tree(tasks=None), _GOOD),
    "SM426": ("SM426", _tasks(_LAST_TASK, _LAST_TASK + "    - [ ] [T-103] [P1] [S-LOAN-001] Hand\n"), _GOOD),
    "SM427": ("SM427", edit(LOAN, "## 5. Functional", "### UC-LOAN-002: Return a book\n\n**Priority:** P2\n\n"
                                                    "## 5. Functional", _GOOD), _GOOD),
    "SM428": ("SM428", _tasks("against API-LOAN-CREATE", "against API-LOAN-DELETE"), _GOOD),
    "SM429": ("SM429", _tasks("Add the loan model", "Add the loan model in lending/models.py"),
              with_files({"lending/models.py": "class Loan: ...\n"},
                         _tasks("Add the loan model", "Add the loan model in lending/models.py"))),
    "SM430": ("SM430", _tasks("Total Tasks: 3", "Total Tasks: 4"), _GOOD),
    "SM431": ("SM431", _tasks("Add the loan model", "[TODO: describe T-001]"), _GOOD),
    "SM432": ("SM432", _tasks("Write the failing borrow test", "Write the borrow tests"), _GOOD),
    "SM433": ("SM433", _tasks(_LAST_TASK, _LAST_TASK + "    - [ ] [T-1] Tidy up\n"), _GOOD),
}
