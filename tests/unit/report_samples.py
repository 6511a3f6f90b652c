"""A small gate result with every kind of finding, shared by the report formatter tests."""

from __future__ import annotations

from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.gates.results import GateResult, Item
from specmesh_tasks.report.model import GateReport, build_report

LOAN = ".specify/specs/features/sloan001-book-lending/spec.md"
DOMAIN = ".specify/specs/overview/domain/spec.md"
MATRIX = ".specify/specs/overview/matrix/cross-reference.json"
TEST = "tests/test_lending.py"

FINDINGS = (
    Reported("SM201", "missing-spec-type", Severity.ERROR, ".specify/specs/features/x/spec.md", 1,
             "missing `Spec Type:` header line", None),
    Reported("SM204", "undefined-reference", Severity.ERROR, LOAN, 42,
             "M-FOO is referenced but defined nowhere", "S-LOAN-001"),
    Reported("SM101", "needs-clarification", Severity.WARNING, LOAN, 57,
             "[NEEDS CLARIFICATION: 14, 21 or 28 days?] is still open (CLARIFY GATE: BLOCKED)", "S-LOAN-001"),
    Reported("SM204", "undefined-reference", Severity.ERROR, LOAN, 60,
             "M-BAR is referenced but defined nowhere", "S-LOAN-001", suppressed=True),
    Reported("SM226", "unused-overview-item", Severity.WARNING, DOMAIN, 12,
             "M-FINE is defined in the domain spec but no feature references it", "S-DOMAIN-001"),
    Reported("SM320", "matrix-without-permissions", Severity.INFO, MATRIX, 0,
             "matrix has no permissions map", None),
)
ITEMS = (
    Item(".specify/specs/features/x/spec.md", "spec", None),
    Item(LOAN, "spec", "S-LOAN-001"),
    Item(DOMAIN, "spec", "S-DOMAIN-001"),
    Item(MATRIX, "matrix"),
    Item(TEST, "test"),
)


def sample_result(findings: tuple[Reported, ...] = FINDINGS) -> GateResult:
    ordered = tuple(sorted(findings, key=lambda f: f.sort_key()))
    return GateResult("/work/repo", "1.2.3", tuple(sorted(ITEMS, key=lambda i: i.file)), ordered)


def sample_report(strict: bool = False, findings: tuple[Reported, ...] = FINDINGS) -> GateReport:
    return build_report(sample_result(findings), strict=strict)
