"""Merging a fresh render into an edited plan.md: every human word is kept (contract §4)."""

from __future__ import annotations

import pytest

from specmesh_tasks.formats.plan_markers import format_marker
from specmesh_tasks.parse.plan import is_managed, scan_plan
from specmesh_tasks.render.blocks import gen
from specmesh_tasks.render.merge import NotManagedError, merge, read_created
from specmesh_tasks.render.seal import Rendered, seal


def plan(
    uc: str = "UC-1 (Borrow)",
    ext: str = "",
    deferred: tuple[str, ...] = ("- risk A",),
    inputs: str = "0123456789ab",
) -> Rendered:
    """A small plan in the real format: generated lines, a block, person's prompts, a seed."""
    return seal(
        "\n".join(
            [
                "# Implementation Plan: Lending",
                format_marker(inputs),
                "",
                "## 1. Summary",
                "",
                "- One-sentence summary of the change:",
                "- Use cases:" + gen("s1.uc", uc),
                "  - External systems:" + gen("s1.ext", ext),
                "",
                "## 7. Risks",
                "",
                "<!-- specmesh:begin s7.deferred -->",
                *deferred,
                "<!-- specmesh:end s7.deferred -->",
                "",
                "## 11. Work Breakdown",
                "",
                "- Task group 1: Setup -> T-001",
                "",
            ]
        )
    )


def test_merging_a_plan_into_itself_changes_nothing() -> None:
    old = plan()
    result = merge(old.text, old)
    assert result.text == old.text and not result.conflicts and not result.notes


def test_generated_values_follow_the_specs_and_human_text_stays_byte_for_byte() -> None:
    old = plan().text.replace(
        "- One-sentence summary of the change:",
        "- One-sentence summary of the change: lend books  \n\nA note of mine.\t",
    )
    old = old.replace("- Task group 1: Setup -> T-001", "- Task group 1: My setup -> T-001, T-003")
    new = plan(uc="UC-1 (Borrow a book)", deferred=("- risk A", "- risk B"), inputs="ba9876543210")
    result = merge(old, new)
    assert not result.conflicts
    expected = new.text.replace(
        "- One-sentence summary of the change:",
        "- One-sentence summary of the change: lend books  \n\nA note of mine.\t",
    )
    expected = expected.replace("- Task group 1: Setup -> T-001", "- Task group 1: My setup -> T-001, T-003")
    assert result.text == expected
    assert scan_plan(result.text).inputs == "ba9876543210"


def test_an_edited_generated_line_is_a_conflict_and_nothing_changes() -> None:
    old = plan().text.replace("UC-1 (Borrow)", "UC-1 (Borrow, my words)")
    result = merge(old, plan(uc="UC-1 (Borrow a book)"), path="x/plan.md")
    assert result.text == old
    (conflict,) = result.conflicts
    assert conflict.name == "s1.uc" and conflict.line == 7
    assert "-- Use cases: UC-1 (Borrow, my words)" in conflict.diff
    assert "+- Use cases: UC-1 (Borrow a book)" in conflict.diff
    assert "x/plan.md:7: generated line 's1.uc' was edited by hand" in conflict.report("x/plan.md")


def test_force_regenerates_edited_text() -> None:
    old = plan().text.replace("- risk A", "- risk A (we accept it)")
    new = plan(deferred=("- risk C",))
    result = merge(old, new, force=True)
    assert result.conflicts and result.text == new.text


def test_an_edit_that_matches_the_new_render_is_not_a_conflict() -> None:
    old = plan().text.replace("UC-1 (Borrow)", "UC-1 (Borrow a book)")
    new = plan(uc="UC-1 (Borrow a book)")
    result = merge(old, new)
    assert not result.conflicts and result.text == new.text


def test_crlf_and_trailing_whitespace_are_not_edits_and_line_endings_are_kept() -> None:
    old = plan().text.replace("UC-1 (Borrow)", "UC-1 (Borrow)   ").replace("\n", "\r\n")
    new = plan(uc="UC-2 (Return)")
    result = merge(old, new)
    assert not result.conflicts
    assert result.text == new.text.replace("\n", "\r\n")


def test_a_value_fills_its_bare_prompt_and_a_lost_value_restores_the_prompt() -> None:
    filled = merge(plan().text, plan(ext="Payment gateway"))
    assert "  - External systems: Payment gateway <!-- specmesh:s1.ext sha=" in filled.text
    emptied = merge(filled.text, plan(ext=""))
    assert emptied.text == plan().text


def test_a_prompt_answered_by_hand_keeps_its_answer() -> None:
    old = plan().text.replace("  - External systems:", "  - External systems: the town's SSO")
    result = merge(old, plan(ext="Payment gateway"))
    assert not result.conflicts
    assert "  - External systems: the town's SSO\n" in result.text
    assert "Payment gateway" not in result.text
    assert any("kept the hand-written answer" in n for n in result.notes)


