"""Rendering a new tasks.md and merging the Work Breakdown into an existing one."""

from __future__ import annotations

import textwrap

from specmesh_tasks.materialize.facts import FeatureFacts, UseCaseFact, derive_plan_id, feature_facts
from specmesh_tasks.materialize.merge import merge_tasks
from specmesh_tasks.materialize.render import skeleton
from specmesh_tasks.parse.breakdown import Breakdown, parse_breakdown

FACTS = FeatureFacts("S-LOAN-001", "Book lending",
                     (UseCaseFact("UC-LOAN-001", "P1"), UseCaseFact("UC-LOAN-002", "P2")), "PLAN-LOAN-001")


def breakdown(lines: str) -> Breakdown:
    text = "# Plan\n\n## 11. Work Breakdown (Link to Tasks)\n\n" + textwrap.dedent(lines).strip() + "\n"
    return parse_breakdown(text, "plan.md")


PLAN = breakdown("""
    - Task group 1: Setup -> T-001, T-002
    - Task group 2: UC-LOAN-001 Borrow a book -> T-101, T-102
      - T-101: Write the failing borrow test
    - Task group 3: UC-LOAN-002 Return a book -> T-201
      - [ ] [T-201] [P3] [Spec-First] Update the domain spec first
    """)

EXPECTED = """\
# Tasks: Book lending
<!-- specmesh:tasks v1 -->

Feature Spec: S-LOAN-001
Plan: PLAN-LOAN-001
Created: 2025-02-01
Total Tasks: 5

---

## Conventions

- One task per line: `- [ ] [T-ID] [priority] [use case] [spec] description`; `[x]` marks it done.
- Task IDs come from the Work Breakdown (§11) of plan.md and restart in every feature.
- `specmesh tasks` adds the tasks the Work Breakdown gains and keeps the header counts current.
  It never rewrites a task line: ticks, edits and tasks added by hand stay as they are.
- A task that leaves the Work Breakdown stays here; `specmesh gates` reports it as an orphan.
- A commit message naming a task in brackets, such as `[T-101]`, lets
  `specmesh tasks --done-from-git` tick it.

## Task group 1: Setup

- [ ] [T-001] [P1] [S-LOAN-001] [TODO: describe T-001]
- [ ] [T-002] [P1] [S-LOAN-001] [TODO: describe T-002]

## Task group 2: UC-LOAN-001 Borrow a book

- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the failing borrow test
- [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-102]

## Task group 3: UC-LOAN-002 Return a book

- [ ] [T-201] [P3] [UC-LOAN-002] [S-LOAN-001] [Spec-First] Update the domain spec first
"""


def render() -> str:
    return merge_tasks(skeleton(FACTS, "2025-02-01"), PLAN, FACTS).text


def test_new_file_is_the_expected_text() -> None:
    assert render() == EXPECTED


def test_merge_of_an_up_to_date_file_changes_nothing() -> None:
    result = merge_tasks(EXPECTED, PLAN, FACTS)
    assert result.text == EXPECTED and result.added == () and result.total == 5


