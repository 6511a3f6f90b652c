"""SM1xx clarify and status: severities by status, the CLARIFY GATE verdict, the status set."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import CASES
from gates_trees import DOMAIN, LOAN, VISION, Gate, codes, edit, make_gate, severity_of, with_files

from specmesh_tasks.gates.finding import Severity


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def test_open_marker_is_an_error_when_approved_and_a_warning_in_draft(gate: Gate) -> None:
    approved = CASES["SM101"].bad
    draft = edit(LOAN, "Status: Approved", "Status: Draft", approved)
    assert severity_of(gate(approved), "SM101") is Severity.ERROR
    assert severity_of(gate(draft), "SM101") is Severity.WARNING


def test_open_question_counts_only_in_the_open_questions_section(gate: Gate) -> None:
    found = gate(CASES["SM102"].bad)
    assert severity_of(found, "SM102") is Severity.ERROR
    draft = edit(DOMAIN, "Status: Approved", "Status: Draft", CASES["SM102"].bad)
    assert severity_of(gate(draft), "SM102") is Severity.WARNING
    scope = edit(VISION, "## 8. Open Questions", "## 4. Scope\n\n- [ ] Lending\n\n## 8. Open Questions")
    assert "SM102" not in codes(gate(scope))


def test_deferred_item_is_info_and_gate_passes_with_deferred(gate: Gate) -> None:
    found = gate(CASES["SM103"].bad)
    assert [(f.code, f.severity) for f in found] == [("SM103", Severity.INFO)]
    assert "PASSED_WITH_DEFERRED" in found[0].message


def test_status_set_comes_from_the_configuration(gate: Gate) -> None:
    yaml = "specs:\n  statuses: [Draft, Approved, Implemented, Done]\n"
    config = with_files({".specify/specmesh.yaml": yaml})
    found = gate(edit(LOAN, "Status: Approved", "Status: Done", config))
    assert "SM110" not in codes(found)
    assert "SM110" in codes(gate(edit(LOAN, "Status: Approved", "Status: Clarified", config)))
