"""The plan marker format: sealing rendered text and finding markers again (docs/plan-format.md)."""

from __future__ import annotations

import pytest

from specmesh_tasks.formats.plan_markers import format_marker
from specmesh_tasks.fsutil import short_hash
from specmesh_tasks.parse.plan import SlotKind, scan_plan, split_lines
from specmesh_tasks.render.blocks import gen
from specmesh_tasks.render.seal import SealError, seal


def test_seal_turns_gen_into_a_marked_line_and_keeps_the_prompt() -> None:
    rendered = seal("- Domain spec:" + gen("s1.domain", "S-DOMAIN-001 (M-BOOK, M-LOAN)"))
    expected_text = "- Domain spec: S-DOMAIN-001 (M-BOOK, M-LOAN)"
    assert rendered.text == f"{expected_text} <!-- specmesh:s1.domain sha={short_hash(expected_text)} -->"
    assert rendered.prompts == {"s1.domain": "- Domain spec:"}


def test_an_empty_value_leaves_the_bare_prompt_for_a_person() -> None:
    rendered = seal("  - External systems:" + gen("s1.external", "   "))
    assert rendered.text == "  - External systems:"
    assert rendered.prompts == {"s1.external": "  - External systems:"}


def test_blocks_get_a_hash_of_the_lines_between_their_markers() -> None:
    text = "intro\n<!-- specmesh:begin s7.deferred -->\n- a\n- b   \n<!-- specmesh:end s7.deferred -->\n"
    sealed = seal(text).text
    assert f"<!-- specmesh:begin s7.deferred sha={short_hash('- a' + chr(10) + '- b')} -->" in sealed
    assert "- b\n" in sealed  # trailing whitespace never reaches the file


def test_scan_finds_format_marker_lines_and_blocks() -> None:
    sealed = seal(
        "# T\n"
        + format_marker("0123456789ab")
        + "\n- P:"
        + gen("p", "v")
        + "\n\n<!-- specmesh:begin b -->\nx\n<!-- specmesh:end b -->\n"
    ).text
    scan = scan_plan(sealed)
    assert scan.managed and scan.format_index == 1 and scan.inputs == "0123456789ab"
    line, block = scan.slots
    assert (line.name, line.kind, line.start, line.content, line.edited) == (
        "p",
        SlotKind.LINE,
        2,
        "- P: v",
        False,
    )
    assert (block.name, block.kind, block.start, block.end, block.content) == ("b", SlotKind.BLOCK, 4, 6, "x")


def test_an_edit_changes_the_hash_but_crlf_and_trailing_spaces_do_not() -> None:
    sealed = seal("# T\n" + format_marker("0123456789ab") + "\n- P:" + gen("p", "value") + "\n").text
    assert not scan_plan(sealed.replace("\n", "\r\n")).slots[0].edited
    assert not scan_plan(sealed.replace("value", "value  ")).slots[0].edited
    assert scan_plan(sealed.replace("value", "valve")).slots[0].edited


def test_broken_markers_are_problems_not_crashes() -> None:
    text = "<!-- specmesh:begin a sha=000000000000 -->\nx\n<!-- specmesh:end b -->\n<!-- specmesh:end c -->\n"
    scan = scan_plan(text)
    assert scan.slots == ()
    assert [p.index for p in scan.problems] == [0, 2, 3]
    assert not scan.managed


def test_a_repeated_block_name_is_a_problem_at_both_markers() -> None:
    block = "<!-- specmesh:begin a sha=000000000000 -->\nx\n<!-- specmesh:end a -->\n"
    scan = scan_plan(block + block)
    assert len(scan.slots) == 1 and [p.index for p in scan.problems] == [3, 5]


def test_inline_markers_inside_a_block_are_block_text() -> None:
    text = (
        "<!-- specmesh:begin a sha=000000000000 -->\n- x <!-- specmesh:y sha=000000000000 -->\n"
        "<!-- specmesh:end a -->\n"
    )
    assert [s.name for s in scan_plan(text).slots] == ["a"]


def test_split_lines_round_trips_any_text() -> None:
    for text in ("", "a", "a\n", "a\r\nb\r\n", "a\n\nb", "\n"):
        assert "".join(split_lines(text)) == text


@pytest.mark.parametrize(
    "template, message",
    [
        ("<!-- specmesh:begin a -->\nx\n", "no matching"),
        ("- P:" + gen("p", "v") + " trailing", "must end its line"),
        ("- P:" + gen("p", "v") + "\n- Q:" + gen("p", "w"), "used twice"),
        ("- P:" + gen("Bad Name", "v"), "is not"),
    ],
)
def test_template_misuse_is_a_one_line_error(template: str, message: str) -> None:
    with pytest.raises(SealError, match=message):
        seal(template)
