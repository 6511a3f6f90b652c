"""Text report: `path:line: CODE severity message` grouped per file, closing `N passed, M failed`."""

from __future__ import annotations

from report_samples import sample_report

from specmesh_tasks.report import render

LOAN = ".specify/specs/features/sloan001-book-lending/spec.md"
EXPECTED = "\n".join([
    f"{LOAN}:42: SM204 error M-FOO is referenced but defined nowhere",
    f"{LOAN}:57: SM101 warning [NEEDS CLARIFICATION: 14, 21 or 28 days?] is still open "
    "(CLARIFY GATE: BLOCKED)",
    "",
    ".specify/specs/features/x/spec.md:1: SM201 error missing `Spec Type:` header line",
    "",
    ".specify/specs/overview/domain/spec.md:12: SM226 warning M-FINE is defined in the domain spec but "
    "no feature references it",
    "",
    ".specify/specs/overview/matrix/cross-reference.json:0: SM320 info matrix has no permissions map",
    "",
    "3 passed, 2 failed",
    "",
])


def test_text_report_is_grouped_per_file_and_closes_with_the_counts() -> None:
    assert render(sample_report(), "text") == EXPECTED


def test_clean_text_report_is_just_the_closing_line() -> None:
    assert render(sample_report(findings=()), "text") == "5 passed, 0 failed\n"
