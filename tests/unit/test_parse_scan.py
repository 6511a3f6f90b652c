"""ID scanning: the fast scanner finds exactly what the SCAN_PATTERNS find."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmesh_tasks.model.ids import SCAN_PATTERNS, IdKind
from specmesh_tasks.parse.scan import find_placeholders, ids_in, leading_id, scan_ids

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "specs"
TRICKY = (
    "WF-SCR-001-HDR SCR-001-original.png fr-FR api-key M-LOAN。「借りる」M-LOANs T-002.5 T-1001 "
    "UC-001. API-AUTH-* (M-USER-001) S-VISION-001 FR-RULE-001 PLAN-FIX-LOAN-001 x/UC-001 `M-A` "
    "M-A- M-SUBSIDY-TEMPLATE M-PROJECT_ORDER S-FOUNDATION-001 F-LOAN-001 COMP-001 BR-001,VR-002 "
    "CR-003|SC-LOAN-001 UC-LOAN-001：借りる e.g.M-X 1M-Y M-Z.md"
)


def _reference(text: str) -> list[tuple[int, str]]:
    found = [(m.start(), m.group(0)) for p in SCAN_PATTERNS.values() for m in p.finditer(text)]
    return sorted(found)


@pytest.mark.parametrize("name", ["feature-loan.md", "domain.md", "screen.md", "older-feature.md"])
def test_scanner_matches_the_scan_patterns_on_real_files(name: str) -> None:
    text = (RESOURCES / name).read_text(encoding="utf-8")
    assert [(t.start, t.id) for t in scan_ids(text)] == _reference(text)


def test_scanner_matches_the_scan_patterns_on_tricky_text() -> None:
    assert [(t.start, t.id) for t in scan_ids(TRICKY)] == _reference(TRICKY)


def test_kinds_and_wildcards() -> None:
    got = {t.id: (t.kind, t.wildcard) for t in scan_ids(TRICKY)}
    assert got["S-VISION-001"] == (IdKind.VISION, False)
    assert got["S-FOUNDATION-001"] == (IdKind.FEATURE, False)
    assert got["FR-RULE-001"] == (IdKind.FR_RULE, False)
    assert got["API-AUTH-*"] == (IdKind.API, True)
    assert got["M-USER-001"] == (IdKind.MASTER, False)
    assert got["T-002.5"] == (IdKind.TASK, False)
    assert got["M-LOAN"] == (IdKind.MASTER, False)
    assert "SCR-001" not in got and "M-LOANs" not in got and "M-LOAN。" not in got


def test_leading_id_and_ids_in() -> None:
    assert leading_id("UC-LOAN-001: 本を借りる") == ("UC-LOAN-001", IdKind.USE_CASE)
    assert leading_id("  M-BOOK (書籍)") == ("M-BOOK", IdKind.MASTER)
    assert leading_id("About UC-LOAN-001") is None
    assert leading_id("(Features will be added after Foundation)") is None
    assert [t.id for t in ids_in("UC-A-001, UC-A-002 / FR-A-001")] == ["UC-A-001", "UC-A-002", "FR-A-001"]


def test_placeholders_are_found_and_are_never_ids() -> None:
    text = "| S-{AREA}-001 | x |\nUC-{AREA}-001 and SCR-ID and API-[RESOURCE]-[ACTION]-001 and F-XXX-001\n"
    assert [tok for _pos, tok in find_placeholders(text)] == [
        "S-{AREA}-001",
        "UC-{AREA}-001",
        "SCR-ID",
        "API-[RESOURCE]-[ACTION]-001",
        "F-XXX-001",
    ]
    # `F-XXX-001` also has the shape of a fix ID: the spec reader drops it (tested there)
    assert [t.id for t in scan_ids(text)] == ["F-XXX-001"]
