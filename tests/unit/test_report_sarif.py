"""SARIF 2.1.0: valid against the SARIF schema (the subset we write), rules, levels, locations."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from report_samples import LOAN, sample_report

from specmesh_tasks.gates.catalog import all_rules
from specmesh_tasks.report import render

SUBSET = Path(__file__).resolve().parents[1] / "resources" / "sarif-2.1.0-subset.schema.json"


def _log() -> dict:  # type: ignore[type-arg]
    data: dict = json.loads(render(sample_report(), "sarif"))  # type: ignore[type-arg]
    return data


def test_sarif_validates_against_the_sarif_schema() -> None:
    schema = json.loads(SUBSET.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(_log())] == []
    broken = _log()
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken))


def test_sarif_rules_levels_and_locations() -> None:
    run = _log()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    by_message = {r["message"]["text"]: r for r in run["results"]}
    foo = by_message["M-FOO is referenced but defined nowhere"]
    assert foo["level"] == "error" and rules[foo["ruleIndex"]]["id"] == foo["ruleId"] == "SM204"
    assert foo["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": LOAN, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 42}}
    info = by_message["matrix has no permissions map"]
    assert info["level"] == "note" and "region" not in info["locations"][0]["physicalLocation"]
    assert by_message["M-BAR is referenced but defined nowhere"]["suppressions"] == [{"kind": "inSource"}]


def test_fingerprints_ignore_the_line() -> None:
    results = _log()["runs"][0]["results"]
    prints = [r["partialFingerprints"]["specmeshFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints)
