"""The spec marker grammar (formats/spec_markers.py)."""

from __future__ import annotations

import pytest

from specmesh_tasks.formats.spec_markers import MARKER, is_open_question_section, suppressed_codes


@pytest.mark.parametrize(("text", "found"), [
    ("[NEEDS CLARIFICATION]", "NEEDS CLARIFICATION"),
    ("Loan period [NEEDS CLARIFICATION: 14 or 21 days?] applies", "NEEDS CLARIFICATION"),
    ("[DEFERRED：PM の承認待ち]", "DEFERRED"),
    ("[HUMAN_CHECKPOINT] Spec Approval", "HUMAN_CHECKPOINT"),
    ("[USER FEEDBACK: too slow]", "USER FEEDBACK"),
    ("[PENDING OVERVIEW CHANGE: add M-FEE]", "PENDING OVERVIEW CHANGE"),
    ("[needs clarification]", None),
    ("[NEEDS CLARIFICATION: spans\na line]", None),
])
def test_markers(text: str, found: str | None) -> None:
    match = MARKER.search(text)
    assert (match.group(1) if match else None) == found


def test_suppressions() -> None:
    assert suppressed_codes(" specmesh: ignore SM204, undefined-reference SM221 ", whole=True) == [
        "SM204", "undefined-reference", "SM221"]
    assert suppressed_codes("see below. specmesh: ignore SM204", whole=True) is None
    assert suppressed_codes("| x | <!-- specmesh:ignore SM204,SM221 --> |") == ["SM204", "SM221"]
    assert suppressed_codes("specmesh is great") is None


def test_open_question_sections() -> None:
    assert is_open_question_section("Open Questions") and is_open_question_section("未解決の課題")
    assert not is_open_question_section("Clarifications")