def test_progress_edits_and_hand_work_are_kept_while_new_tasks_are_added() -> None:
    mine = (EXPECTED
            .replace("- [ ] [T-001] [P1] [S-LOAN-001] [TODO: describe T-001]",
                     "- [x] [T-001] [P2] [S-LOAN-001] Set up the package by hand")
            .replace("- [ ] [T-101] [P1]", "- [X] [T-101] [P1]")
            .replace("## Task group 2: UC-LOAN-001 Borrow a book", "## Borrowing (renamed by me)")
            .replace("Update the domain spec first\n", "Update the domain spec first\n  - a sub-note\n"
                     "- [ ] [T-299] [P2] added by hand\n\n## Notes\n\nKeep this.\n"))
    newer = breakdown("""
        - Task group 1: Setup -> T-001, T-001.5
        - Task group 2: UC-LOAN-001 Borrow a book -> T-101, T-101.5, T-102
        - Task group 3: UC-LOAN-002 Return a book -> T-201, T-202
        - Task group 4: Wrap-up -> T-050
          - T-050: Open the PR
        """)
    result = merge_tasks(mine, newer, FACTS)
    assert result.added == ("T-001.5", "T-101.5", "T-202", "T-050")
    old_lines = [line for line in mine.splitlines() if not line.startswith("Total Tasks")]
    new_lines = result.text.splitlines()
    assert all(line in new_lines for line in old_lines)  # nothing lost, nothing rewritten
    assert "[T-002]" in result.text  # left the breakdown: kept
    section = result.text.split("## Borrowing (renamed by me)")[1].split("##")[0]
    assert section.strip().splitlines() == [
        "- [X] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the failing borrow test",
        "- [ ] [T-101.5] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-101.5]",
        "- [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-102]",
    ]
    group3 = result.text.split("## Task group 3")[1].split("\n## ")[0]
    assert group3.strip().splitlines()[2:] == [  # next to its plan neighbour, after its nested lines
        "- [ ] [T-201] [P3] [UC-LOAN-002] [S-LOAN-001] [Spec-First] Update the domain spec first",
        "  - a sub-note",
        "- [ ] [T-202] [P2] [UC-LOAN-002] [S-LOAN-001] [TODO: describe T-202]",
        "- [ ] [T-299] [P2] added by hand",
    ]
    assert result.text.index("## Task group 4: Wrap-up") < result.text.index("## Notes")
    wrap_up = "\n\n## Task group 4: Wrap-up\n\n- [ ] [T-050] [P1] [S-LOAN-001] Open the PR\n\n## Notes"
    assert wrap_up in result.text
    assert "Total Tasks: 10" in result.text and result.total == 10
    assert merge_tasks(result.text, newer, FACTS).text == result.text  # idempotent


def test_placeholder_is_filled_when_the_plan_gains_a_description_but_edits_are_not() -> None:
    described = breakdown("""
        - Task group 1: Setup -> T-001, T-002
          - T-001: Create the package
          - T-002: Configure the linters
        - Task group 2: UC-LOAN-001 Borrow a book -> T-101, T-102
          - T-101: A different wording
        - Task group 3: UC-LOAN-002 Return a book -> T-201
        """)
    text = EXPECTED.replace("- [ ] [T-002] [P1] [S-LOAN-001] [TODO: describe T-002]",
                            "- [x] [T-002] [P1] [S-LOAN-001] [TODO: describe T-002]")
    result = merge_tasks(text, described, FACTS)
    assert result.filled == ("T-001", "T-002")
    assert "- [ ] [T-001] [P1] [S-LOAN-001] Create the package\n" in result.text
    assert "- [x] [T-002] [P1] [S-LOAN-001] Configure the linters\n" in result.text  # tick kept
    assert "Write the failing borrow test" in result.text and "A different wording" not in result.text


def test_group_found_by_its_tasks_wherever_it_is() -> None:
    text = EXPECTED.replace("## Task group 3: UC-LOAN-002 Return a book", "### Returning")
    newer = breakdown("""
        - Task group 3: UC-LOAN-002 Return a book -> T-201, T-202
        """)
    result = merge_tasks(text, newer, FACTS)
    assert result.text.endswith("Update the domain spec first\n"
                                "- [ ] [T-202] [P2] [UC-LOAN-002] [S-LOAN-001] [TODO: describe T-202]\n")


def test_new_group_goes_after_the_last_task_section_when_no_neighbour_exists() -> None:
    text = "# Tasks: X\n<!-- specmesh:tasks v1 -->\n\nTotal Tasks: 1\n\n## Phase 0\n\n- [ ] [T-900] old\n\n" \
           "## Notes\n\nfree text\n"
    result = merge_tasks(text, breakdown("- Task group 1: Setup -> T-001"), FACTS)
    assert result.text == ("# Tasks: X\n<!-- specmesh:tasks v1 -->\n\nTotal Tasks: 2\n\n## Phase 0\n\n"
                           "- [ ] [T-900] old\n\n## Task group 1: Setup\n\n"
                           "- [ ] [T-001] [P1] [S-LOAN-001] [TODO: describe T-001]\n\n"
                           "## Notes\n\nfree text\n")


def test_estimated_hours_when_every_task_is_estimated() -> None:
    hours = breakdown("""
        - Task group 1: Setup -> T-001, T-002
          - [ ] [T-001] [2h] Set up
          - [ ] [T-002] [1.5h] Configure
        """)
    text = merge_tasks(skeleton(FACTS, "2025-02-01"), hours, FACTS).text
    assert "Total Tasks: 2\nEstimated Hours: 3.5\n" in text
    partly = breakdown("- Task group 1: Setup -> T-001")
    assert "Estimated Hours" not in merge_tasks(skeleton(FACTS, "2025-02-01"), partly, FACTS).text