def test_a_block_removed_by_hand_is_not_added_back() -> None:
    old = (
        plan()
        .text.replace("<!-- specmesh:begin s7.deferred", "<!-- gone")
        .replace("<!-- specmesh:end s7.deferred -->\n", "")
    )
    old = old.replace(old[old.index("<!-- gone") : old.index("- risk A")], "")
    result = merge(old, plan(deferred=("- risk B",)))
    assert not result.conflicts
    assert "- risk A" in result.text and "risk B" not in result.text
    assert any("s7.deferred" in n for n in result.notes)


def test_a_line_whose_marker_was_removed_belongs_to_the_person() -> None:
    old = plan(ext="Payment gateway").text
    line = next(x for x in old.split("\n") if "External systems" in x)
    old = old.replace(line, "  - External systems: Payment gateway (and cash)")
    result = merge(old, plan(ext="Payment gateway v2"))
    assert not result.conflicts
    assert "  - External systems: Payment gateway (and cash)\n" in result.text


def test_a_deleted_end_marker_is_a_conflict_and_force_restores_the_block() -> None:
    """Issue 13: `--force` removed the begin marker, so the block was never updated again."""
    old = plan().text.replace("<!-- specmesh:end s7.deferred -->\n", "")
    result = merge(old, plan())
    assert result.text == old and "no end marker" in result.conflicts[0].message
    forced = merge(old, plan(deferred=("- risk B",)), force=True)
    assert forced.text == plan(deferred=("- risk B",)).text  # intact text: regenerated in place
    assert scan_plan(forced.text).slot("s7.deferred") is not None
    assert merge(forced.text, plan(deferred=("- risk C",))).text == plan(deferred=("- risk C",)).text


def test_force_after_a_deleted_end_marker_keeps_text_the_person_changed() -> None:
    old = plan().text.replace("<!-- specmesh:end s7.deferred -->\n", "").replace("- risk A", "- risk A, mine")
    forced = merge(old, plan(deferred=("- risk B",)), force=True)
    assert "- risk A, mine" in forced.text  # theirs now, after the regenerated block
    block = scan_plan(forced.text).slot("s7.deferred")
    assert block is not None and block.content == "- risk B" and not block.edited


def test_a_repeated_line_marker_is_removed_by_force_and_its_text_stays() -> None:
    old = plan().text
    line = next(x for x in old.split("\n") if "specmesh:s1.uc" in x)
    old = old.replace("- One-sentence summary of the change:", "- One-sentence summary of the change:\n" +
                      line.replace("- Use cases:", "- Copied by me:"))
    assert "appears twice" in merge(old, plan()).conflicts[0].message
    forced = merge(old, plan(), force=True)
    assert "- Copied by me: UC-1 (Borrow)\n" in forced.text


MARKER_NOTES = """
## Notes

How the markers look (my notes for the team):

```markdown
<!-- specmesh:begin s7.deferred sha=0123456789ab -->
- an example, not a real block
<!-- specmesh:end s7.deferred -->
- An example line <!-- specmesh:s1.uc sha=0123456789ab -->
<!-- specmesh:begin unfinished sha=0123456789ab -->
```

- Inline, `<!-- specmesh:end s7.deferred -->` is text too.
- A line of mine that ends in a marker-like comment <!-- specmesh:my.note sha=aaaaaaaaaaaa -->
"""


def test_markers_in_code_and_marker_like_comments_are_the_persons_text() -> None:
    """Issue 13: a fenced example of the marker format was a false "broken marker" conflict, and
    `--force` deleted it, as it deleted a line of theirs ending in a marker-like comment."""
    old = plan().text + MARKER_NOTES
    scan = scan_plan(old)
    assert not scan.problems and [s.name for s in scan.slots] == ["s1.uc", "s7.deferred", "my.note"]
    result = merge(old, plan(uc="UC-2 (Return)"))
    assert not result.conflicts and result.text.endswith(MARKER_NOTES)
    assert "UC-2 (Return)" in result.text
    forced = merge(old, plan(uc="UC-2 (Return)"), force=True)
    assert forced.text == result.text


def test_an_unknown_format_version_is_never_rewritten() -> None:
    old = plan().text.replace("specmesh:plan v1", "specmesh:plan v2")
    result = merge(old, plan(uc="UC-9"))
    assert result.text == old and "v2 is not supported" in result.conflicts[0].message


def test_a_plan_without_the_format_marker_is_refused() -> None:
    text = "# Implementation Plan: mine\n\n- Use cases: UC-1\n"
    assert not is_managed(text)
    with pytest.raises(NotManagedError):
        merge(text, plan())


def test_the_last_line_without_a_newline_stays_without_one() -> None:
    new = plan(deferred=("- risk B",))
    old = plan().text.rstrip("\n")
    result = merge(old, new)
    assert result.text == new.text.rstrip("\n")


def test_the_created_date_is_read_back_from_the_header() -> None:
    assert read_created("# P\n\nCreated: 2025-01-02\nOwner: x\n") == "2025-01-02"
    assert read_created("# P\n\n## 1. Summary\nCreated: 2025-01-02\n") is None
    assert read_created("# P\n") is None
