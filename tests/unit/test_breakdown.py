"""plan.md §11 Work Breakdown reader: groups, ID lists, ranges, decimals, nested tasks, problems."""

from __future__ import annotations

import textwrap

import pytest

from specmesh_tasks.parse.breakdown import expand_ids, parse_breakdown


def plan(section: str, heading: str = "## 11. Work Breakdown (Link to Tasks)") -> str:
    body = textwrap.dedent(section).strip("\n")
    return f"# Implementation Plan: Lending\n\nPlan ID: PLAN-LOAN-001\n\n## 10. Constitution Check\n\n" \
           f"- Task group 9: not the breakdown -> T-900\n\n{heading}\n\n{body}\n\n## 12. Notes\n\n" \
           "- Task group 8: after the section -> T-800\n"


def ids(text: str) -> list[str]:
    return parse_breakdown(text, "plan.md").task_ids()


def codes(text: str) -> list[tuple[str, int]]:
    return [(p.code, p.location.line) for p in parse_breakdown(text, "plan.md").problems]


def test_groups_with_plain_lists_in_plan_order() -> None:
    bd = parse_breakdown(plan("""
        High-level mapping from this plan to tasks:

        - Task group 1: Setup -> T-001, T-002
        - Task group 2: UC-LOAN-001 Borrow a book -> T-101, T-102

        This mapping will be materialized in `tasks.md`.
        """), "plan.md")
    assert [(g.number, g.summary, g.use_case) for g in bd.groups] == [
        ("1", "Setup", None), ("2", "UC-LOAN-001 Borrow a book", "UC-LOAN-001")]
    assert bd.task_ids() == ["T-001", "T-002", "T-101", "T-102"]
    assert bd.problems == ()
    assert bd.section_line == 9
    assert bd.groups[1].line == 14


@pytest.mark.parametrize("written, expected", [
    ("[T-001, T-002]", ["T-001", "T-002"]),
    ("T-101..T-104", ["T-101", "T-102", "T-103", "T-104"]),
    ("T-101–T-103", ["T-101", "T-102", "T-103"]),
    ("T-101 – T-102", ["T-101", "T-102"]),
    ("T-101..103", ["T-101", "T-102", "T-103"]),
    ("T-002, T-002.5, T-003", ["T-002", "T-002.5", "T-003"]),
    ("`T-001`, `T-002`", ["T-001", "T-002"]),
    ("T-1001, T-1002", ["T-1001", "T-1002"]),
    ("T-050 and T-051", ["T-050", "T-051"]),
    ("T-001、T-002", ["T-001", "T-002"]),
    ("[T-001..T-002, T-010]", ["T-001", "T-002", "T-010"]),
    ("T-001, T-002 (tests first)", ["T-001", "T-002"]),
])
def test_id_list_forms(written: str, expected: list[str]) -> None:
    assert ids(plan(f"- Task group 1: Setup -> {written}")) == expected


def test_other_arrows_and_bold_group_labels() -> None:
    text = plan("""
        - **Task group 1:** Setup → T-001
        - Task Group 2: Borrow => T-101
        * Task group 3: Return -> T-201
        """)
    assert ids(text) == ["T-001", "T-101", "T-201"]
    assert codes(text) == []


def test_nested_descriptions_and_full_task_lines() -> None:
    bd = parse_breakdown(plan("""
        - Task group 2: UC-LOAN-001 Borrow a book -> T-101..T-103
          - T-101: Write the failing borrow test
            that covers refusals
          - [ ] [T-102] [P2] [UC-LOAN-009] [Spec-First] Implement borrowing
            - a note under T-102 mentioning T-999
          - T-103
        """), "plan.md")
    tasks = {t.id: t for t in bd.tasks()}
    assert tasks["T-101"].description == "Write the failing borrow test that covers refusals"
    assert (tasks["T-102"].priority, tasks["T-102"].use_case, tasks["T-102"].tags) == (
        "P2", "UC-LOAN-009", ("Spec-First",))
    assert tasks["T-102"].description == "Implement borrowing"
    assert tasks["T-103"].description == ""
    assert bd.task_ids() == ["T-101", "T-102", "T-103"]
    assert bd.problems == ()


