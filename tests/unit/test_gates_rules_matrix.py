"""The shipped matrix schema, and the small interpreter the gates check it with, agree with jsonschema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from specmesh_tasks.gates.schema_lite import validate
from specmesh_tasks.schemas import MATRIX_SCHEMA, load_schema

SCHEMA = load_schema(MATRIX_SCHEMA)
GOOD: list[Any] = [
    {"screens": {}, "features": {}},
    {"screens": {"SCR-001": {"name": "Book list", "masters": ["M-BOOK"], "apis": ["API-BOOK-LIST"],
                             "features": ["S-BOOK-001"]}},
     "features": {"S-LOAN-001": {"title": "Lending", "screens": ["SCR-001"], "rules": ["BR-001"],
                                 "dependencies": ["S-BOOK-001"], "apis": ["API-AUTH-*"]}},
     "permissions": {"API-BOOK-LIST": ["*"]}, "metadata": {"version": 2, "project": "library"}},
    # Real projects' extra keys (format reference §10).
    {"$schema": "x", "version": "1.0", "lastUpdated": "2024-05-01", "projectName": "crm",
     "apis": {"API-X-LIST-001": {"name": "x"}}, "masters": {"M-USER": {"name": "User"}},
     "screens": {}, "features": {}},
]
BAD: list[Any] = [
    [],
    {"screens": {}},
    {"screens": {"SCR-1": {"name": "x"}}, "features": {}},
    {"screens": {"SCR-001": {}}, "features": {}},
    {"screens": {"SCR-001": {"name": "x", "masters": "M-BOOK"}}, "features": {}},
    {"screens": {}, "features": {"S-LOAN-001": {"title": "x", "rules": ["RULE-1"]}}},
    {"screens": {}, "features": {"S-LOAN-001": {"title": 3}}},
    {"screens": {}, "features": {}, "permissions": {"API-X": "*"}},
    {"screens": {}, "features": {}, "permissions": {"api-x": ["*"]}},
    {"screens": {}, "features": {"loan": {"title": "x"}}},
    {"screens": {}, "features": {}, "metadata": {"version": True}},
]


def test_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("doc", GOOD)
def test_valid_matrices_pass_both(doc: Any) -> None:
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)) == []
    assert validate(doc, SCHEMA) == []


@pytest.mark.parametrize("doc", BAD)
def test_invalid_matrices_fail_both_with_the_same_count(doc: Any) -> None:
    expected = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc))
    found = validate(doc, SCHEMA)
    assert expected and found
    assert len(found) == len(expected), ([e.message for e in expected], found)


def test_errors_say_where() -> None:
    [error] = validate({"screens": {"SCR-001": {"name": "x", "masters": [1]}}, "features": {}}, SCHEMA)
    assert error.where() == "screens/SCR-001/masters/0" and error.message == "expected string, found integer"
