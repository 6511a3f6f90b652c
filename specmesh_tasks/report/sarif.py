"""SARIF 2.1.0 for code scanning: the rules, one result per finding, locations in the repository.

URIs are relative to the repository root (`GateReport.path`: the spec root may be a subdirectory)
with `uriBaseId` `%SRCROOT%`, which `originalUriBaseIds` sets to the repository root; levels are
`error`, `warning` and `note` (for infos); a finding about a whole file has no region; suppressed
findings carry an `inSource` suppression. `partialFingerprints` hash code, file and message (not
the line), like baselines, so a finding keeps its identity when lines move. The tool's
`informationUri` and each rule's `helpUri` lead to docs/rules.md (the `Rules` URL of pyproject.toml).
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


def rules_page() -> str | None:
    """The web page of docs/rules.md: the distribution's `Rules` project URL (pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata(TOOL_NAME).get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    found = {label.strip(): url.strip() for label, _, url in (entry.partition(",") for entry in urls)}
    return found.get("Rules")


def _rule(rule_: Rule, page: str | None) -> dict[str, Any]:
    help_text = rule_.fix or rule_.summary
    described: dict[str, Any] = {
        "id": rule_.code,
        "name": rule_.name,
        "shortDescription": {"text": rule_.summary},
        "fullDescription": {"text": rule_.rationale},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVEL[rule_.severity]},
        "properties": {"tags": [rule_.family]},
    }
    if page:
        described["helpUri"] = f"{page}#{rule_.code.lower()}"  # the rule's own heading
    return described


def _result(f: Reported, index: dict[str, int], report: GateReport) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": report.path(f.file), "uriBaseId": "%SRCROOT%"}}
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
    root_uri = Path(report.repository_root).as_uri().rstrip("/") + "/"
    page = rules_page()
    driver: dict[str, Any] = {"name": TOOL_NAME, "version": report.version}
    if page:
        driver["informationUri"] = page
    driver["rules"] = [_rule(r, page) for r in rules]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index, report) for f in report.findings],
        }],
    }


def format_report(report: GateReport) -> str:
    """The SARIF log as JSON text (newline at the end)."""
    return json.dumps(sarif_data(report), indent=2, ensure_ascii=False) + "\n"
