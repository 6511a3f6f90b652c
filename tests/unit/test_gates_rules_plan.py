"""The plan family beyond trigger / no-trigger: staleness follows what the plan shows (SM402–SM405)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases_plan import PLAN, _with_plan
from gates_trees import DOMAIN, LOAN, Gate, edit, make_gate


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def plan_codes(found: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(f.code for f in found if f.code.startswith("SM40"))


def test_a_freshly_generated_plan_has_no_plan_finding(gate: Gate) -> None:
    assert plan_codes(gate(_with_plan())) == []


def test_a_cited_master_renamed_makes_the_plan_stale_an_unrelated_edit_does_not(gate: Gate) -> None:
    files = _with_plan()
    domain = files[DOMAIN]
    assert isinstance(domain, str)
    renamed = edit(DOMAIN, "### M-LOAN: Loan", "### M-LOAN: Lending record", files)
    assert plan_codes(gate(renamed)) == ["SM402"]
    unrelated = edit(DOMAIN, "Author: Library team", "Author: The library team", files)
    assert plan_codes(gate(unrelated)) == []


def test_no_stale_finding_for_a_plan_that_would_not_be_rendered(gate: Gate) -> None:
    stale = edit(DOMAIN, "### M-LOAN: Loan", "### M-LOAN: Lending record", _with_plan())
    draft = edit(LOAN, "Status: Approved", "Status: Draft", stale)
    assert plan_codes(gate(draft)) == []


def test_crlf_and_trailing_spaces_are_not_hand_edits(gate: Gate) -> None:
    files = _with_plan()
    text = files[PLAN]
    assert isinstance(text, str)
    files[PLAN] = text.replace("\n", "   \r\n").encode("utf-8")
    assert plan_codes(gate(files)) == []


def test_each_edited_part_is_reported_at_its_line(gate: Gate) -> None:
    files = _with_plan(("Plan ID: PLAN-LOAN-001", "Plan ID: PLAN-LOAN-002"))
    text = files[PLAN]
    assert isinstance(text, str)
    line = next(x for x in text.split("\n") if "specmesh:s1.use-cases" in x)
    files[PLAN] = text.replace(line, line.replace("UC-LOAN-001", "UC-LOAN-009"))
    found = [f for f in gate(files) if f.code == "SM403"]
    assert [f.line for f in found] == [4, text.split("\n").index(line) + 1]
    assert "'header'" in found[0].message and "'s1.use-cases'" in found[1].message
