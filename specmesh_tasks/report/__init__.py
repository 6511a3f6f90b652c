"""Gate report formatters: text, json, junit, sarif, github (one small module each).

`render(report, fmt)` returns the report as text; each formatter is imported only when used.
"""

from __future__ import annotations

import importlib

from specmesh_tasks.report.model import GateReport

FORMATS: dict[str, str] = {
    "text": "specmesh_tasks.report.text",
    "json": "specmesh_tasks.report.json_report",
    "junit": "specmesh_tasks.report.junit",
    "sarif": "specmesh_tasks.report.sarif",
    "github": "specmesh_tasks.report.github",
}

__all__ = ["FORMATS", "GateReport", "render"]


def render(report: GateReport, fmt: str) -> str:
    """The report in one of FORMATS."""
    module = importlib.import_module(FORMATS[fmt])
    text: str = module.format_report(report)
    return text
