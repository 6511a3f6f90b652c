"""SM2xx one-file rules: review markers, placeholders, ID formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import CASES, NEW_FEATURE, _new_feature
from gates_trees import LOAN, Gate, codes, edit, make_gate, severity_of, with_files

from specmesh_tasks.gates.finding import Severity


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def test_review_marker_severity_follows_status(gate: Gate) -> None:
    approved = CASES["SM239"].bad
    assert severity_of(gate(approved), "SM239") is Severity.ERROR
    clarified = edit(LOAN, "Status: Approved", "Status: Clarified", approved)
    assert severity_of(gate(clarified), "SM239") is Severity.WARNING


def test_placeholder_spec_id_is_an_error_elsewhere_a_warning(gate: Gate) -> None:
    found = gate(edit(LOAN, "Spec ID: S-LOAN-001", "Spec ID: S-{AREA}-001"))
    placeholders = [f for f in found if f.code == "SM221"]
    assert [f.severity for f in placeholders] == [Severity.ERROR]
    assert severity_of(gate(CASES["SM221"].bad), "SM221") is Severity.WARNING


def test_id_patterns_from_the_configuration_replace_the_format(gate: Gate) -> None:
    odd = with_files({NEW_FEATURE: _new_feature("S-fine-1")})
    yaml = "specs:\n  id_patterns:\n    feature: '^S-[A-Za-z]+-[0-9]+$'\n"
    config = with_files({".specify/specmesh.yaml": yaml}, odd)
    assert "SM220" in codes(gate(odd))
    assert "SM220" not in codes(gate(config))
    assert "SM220" in codes(gate(with_files({NEW_FEATURE: _new_feature("S-FINE_X-001")}, config)))
