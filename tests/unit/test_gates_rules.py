"""Every gate rule triggers on its bad tree and stays quiet on its good one; upstream's checks
are all covered, without upstream's quirks. Rules with more to say have `test_gates_rules_<family>.py`."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import CASES, NEW_FEATURE, UPSTREAM, _new_feature
from gates_trees import BASE, DOMAIN, LOAN, Gate, codes, edit, make_gate, with_files

from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.finding import Severity


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def test_base_tree_has_no_finding(gate: Gate) -> None:
    assert gate(BASE) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_triggers(name: str, gate: Gate) -> None:
    case = CASES[name]
    found = gate(case.bad)
    assert case.code in codes(found), found
    hit = next(f for f in found if f.code == case.code)
    assert hit.file and hit.message and hit.name == catalog.by_code()[case.code].name


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_does_not_trigger(name: str, gate: Gate) -> None:
    case = CASES[name]
    assert case.code not in codes(gate(case.good))


def test_every_upstream_check_has_a_tested_counterpart() -> None:
    known = set(catalog.by_code())
    for check, names in UPSTREAM.items():
        assert names, check
        for name in names:
            code = name.split("-")[0]
            assert code in known, (check, name)
            assert name in CASES or code in {"SM237"}, (check, name)
    assert sum(1 for k in UPSTREAM if k.startswith("lint-")) == 32






























# ---------------------------------------------------------------------- without upstream's quirks

def test_q1_mentions_are_not_duplicate_definitions(gate: Gate) -> None:
    # BASE mentions UC-LOAN-001 in its heading, the FR table, the coverage table and a test, and
    # BR-001 in the domain and a feature: none of that is a duplicate.
    assert "SM223" not in codes(gate(BASE))


def test_q2_status_comes_from_the_header_line_only(gate: Gate) -> None:
    comment = ("<!--\nSpec Status: - DRAFT: initial creation, not reviewed\n"
               "Status values: Draft | In Review | Approved\n-->\n\n")
    files = edit(LOAN, "Spec Type: Feature", comment + "Spec Type: Feature")
    assert gate(files) == []


def test_q3_wireframe_ids_file_names_and_prose_are_not_ids(gate: Gate) -> None:
    prose = "Locale fr-FR, header api-key, wireframe WF-SCR-002-HDR, image SCR-002-original.png"
    found = gate(edit(LOAN, "(none)", prose))
    assert found == []


def test_q4_placeholders_are_reported_as_placeholders_not_ids(gate: Gate) -> None:
    two = with_files({NEW_FEATURE: _new_feature("S-{AREA}-001"),
                      ".specify/specs/features/x/spec.md": _new_feature("S-{AREA}-001")})
    row = "| S-{AREA}-001 | [Title] | .specify/specs/features/{dir}/spec.md | Draft | - |\n"
    files = edit(DOMAIN, "| S-BOOK-001 |", row + "| S-BOOK-001 |", two)
    found = gate(files)
    assert codes(found) == {"SM221"}
    assert sorted(f.file for f in found if f.severity is Severity.ERROR) == sorted(
        [NEW_FEATURE, ".specify/specs/features/x/spec.md"])






