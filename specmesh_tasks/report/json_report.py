"""The JSON report, exactly the contract's shape (§5), schema number 1.

    {"schema": 1, "tool": {"name": "specmesh-tasks", "version": "…"}, "root": "/abs/path",
     "summary": {"specs": 12, "passed": 10, "failed": 2, "errors": 3, "warnings": 5, "infos": 0,
                 "suppressed": 1},
     "findings": [{"code": "SM204", "name": "undefined-reference", "severity": "error",
                   "file": "...", "line": 42, "message": "...", "spec_id": "S-LOAN-001",
                   "suppressed": false}]}

`file` stays relative to `root`, as the contract fixes it. `root_in_repository` (a key added
within schema 1) is `root` relative to the git repository's top level ("" when they are the same,
null outside a repository), so a tool can join it with `file` for a path from the repository.

Its JSON Schema is `specmesh_tasks/schemas/gates-report.schema.json`.
"""

from __future__ import annotations

import json
from typing import Any

from specmesh_tasks.report.model import TOOL_NAME, GateReport

SCHEMA_NUMBER = 1


def report_data(report: GateReport) -> dict[str, Any]:
    """The report as JSON-ready data, keys in the contract's order."""
    s = report.summary
    return {
        "schema": SCHEMA_NUMBER,
        "tool": {"name": TOOL_NAME, "version": report.version},
        "root": report.root,
        "summary": {"specs": s.specs, "passed": s.passed, "failed": s.failed, "errors": s.errors,
                    "warnings": s.warnings, "infos": s.infos, "suppressed": s.suppressed},
        "findings": [
            {"code": f.code, "name": f.name, "severity": f.severity.value, "file": f.file, "line": f.line,
             "message": f.message, "spec_id": f.spec_id, "suppressed": f.suppressed}
            for f in report.findings
        ],
        "root_in_repository": report.root_in_repository,  # added within schema 1, after the contract's keys
    }


def format_report(report: GateReport) -> str:
    """The JSON text (indented, UTF-8 kept, newline at the end)."""
    return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"
