"""GitHub Actions workflow commands: `::error file=…,line=…,title=CODE::message`.

Warnings become `::warning`, infos `::notice`; suppressed findings are left out. Values are
escaped as the workflow-command syntax requires (`%`, CR, LF; also `:` and `,` in properties).
"""

from __future__ import annotations

from specmesh_tasks.gates.finding import Severity
from specmesh_tasks.report.model import GateReport

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_report(report: GateReport) -> str:
    """One workflow command per unsuppressed finding (ends with a newline when not empty)."""
    lines = []
    for f in report.findings:
        if f.suppressed:
            continue
        props = [f"file={escape_property(report.path(f.file))}"]  # from the repository root
        if f.line > 0:
            props.append(f"line={f.line}")
        props.append(f"title={escape_property(f.code)}")
        lines.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)