def test_nested_tasks_alone_define_a_group_and_extras_slot_in_by_number() -> None:
    bd = parse_breakdown(plan("""
        - Task group 1: Setup
          - T-001: Create the module
          - T-002: Configure it
        - Task group 2: Borrow -> T-101, T-102
          - T-101.5: Slipped in later
        """), "plan.md")
    assert [g.tasks[0].description for g in bd.groups] == ["Create the module", ""]
    assert bd.task_ids() == ["T-001", "T-002", "T-101", "T-101.5", "T-102"]


def test_template_placeholder_gives_no_tasks_and_says_why() -> None:
    text = plan("""
        - Task group 1: [Summary] -> [Task IDs]
        - Task group 2: [Summary] -> [Task IDs]
        """)
    bd = parse_breakdown(text, "plan.md")
    assert bd.groups == ()
    assert [(p.code, p.location.line) for p in bd.problems] == [("SM422", 11), ("SM422", 12)]
    assert "placeholder" in bd.problems[0].message


def test_unreadable_lines_are_findings_with_their_line() -> None:
    text = plan("""
        - Task group 1: Setup -> T-001, T-2
        - Something that is not a group
        - Task group 2: Borrow -> T-104..T-101
          - T-12: too few digits
          - [ ] a task without an ID
        - Task group 3: Return ->
        """)
    found = codes(text)
    assert found == [("SM423", 11), ("SM423", 12), ("SM423", 13), ("SM423", 14), ("SM423", 15),
                     ("SM423", 16)]
    assert ids(text) == ["T-001"]  # what could be read is kept
    messages = [p.message for p in parse_breakdown(text, "plan.md").problems]
    assert "'T-2'" in messages[0] and "'T-12'" in messages[3]


def test_duplicate_ids_across_groups_are_reported_once_and_kept_once() -> None:
    text = plan("""
        - Task group 1: Setup -> T-001
        - Task group 2: Again -> T-001, T-002
        """)
    assert ids(text) == ["T-001", "T-002"]
    assert codes(text) == [("SM424", 12)]


def test_code_blocks_and_comments_are_not_read() -> None:
    text = plan("""
        <!-- - Task group 5: hidden -> T-500 -->
        ```
        - Task group 6: in code -> T-600
        ```
        <!--
        - Task group 7: hidden too -> T-700
        -->
        - Task group 1: Setup -> T-001 <!-- inline note -->
        """)
    assert ids(text) == ["T-001"]
    assert codes(text) == []


def test_section_found_by_title_when_numbered_differently() -> None:
    text = plan("- Task group 1: Setup -> T-001", heading="## 9. Work Breakdown")
    assert ids(text) == ["T-001"]


def test_no_section_is_one_finding() -> None:
    bd = parse_breakdown("# Implementation Plan: X\n\n## 1. Summary\n", "plan.md")
    assert bd.groups == () and [p.code for p in bd.problems] == ["SM421"]


def test_section_without_groups_is_one_finding() -> None:
    assert codes(plan("To be decided.")) == [("SM421", 9)]


def test_crlf_bom_and_japanese_text() -> None:
    text = "\ufeff" + plan("- Task group 1: 貸出の準備 -> T-001、T-002").replace("\n", "\r\n")
    bd = parse_breakdown(text, "plan.md")
    assert bd.task_ids() == ["T-001", "T-002"] and bd.groups[0].summary == "貸出の準備"


def test_never_raises_on_odd_input() -> None:
    head = "## 11. Work Breakdown\n"
    for text in ["", head + "- Task group", head + "```\n- Task group 1: x -> T-001",
                 head + "\t- T-001: orphan bullet\n- Task group x -> T-999999..T-000001"]:
        parse_breakdown(text, "plan.md")


def test_expand_ids_reports_unreadable_tokens() -> None:
    assert expand_ids("T-001, TBD, T-003..T-002") == (["T-001"], ["TBD", "T-003..T-002"])
    assert expand_ids("T-001..T-900") == ([], ["T-001..T-900"])  # 900 tasks is a typo, not a plan
