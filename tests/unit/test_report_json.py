"""JSON report: exactly the contract's shape, valid against the shipped (generated) schema."""

from __future__ import annotations

import json

import jsonschema
from report_samples import LOAN, sample_report

from specmesh_tasks.report import render
from specmesh_tasks.report.schema import schema_text
from specmesh_tasks.schemas import REPORT_SCHEMA, load_schema, schema_path


def test_json_report_has_the_contract_keys_then_the_added_ones() -> None:
    data = json.loads(render(sample_report(), "json"))
    assert list(data) == ["schema", "tool", "root", "summary", "findings", "root_in_repository"]
    assert data["schema"] == 1
    assert data["tool"] == {"name": "specmesh-tasks", "version": "1.2.3"}
    assert data["root"] == "/work/repo"
    assert data["summary"] == {"specs": 5, "passed": 3, "failed": 2, "errors": 2, "warnings": 2, "infos": 1,
                               "suppressed": 1}
    first = data["findings"][0]
    assert list(first) == ["code", "name", "severity", "file", "line", "message", "spec_id", "suppressed"]
    assert {"code": "SM204", "name": "undefined-reference", "severity": "error", "file": LOAN, "line": 60,
            "message": "M-BAR is referenced but defined nowhere", "spec_id": "S-LOAN-001",
            "suppressed": True} in data["findings"]
    assert data["findings"][-1]["spec_id"] is None and data["findings"][-1]["line"] == 0


def test_json_report_validates_against_the_shipped_schema() -> None:
    schema = load_schema(REPORT_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(render(sample_report(), "json")), schema)
    bad = json.loads(render(sample_report(), "json"))
    bad["findings"][0]["severity"] = "fatal"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
    assert errors


def test_shipped_report_schema_is_generated_from_the_model() -> None:
    assert schema_path(REPORT_SCHEMA).read_text(encoding="utf-8") == schema_text(), (
        "run `python -m specmesh_tasks.report.schema --write`")
