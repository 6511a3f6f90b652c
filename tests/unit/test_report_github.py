"""GitHub workflow commands: `::error file=…,line=…,title=CODE::message`, escaped."""

from __future__ import annotations

from report_samples import sample_report

from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.report import render


def test_github_commands_per_unsuppressed_finding() -> None:
    lines = render(sample_report(), "github").splitlines()
    assert lines[0] == ("::error file=.specify/specs/features/sloan001-book-lending/spec.md,line=42,"
                        "title=SM204::M-FOO is referenced but defined nowhere")
    assert lines[1].startswith("::warning file=.specify/specs/features/sloan001-book-lending/spec.md,line=57,"
                               "title=SM101::[NEEDS CLARIFICATION: 14, 21 or 28 days?]")
    assert lines[-1] == ("::notice file=.specify/specs/overview/matrix/cross-reference.json,"
                         "title=SM320::matrix has no permissions map")
    assert len(lines) == 5 and not any("M-BAR" in line for line in lines)


def test_github_values_are_escaped() -> None:
    odd = (Reported("SM204", "undefined-reference", Severity.ERROR, "a,b:c.md", 3, "100% wrong\nreally",
                    None),)
    expected = "::error file=a%2Cb%3Ac.md,line=3,title=SM204::100%25 wrong%0Areally\n"
    assert render(sample_report(findings=odd), "github") == expected
