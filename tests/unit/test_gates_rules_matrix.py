"""SM3xx matrix rules: the shipped schema checked by jsonschema, said in JSON words at the right line,
and the validator imported only when the matrix changed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from gates_trees import BASE, LOAN, MATRIX, edit, write

from specmesh_tasks import freshness
from specmesh_tasks.gates.rules.matrix import schema_errors
from specmesh_tasks.gates.run import run_gates
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
# Each bad matrix with what the finding says (where: what).
BAD: list[tuple[Any, list[str]]] = [
    ([], ["(top level): expected object, found array"]),
    ({"screens": {}}, ['(top level): "features" is required']),
    ({"screens": {"SCR-1": {"name": "x"}}, "features": {}},
     ['screens/SCR-1: key "SCR-1" does not match ^SCR-[0-9]{3}$']),
    ({"screens": {"SCR-001": {}}, "features": {}}, ['screens/SCR-001: "name" is required']),
    ({"screens": {"SCR-001": {"name": "x", "masters": "M-BOOK"}}, "features": {}},
     ["screens/SCR-001/masters: expected array, found string"]),
    ({"screens": {}, "features": {"S-LOAN-001": {"title": "x", "rules": ["RULE-1"]}}},
     ['features/S-LOAN-001/rules/0: "RULE-1" does not match ^(BR|VR|CR)-[0-9]{3}$']),
    ({"screens": {}, "features": {"S-LOAN-001": {"title": 3}}},
     ["features/S-LOAN-001/title: expected string, found integer"]),
    ({"screens": {}, "features": {}, "permissions": {"API-X": "*"}},
     ["permissions/API-X: expected array, found string"]),
    ({"screens": {}, "features": {}, "permissions": {"api-x": ["*"]}},
     ['permissions/api-x: key "api-x" does not match ^API-[A-Z][A-Z0-9_-]*$']),
    ({"screens": {}, "features": {"loan": {"title": "x"}}},
     ['features/loan: key "loan" does not match ^[SF]-[A-Z][A-Z0-9_-]*-[0-9]{3}$']),
    ({"screens": {}, "features": {}, "metadata": {"version": True}},
     ["metadata/version: expected string or number, found boolean"]),
    ({"screens": {"SCR-001": {"name": "x", "masters": [1]}}, "features": {}},
     ["screens/SCR-001/masters/0: expected string, found integer"]),
]


def test_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("doc", GOOD)
def test_valid_matrices_have_no_error(doc: Any) -> None:
    assert schema_errors(doc) == []


@pytest.mark.parametrize(("doc", "messages"), BAD)
def test_each_violation_says_where_and_what_in_json_words(doc: Any, messages: list[str]) -> None:
    errors = schema_errors(doc)
    assert [f"{'/'.join(str(k) for k in keys) or '(top level)'}: {what}" for keys, what in errors] == messages


def test_a_schema_finding_is_at_the_line_of_the_wrong_key(tmp_path: Path) -> None:
    files = edit(MATRIX, '"SCR-002": {"name": "Loan form", "masters": ["M-LOAN"],',
                 '"SCR-002": {\n      "masters": "M-LOAN",')
    root = write(tmp_path / "repo", files)
    found = [f for f in run_gates(root, use_cache=False).findings if f.code == "SM311"]
    text = (root / MATRIX).read_text(encoding="utf-8").split("\n")
    assert [(f.message, text[f.line - 1].strip()) for f in found] == [
        ('screens/SCR-002: "name" is required', '"SCR-002": {'),
        ("screens/SCR-002/masters: expected array, found string", '"masters": "M-LOAN",')]


# ---------------------------------------------------------------------- jsonschema only when needed

RUN = """\
import json, sys
from pathlib import Path
from specmesh_tasks.gates.run import run_gates
result = run_gates(Path(sys.argv[1]))
print(json.dumps(["jsonschema" in sys.modules, sorted(f.message for f in result.findings if f.code == "SM311")]))
"""


def fresh_process_run(root: Path) -> tuple[bool, list[str]]:
    out = subprocess.run([sys.executable, "-c", RUN, str(root)], capture_output=True, text=True, check=True)
    imported, messages = json.loads(out.stdout.strip().splitlines()[-1])
    return imported, messages


def test_jsonschema_is_imported_only_when_the_matrix_changed(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "RACY_NS", 0)  # every file is written before its run starts
    bad = edit(MATRIX, '"SCR-001": {"name": "Book list", ', '"SCR-001": {')
    root = write(tmp_path / "repo", bad)
    missing = ['screens/SCR-001: "name" is required']
    assert fresh_process_run(root) == (True, missing)  # first run: nothing kept
    assert fresh_process_run(root)[0] is False  # nothing changed: served from the run cache
    loan = root / LOAN
    loan.write_text("Moved by a line.\n\n" + loan.read_text(encoding="utf-8"), encoding="utf-8")
    assert fresh_process_run(root) == (False, missing)  # every rule ran; the matrix is as it was
    (root / MATRIX).write_text(str(BASE[MATRIX]), encoding="utf-8")
    assert fresh_process_run(root) == (True, [])
