"""Plain text: one line per finding, grouped per file, then `N passed, M failed`.

    .specify/specs/features/sloan001-book-lending/spec.md:42: SM204 error M-FOO is referenced ...
    .specify/specs/features/sloan001-book-lending/spec.md:57: SM101 warning [NEEDS CLARIFICATION] ...

    .specify/specs/overview/domain/spec.md:12: SM226 warning M-FINE is defined in the domain ...

    10 passed, 2 failed

Suppressed findings are not shown (the JSON report keeps them). The closing line counts items
(checked files) that passed and failed.
"""

from __future__ import annotations

from itertools import groupby

from specmesh_tasks.report.model import GateReport


def format_report(report: GateReport) -> str:
    """The report as text (ends with a newline)."""
    shown = [f for f in report.findings if not f.suppressed]
    blocks = []
    for _file, group in groupby(shown, key=lambda f: f.file):
        blocks.append("\n".join(f"{report.path(f.file)}:{f.line}: {f.code} {f.severity.value} {f.message}"
                                 for f in group))
    closing = f"{report.summary.passed} passed, {report.summary.failed} failed"
    return "\n\n".join([*blocks, closing]) + "\n"
