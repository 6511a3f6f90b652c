"""The task line grammar (formats/task_lines.py): reading a list item, writing and ticking a line."""

from __future__ import annotations

from specmesh_tasks.formats.task_lines import (
    MARKER,
    marker_version,
    parse_task_item,
    placeholder,
    task_line,
    task_mentions,
    ticked,
)


def test_item_forms() -> None:
    assert parse_task_item("[ ] T-101 spec-kit style id").id == "T-101"  # type: ignore[union-attr]
    assert parse_task_item("T-101: a note") is None
    bare = parse_task_item("T-101: described", bare=True)
    assert bare is not None and (bare.id, bare.description, bare.done) == ("T-101", "described", None)
    assert parse_task_item("**T-102** — bold", bare=True).description == "bold"  # type: ignore[union-attr]
    assert parse_task_item("T-shirt sizes", bare=True) is None
    assert parse_task_item("plain bullet") is None
    tagged = parse_task_item("[x] [T-001] [P0] [F-LOAN-001] [see: spec] text")
    assert tagged is not None and tagged.spec == "F-LOAN-001" and tagged.description == "[see: spec] text"


def test_a_written_line_reads_back() -> None:
    line = task_line(["T-101", "P1", None, "UC-LOAN-001", "S-LOAN-001"], placeholder("T-101"))
    assert line == "- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-101]"
    item = parse_task_item(line[2:])
    assert item is not None and (item.id, item.priority, item.use_case, item.spec) == (
        "T-101", "P1", "UC-LOAN-001", "S-LOAN-001")
    assert item.done is False and item.unfilled


def test_ticking_and_mentions() -> None:
    assert ticked("  1. [ ] [T-101] x") == "  1. [x] [T-101] x"
    assert ticked("- [x] [T-101] x") == "- [x] [T-101] x" and ticked("[ ] not an item") == "[ ] not an item"
    assert task_mentions("fix due dates [T-102] and [T-002.5], not T-103 or [T-1]") == ["T-102", "T-002.5"]


def test_the_format_marker() -> None:
    assert marker_version(MARKER) == "1" and marker_version("<!-- specmesh:tasks v2 note -->") == "2"
    assert marker_version("<!-- specmesh:plan v1 -->") == ""


def test_a_task_group_reads_the_same_in_a_plan_line_and_a_tasks_heading() -> None:
    from specmesh_tasks.formats.task_lines import GroupLine, task_group

    assert task_group("Task group 2: Cancel a loan -> T-201") == GroupLine("2", "Cancel a loan -> T-201")
    assert task_group("**Task group 2:** Cancel a loan") == GroupLine("2", "Cancel a loan")
    assert task_group("task group 2.1 — Cancel") == GroupLine("2.1", "Cancel")
    assert task_group("Task group 1 -> T-001") == GroupLine("1", "-> T-001")  # an arrow is no separator
    assert task_group("Task group B) Extras") == GroupLine("B", "Extras")
    assert task_group("Task group: Setup") == GroupLine("", "Setup")
    assert task_group("Task groups") is None and task_group("- Task group 1") is None


def test_a_code_span_task_gets_a_checkbox_and_keeps_its_words() -> None:
    from specmesh_tasks.formats.task_lines import checkbox_form

    assert checkbox_form("- `[T-001] [P1] Set up` (first)") == "- [ ] [T-001] [P1] Set up (first)"
    assert checkbox_form("  * [X] ``[T-002] Ship``") == "  * [X] [T-002] Ship"
    assert checkbox_form("- `unclosed [T-003]") == "- `unclosed [T-003]"
    assert checkbox_form("plain prose") == "plain prose"


def test_a_list_item_with_or_without_a_checkbox() -> None:
    from specmesh_tasks.formats.task_lines import ListItem, list_item

    assert list_item("  - [x] Done it") == ListItem("  ", True, "Done it")
    assert list_item("1) [ ] Open") == ListItem("", False, "Open")
    assert list_item("* plain") == ListItem("", None, "plain")
    assert list_item("-no space") is None and list_item("text") is None