def test_facts_from_spec_and_plan_text() -> None:
    spec = ("# Feature Spec: Book lending\n\nSpec Type: Feature\nSpec ID: S-LOAN-001\nStatus: Approved\n\n"
            "---\n\n"
            "## 4. User Stories / Use Cases\n\n### UC-LOAN-001: Borrow\n\n**Priority:** P2\n\n"
            "### UC-LOAN-002: Return\n\n**Priority:** P1\n")
    plan = "# Implementation Plan: Lending\n\nPlan ID: PLAN-LOAN-009\nBranch: `feature/12-lending`\n"
    facts = feature_facts(spec, "spec.md", plan, "dir")
    assert (facts.spec_id, facts.title, facts.plan_id, facts.branch) == (
        "S-LOAN-001", "Book lending", "PLAN-LOAN-009", "feature/12-lending")
    assert [(u.id, u.priority) for u in facts.use_cases] == [("UC-LOAN-001", "P2"), ("UC-LOAN-002", "P1")]
    assert facts.priority_of("UC-LOAN-001") == "P2" and facts.priority_of(None) == "P1"
    assert feature_facts(None, "spec.md", plan, "dir").title == "Lending"
    assert derive_plan_id("F-LOAN-001") == "PLAN-FIX-LOAN-001" and derive_plan_id("S-{AREA}-001") is None


def test_unfilled_spec_id_is_not_copied_into_task_lines() -> None:
    facts = feature_facts("# Feature Spec: X\n\nSpec ID: S-{AREA}-001\n", "spec.md", None, "dir")
    assert facts.spec_id is None and facts.plan_id is None
    text = merge_tasks(skeleton(facts, "2025-02-01"), breakdown("- Task group 1: Setup -> T-001"), facts).text
    assert "- [ ] [T-001] [TODO: describe T-001]\n" in text and "Feature Spec:" not in text


def test_total_tasks_counts_a_duplicated_task_id_once() -> None:
    """Issue 13: a task line copied by hand (same ID twice) is one task, not two."""
    doubled = EXPECTED.replace(
        "- [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-102]\n",
        "- [ ] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-102]\n"
        "- [x] [T-102] [P1] [UC-LOAN-001] [S-LOAN-001] the same task, pasted twice [2h]\n")
    result = merge_tasks(doubled, PLAN, FACTS)
    assert "Total Tasks: 5" in result.text and result.total == 5
    assert result.text == doubled  # nothing to change: the count was already right


def test_a_bold_list_or_table_header_keeps_its_form_when_the_counts_change() -> None:
    """The person's header form is theirs: only the count in it changes (issue 14)."""
    hours = breakdown("""
        - Task group 1: Setup -> T-001, T-002
          - [ ] [T-001] [2h] Set up
          - [ ] [T-002] [1.5h] Configure
        """)
    forms = {
        "- **Total Tasks:** 1": ("- **Total Tasks:** 2", "- **Estimated Hours:** 3.5"),
        "**Total Tasks**: 1": ("**Total Tasks**: 2", "**Estimated Hours**: 3.5"),
        "| Total Tasks | 1 |": ("| Total Tasks | 2 |", "| Estimated Hours | 3.5 |"),
        "Total Tasks：1": ("Total Tasks：2", "Estimated Hours：3.5"),
    }
    for written, (total, estimated) in forms.items():
        text = f"# Tasks: X\n<!-- specmesh:tasks v1 -->\n\n{written}\n\n## Setup\n\n- [ ] [T-001] [2h] Set up\n"
        result = merge_tasks(text, hours, FACTS)
        assert f"\n{total}\n{estimated}\n" in result.text, written
        assert merge_tasks(result.text, hours, FACTS).text == result.text  # and stays so
    table = ("| Field | Value |\n|---|---|\n| Total Tasks | 1 |\n| Estimated Hours | 9 |")
    text = f"# Tasks: X\n<!-- specmesh:tasks v1 -->\n\n{table}\n\n## Setup\n\n- [ ] [T-001] [2h] Set up\n"
    assert "\n| Total Tasks | 2 |\n| Estimated Hours | 3.5 |\n" in merge_tasks(text, hours, FACTS).text
