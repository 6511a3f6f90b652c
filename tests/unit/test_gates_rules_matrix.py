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

from specmesh_tasks.gates.rules.matrix_schema import schema_errors
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


@pytest.mark.usefixtures("trust_stamps_at_once")
def test_jsonschema_is_imported_only_when_the_matrix_changed(tmp_path: Path) -> None:
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


# ---------------------------------------------------------------------- each feature's entry

def _drift(found: list) -> list[tuple[str, int, str]]:  # type: ignore[type-arg]
    return [(f.code, f.line, f.message) for f in found if f.code in ("SM321", "SM322")]


def test_a_feature_entry_lacking_or_adding_a_master_or_api_is_reported(tmp_path: Path) -> None:
    files = edit(MATRIX, '"masters": ["M-BOOK", "M-LOAN"],\n                   "apis": ["API-LOAN-CREATE"]',
                 '"masters": ["M-BOOK"],\n                   "apis": ["API-LOAN-CREATE", "API-BOOK-LIST"]')
    root = write(tmp_path / "repo", files)
    found = _drift(run_gates(root, use_cache=False).findings)
    text = (root / MATRIX).read_text(encoding="utf-8").split("\n")
    entry = next(n for n, line in enumerate(text, 1) if '"S-LOAN-001": {' in line)
    assert found == [
        ("SM321", entry, "matrix feature S-LOAN-001 lacks M-LOAN in masters, which its spec depends on "
                         f"({LOAN}:19)"),
        ("SM322", entry + 1, "matrix feature S-LOAN-001 lists API-BOOK-LIST in apis, which its spec does not "
                             "depend on")]


CRM_DOMAIN = """\
# Domain Spec: 顧客管理

Spec Type: Domain
Spec ID: S-DOMAIN-001
Created: 2025-04-01
Status: Approved
Author: 営業チーム

## 3. Master Data Definitions (M-*)

### M-USER-001: 利用者

### M-CLIENT: 顧客

## 4. API Contracts (API-*)

### API-AUTH-LOGIN: ログイン

### API-AUTH-LOGOUT: ログアウト

### API-CLIENT-LIST-001: 顧客一覧

## 8. Feature Index

| Feature ID | Title | Path | Status |
|---|---|---|---|
| S-CRM-001 | 顧客一覧 | `.specify/specs/features/scrm001-clients/` | Approved |
"""
CRM_FEATURE = """\
# Feature Spec: 顧客一覧

Spec Type: Feature
Spec ID: S-CRM-001
Created: 2025-04-02
Status: Approved
Author: 営業チーム

## 2. Domain Dependencies

### 2.1 Master Data Dependencies

| Master ID | Name | Usage in this Feature |
|---|---|---|
| M-USER | 利用者 | 担当者の表示 |
| M-CLIENT | 顧客 | 一覧 |

### 2.2 API Dependencies

| API ID | Name | Usage |
|---|---|---|
| API-AUTH-* | 認証 | ログイン |
| API-CLIENT-LIST | 顧客一覧 | 取得 |

## 4. User Stories / Use Cases

### UC-CRM-001: 顧客を一覧する
"""


def _crm(entry: str) -> dict[str, str | bytes]:
    matrix = '{"screens": {}, "features": {"S-CRM-001": {"title": "顧客一覧", ' + entry + '}}}\n'
    return {".specify/specs/overview/domain/spec.md": CRM_DOMAIN,
            ".specify/specs/features/scrm001-clients/spec.md": CRM_FEATURE,
            ".specify/specs/overview/matrix/cross-reference.json": matrix}


@pytest.mark.parametrize("entry", [
    '"masters": ["M-USER-001", "M-CLIENT"], "apis": ["API-AUTH-LOGIN", "API-CLIENT-LIST-001"]',
    '"masters": ["M-USER", "M-CLIENT"], "apis": ["API-AUTH-*", "API-CLIENT-LIST"]',
    '"apis": ["API-AUTH-LOGOUT", "API-CLIENT-LIST-001"]',  # masters mapped elsewhere: not compared
])
def test_aliases_wildcards_and_unmapped_kinds_are_no_drift(entry: str, tmp_path: Path) -> None:
    root = write(tmp_path / "repo", _crm(entry))
    assert _drift(run_gates(root, use_cache=False).findings) == []


def test_drift_is_seen_through_aliases_and_wildcards(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", _crm('"masters": ["M-USER-001"], "apis": ["API-AUTH-*", "API-X-*"]'))
    assert [(code, message.split(" in ")[0]) for code, _line, message in _drift(
        run_gates(root, use_cache=False).findings)] == [
        ("SM321", "matrix feature S-CRM-001 lacks API-CLIENT-LIST"),
        ("SM321", "matrix feature S-CRM-001 lacks M-CLIENT")]
