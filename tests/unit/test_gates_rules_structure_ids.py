"""SM2xx across specs: undefined references, and references to features that are only planned."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_trees import DOMAIN, LOAN, Gate, codes, edit, make_gate

_ROW = "| S-LOAN-001 | Book lending | `.specify/specs/features/sloan001-book-lending/` | Approved | M-LOAN |"
_DEPENDENCY = "| S-BOOK-001 | Hard | books to lend |"


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def _depends_on_fines(status: str) -> dict[str, str | bytes]:
    files = edit(LOAN, _DEPENDENCY, _DEPENDENCY + "\n| S-FINE-001 | Soft | 延滞料金を請求する |")
    return edit(DOMAIN, _ROW, _ROW + f"\n| S-FINE-001 | 延滞料金 | `.specify/specs/features/sfine001-fines/` | "
                                     f"{status} | - |", files)


@pytest.mark.parametrize("status", ["Backlog", "Planned"])
def test_a_dependency_on_a_planned_feature_is_a_warning_not_undefined(gate: Gate, status: str) -> None:
    found = [f for f in gate(_depends_on_fines(status)) if f.code.startswith("SM2")]
    assert [(f.code, f.severity.value, f.message) for f in found] == [
        ("SM241", "warning", f"S-FINE-001 is planned, no spec yet ({status} in the Feature Index)")]
    assert found[0].file == LOAN


def test_a_dependency_on_a_feature_the_index_does_not_plan_is_undefined(gate: Gate) -> None:
    files = edit(LOAN, _DEPENDENCY, _DEPENDENCY + "\n| S-FINE-001 | Soft | fines |")
    assert codes(gate(files)) == {"SM204"}
    retired = codes(gate(_depends_on_fines("Deprecated")))
    assert "SM204" in retired and "SM241" not in retired


# History records are neither definitions nor references (contract §2; the reader's parse/history.py).
def test_history_records_are_not_references(gate: Gate) -> None:
    history = """## 12. Clarifications

| Date | Question | Answer | Impact |
|---|---|---|---|
| 2026-01-05 | テナントは必要か | 不要。M-TENANT を削除 | §2.1 |

## 15. Changelog

| Date | Change Type | Description | Issue |
|---|---|---|---|
| 2026-01-06 | Updated | Removed M-TENANT and API-TENANT-LIST | #12 |

## 16. Implementation Notes

### Clarification (2026-01-07)

- Q: Do we keep UC-LOAN-009? A: No, merged into UC-LOAN-001.
"""
    files = edit(LOAN, "## 5. Functional", history + "\n## 5. Functional")
    assert gate(files) == []
