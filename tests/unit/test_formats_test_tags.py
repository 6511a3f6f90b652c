"""The grammar of tags and markers in tests (formats/test_tags.py)."""

from __future__ import annotations

import ast

from specmesh_tasks.formats.test_tags import marker_ids_in_line, scan_tag_ids, spec_mark_ids


def test_tag_scanner_word_boundaries_and_lists() -> None:
    listed = scan_tag_ids("# @fr FR-A-001,FR-A-002; FR-A-003 and FR-A-004")
    assert listed == ["FR-A-001", "FR-A-002", "FR-A-003"]
    assert scan_tag_ids("// @uc: UC-001") == ["UC-001"]
    assert scan_tag_ids("# @spec API-AUTH-* M-USER") == ["API-AUTH-*", "M-USER"]
    assert scan_tag_ids("mail me@spec S-X-001") == []
    assert scan_tag_ids("@pytest.mark.spec('FR-X-001')") == []
    assert scan_tag_ids("# @specs S-X-001 / @fr fr-x-001") == []
    assert scan_tag_ids(" * @uc UC-X-001 */") == ["UC-X-001"]


def test_the_marker_as_python_and_as_a_line() -> None:
    call = ast.parse('pytest.mark.spec("UC-A-001", "FR-A-002", 3)').body[0].value  # type: ignore[attr-defined]
    assert spec_mark_ids(call) == ["UC-A-001", "FR-A-002"]
    assert spec_mark_ids(ast.parse("pytest.mark.slow()").body[0].value) is None  # type: ignore[attr-defined]
    assert marker_ids_in_line("@mark.spec('UC-A-001', \"FR-A-002\")  # broken file") == ["UC-A-001", "FR-A-002"]
    assert marker_ids_in_line("@pytest.mark.skip") is None
