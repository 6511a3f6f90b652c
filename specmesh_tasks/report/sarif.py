"""SARIF 2.1.0 for code scanning: the rules, one result per finding, locations relative to the root.

URIs are root-relative with `uriBaseId` `%SRCROOT%` (defined in `originalUriBaseIds`); levels are
`error`, `warning` and `note` (for infos); a finding about a whole file has no region; suppressed
findings carry an `inSource` suppression. `partialFingerprints` hash code, file and message (not
the line), like baselines, so a finding keeps its identity when lines move.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from specmesh_tasks.gates.catalog import Rule, all_rules
from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.report.model import TOOL_NAME, GateReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule(rule_: Rule) -> dict[str, Any]:
    help_text = rule_.fix or rule_.summary
    return {
        "id": rule_.code,
        "name": rule_.name,
        "shortDescription": {"text": rule_.summary},
        "fullDescription": {"text": rule_.rationale},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVEL[rule_.severity]},
        "properties": {"tags": [rule_.family]},
    }


def _result(f: Reported, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"}}
    if f.line > 0:
        location["region"] = {"startLine": f.line}
    digest = hashlib.sha256(f"{f.code}\n{f.file}\n{f.message}".encode()).hexdigest()[:32]
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"specmeshFinding/v1": digest},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.suppressed:
        result["suppressions"] = [{"kind": "inSource"}]
    return result


def sarif_data(report: GateReport) -> dict[str, Any]:
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    root_uri = Path(report.root).as_uri().rstrip("/") + "/"
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL_NAME, "version": report.version,
                                "rules": [_rule(r) for r in rules]}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index) for f in report.findings],
        }],
    }


def format_report(report: GateReport) -> str:
    """The SARIF log as JSON text (newline at the end)."""
    return json.dumps(sarif_data(report), indent=2, ensure_ascii=False) + "\n"
