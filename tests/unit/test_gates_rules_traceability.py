"""SM5xx traceability rules: tests <-> requirements, both directions."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import CASES
from gates_trees import TESTS, Gate, edit, make_gate, severity_of

from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Severity
from specmesh_tasks.gates.rules.traceability import (
    check_ambiguous_test_references,
    check_unknown_test_references,
    check_untested_requirements,
)
from specmesh_tasks.model import spec as model
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Definition, HeaderField, Location, Repo, SpecDoc, SpecKind

# `model.TestTag`, never imported by name: pytest would try to collect a class named Test*.

LOAN = ".specify/specs/features/sloan001/spec.md"
LEAD = ".specify/specs/features/slead001/spec.md"
CRM = ".specify/specs/features/scrm001/spec.md"
DOMAIN = ".specify/specs/overview/domain/spec.md"


def spec(path: str, spec_id: str, status: str, defs: list[tuple[str, IdKind, int]],
         kind: SpecKind = SpecKind.FEATURE) -> SpecDoc:
    headers = (HeaderField("Spec ID", spec_id, 3), HeaderField("Status", status, 4))
    definitions = tuple(Definition(i, k, i, Location(path, line), line, "d") for i, k, line in defs)
    return SpecDoc(path, kind, spec_id, 1, headers, (), (), (), definitions, ())


def tag(spec_id: str, test: str | None = "test_x", file: str = "tests/test_x.py",
        line: int = 1) -> model.TestTag:
    return model.TestTag(spec_id, Location(file, line), test, "marker")


def repo(*tags: model.TestTag, loan_status: str = "Approved") -> Repo:
    return Repo("/r", (
        spec(LOAN, "S-LOAN-001", loan_status, [
            ("UC-LOAN-001", IdKind.USE_CASE, 10), ("UC-LOAN-002", IdKind.USE_CASE, 20),
            ("FR-LOAN-001", IdKind.FR, 30), ("FR-LOAN-002", IdKind.FR, 31)]),
        spec(LEAD, "S-LEAD-001", "Draft", [("UC-001", IdKind.USE_CASE, 5), ("FR-001", IdKind.FR, 9)]),
        spec(CRM, "S-CRM-001", "Draft", [("UC-001", IdKind.USE_CASE, 5)]),
        spec(DOMAIN, "S-DOMAIN-001", "Approved",
             [("M-BOOK-001", IdKind.MASTER, 7), ("API-BOOK-LIST", IdKind.API, 9)], SpecKind.DOMAIN),
    ), None, tags)


def run(check, tree: Repo) -> list[tuple[str, str, int, str]]:  # type: ignore[no-untyped-def]
    ctx = RuleContext(Path("/r"))
    return [(f.code, f.file, f.line, f.message) for f in check(tree, ctx)]


def test_untested_use_cases_and_frs_info_when_approved_warning_when_implemented() -> None:
    tree = repo(tag("UC-LOAN-001"), tag("FR-LOAN-002"))
    assert run(check_untested_requirements, tree) == [
        ("SM501", LOAN, 20, "UC-LOAN-002 is not cited by any test"),
        ("SM501", LOAN, 30, "FR-LOAN-001 is not cited by any test")]
    ctx = RuleContext(Path("/r"))
    assert {f.severity for f in check_untested_requirements(tree, ctx)} == {Severity.INFO}
    implemented = repo(tag("UC-LOAN-001"), loan_status="Implemented")
    assert {f.severity for f in check_untested_requirements(implemented, ctx)} == {Severity.WARNING}
    assert run(check_untested_requirements, repo(loan_status="Draft")) == []


def test_unknown_test_references_including_wildcards_aliases_and_features() -> None:
    tree = repo(tag("FR-LAON-001", line=3), tag("M-BOOK"), tag("API-BOOK-*"), tag("API-NONE-*", line=4),
                tag("S-LOAN-001"), tag("S-NOPE-001", line=5), tag("S-LEAD-001/UC-001"),
                tag("S-LEAD-001/UC-009", line=6))
    assert [(f[2], f[3]) for f in run(check_unknown_test_references, tree)] == [
        (3, "test test_x cites FR-LAON-001, which is defined nowhere"),
        (4, "test test_x cites API-NONE-*, which is defined nowhere"),
        (5, "test test_x cites S-NOPE-001, which is defined nowhere"),
        (6, "test test_x cites S-LEAD-001/UC-009, which is defined nowhere"),
    ]


def test_area_less_ids_need_a_qualifier_or_a_feature_tag_on_the_test_its_class_or_file() -> None:
    tree = repo(tag("UC-001", line=2),
                tag("S-LEAD-001", test=None, file="tests/test_lead.py"),
                tag("UC-001", file="tests/test_lead.py"),
                tag("S-CRM-001", test="TestCrm", file="tests/test_crm.py"),
                tag("UC-001", test="TestCrm::test_y", file="tests/test_crm.py"),
                tag("FR-001", test="TestCrm::test_y", file="tests/test_crm.py", line=9))
    assert run(check_ambiguous_test_references, tree) == [
        ("SM503", "tests/test_x.py", 2,
         "test test_x cites UC-001 without a feature (qualify it as S-…/UC-001 or add a @spec tag)")]
    assert run(check_unknown_test_references, tree) == [
        ("SM502", "tests/test_crm.py", 9, "test TestCrm::test_y cites FR-001, which is defined nowhere")]


def test_citations_through_qualifier_or_feature_tag_count_as_tested() -> None:
    tags = (tag("S-LEAD-001/UC-001"), tag("S-LEAD-001", test=None, file="tests/t.py"),
            tag("FR-001", file="tests/t.py"))
    specs = tuple(s if s.path != LEAD else spec(LEAD, "S-LEAD-001", "Implemented",
                                                [("UC-001", IdKind.USE_CASE, 5), ("FR-001", IdKind.FR, 9)])
                  for s in repo().specs)
    tree = Repo("/r", specs, None, tags)
    assert [f for f in run(check_untested_requirements, tree) if f[1] == LEAD] == []
    untagged = Repo("/r", specs, None, ())
    assert [f[3] for f in run(check_untested_requirements, untagged) if f[1] == LEAD] == [
        "UC-001 is not cited by any test", "FR-001 is not cited by any test"]


# ---------------------------------------------------------------------- over a whole tree

@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def test_untested_requirement_is_info_for_an_approved_feature(gate: Gate) -> None:
    found = gate(edit(TESTS, '"UC-LOAN-001", "FR-LOAN-001"', '"S-LOAN-001"'))
    assert {(f.message, f.severity) for f in found if f.code == "SM501"} == {
        ("UC-LOAN-001 is not cited by any test", Severity.INFO),
        ("FR-LOAN-001 is not cited by any test", Severity.INFO),
    }
    implemented = gate(CASES["SM501"].bad)
    assert severity_of(implemented, "SM501") is Severity.WARNING
