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
