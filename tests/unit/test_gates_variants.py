"""Real-tree variants (format reference §10) and malformed input (contract §9).

The gates read every variant without a crash, report the true problems, and never turn a variant
into an error. Every malformed file gives a finding with file and line.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from gates_trees import BASE, DOMAIN, LOAN, MATRIX, Files, Gate, edit, make_gate, with_files, write

from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.gates.run import run_gates

P = ".specify/specs/crm"


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


NESTED: Files = {
    f"{P}/overview/domain/spec.md": """\
# Domain Specification: CRM

<!--
Spec Status: - DRAFT: initial creation, not reviewed
ID format: M-{NAME}, API-{RESOURCE}-{ACTION}
-->

Spec Type: Domain
Spec ID: S-DOMAIN-001
Created: 2024-05-01
Status: Draft
Author: CRM team

## 3. Master Data

### M-USER-001: User

### M-SECTION-CONTENT-HISTORY: History

## 4. API Contracts

### API-CLIENT-LIST-001: Client list

### API-AUTH-LOGIN: Login

## 8. Feature Index

| Feature ID | Title | Path | Status |
|---|---|---|---|
| S-LEAD-001 | Leads | `.specify/specs/crm/features/lead/` | Draft |
| S-DEAL-001 | Deals | .specify/specs/crm/features/deal/ | Backlog |
| (Features will be added after Foundation) | | | |
""",
    f"{P}/features/lead/spec.md": """\
# Feature Specification: Leads

Spec Type: Feature
Spec ID: S-LEAD-001
Created: 2024-05-02
Status: Draft
Author: 営業チーム

## 2. Domain Dependencies

| Master ID | Name | Usage |
|---|---|---|
| M-USER | User | owner |
| M-SECTION-CONTENT-HISTORY | 履歴 | 参照 |

認証は API-AUTH-* を使う。一覧は API-CLIENT-LIST-001。利用者は「借りる」M-USER。

## 3. User Stories

### UC-001: リードを作成する

## 4. Functional Requirements

### FR-001: Store the lead

Related: UC-001

## 17. Changelog
""",
    f"{P}/features/deal/spec.md": """\
# Feature Spec: Deals

Spec Type: Feature
Spec ID: S-DEAL-001
Created: 2024-05-03
Status: Draft
Author: CRM team

## 4. User Stories / Use Cases

### UC-001: Create a deal

| FR ID | Description | Related UC | Priority |
|---|---|---|---|
| FR-001 | Store the deal | UC-001 | P1 |
""",
    f"{P}/matrix/cross-reference.json": """\
{"$schema": "./schema.json", "projectName": "crm", "version": "1.0", "lastUpdated": "2024-05-01",
 "apis": {"API-CLIENT-LIST-001": {"name": "Client list", "masters": ["M-USER"]},
          "API-AUTH-LOGIN": {"name": "Login"}},
 "masters": {"M-USER": {"name": "User"}, "M-SECTION-CONTENT-HISTORY": {"name": "History"}},
 "screens": {}, "features": {"S-LEAD-001": {"title": "Leads"}, "S-DEAL-001": {"title": "Deals"}}}
""",
    f"{P}/matrix/cross-reference-auto.json": "{}\n",
    f"{P}/features/notes/plan.md": "# Plan\n\n- [x] talk to sales\n",
    f"{P}/features/notes/tasks.md": "# Tasks\n\n- [x] done thing\n- [ ] open thing\n",
}


def _errors(found: list[Reported]) -> list[Reported]:
    return [f for f in found if f.severity is Severity.ERROR]


def test_nested_project_with_older_titles_and_arealess_ids_has_no_error(gate: Gate) -> None:
    found = gate(NESTED)
    assert _errors(found) == []
    # Free-form plan/tasks next to no spec are read and reported, never as errors.
    assert {"SM401", "SM420"} <= {f.code for f in found}
    assert {f.code for f in found if not f.code.startswith("SM4")} == {"SM320"}


def test_arealess_ids_are_local_to_their_feature(gate: Gate) -> None:
    # UC-001 and FR-001 are defined by two features: not duplicates. A third feature citing
    # UC-001 without defining it is an undefined reference.
    other = f"{P}/features/other/spec.md"
    text = str(NESTED[f"{P}/features/deal/spec.md"]).replace("S-DEAL-001", "S-OTHER-001").replace(
        "### UC-001: Create a deal\n", "")
    found = gate({**NESTED, other: text})
    assert sorted((f.code, f.file, f.message) for f in _errors(found)) == [
        ("SM204", other, "UC-001 is referenced but defined nowhere"),
        ("SM229", other, "S-OTHER-001 is not listed in the domain spec's Feature Index"),
    ]


def test_instance_suffix_and_wildcards_resolve(gate: Gate) -> None:
    lead = f"{P}/features/lead/spec.md"
    files = {**NESTED, lead: str(NESTED[lead]).replace("API-AUTH-*", "API-PAY-*")}
    found = gate(files)
    assert [(f.code, f.message) for f in _errors(found)] == [("SM204", "API-PAY-* matches no defined ID")]


def test_feature_index_directory_path_backlog_and_placeholder_rows(gate: Gate) -> None:
    # Directory paths in backticks, a Backlog feature whose folder does not exist yet and a
    # placeholder row: none of them is a finding.
    found = gate(NESTED)
    assert not [f for f in found if f.code.startswith("SM23")]


def test_unfilled_scaffold_output_is_reported_as_placeholders(gate: Gate) -> None:
    scaffold = """\
# Fix Spec: [BUG TITLE]

Spec Type: Fix
Spec ID: F-{AREA}-001
Created: {date}
Status: Draft
Author: AI Generated
Related Issue: #XX
"""
    found = gate(with_files({".specify/specs/fixes/x/spec.md": scaffold}))
    placeholder = sorted(f.message for f in found if f.code == "SM221")
    assert placeholder == [
        'unfilled template placeholder "Created: {date}"',
        'unfilled template placeholder "F-{AREA}-001"',
        'unfilled template placeholder "Related Issue: #XX"',
        'unfilled template placeholder "title [BUG TITLE]"',
    ]
    assert {f.code for f in found} == {"SM221"}


def test_matrix_with_extra_keys_empty_features_and_no_permissions(gate: Gate) -> None:
    files = edit(MATRIX, ',\n  "permissions": {"API-BOOK-LIST": ["*"], "API-LOAN-CREATE": ["member"]}',
                 ',\n  "version": "2", "lastUpdated": "2025-01-01", "projectName": "library"')
    found = gate(files)
    assert [(f.code, f.severity) for f in found] == [("SM320", Severity.INFO)]
    empty = with_files({MATRIX: '{"screens": {}, "features": {}, "version": 1}'})
    assert _errors(gate(empty)) == []


def test_crlf_bom_and_japanese_text_are_normal_input(gate: Gate) -> None:
    loan = str(BASE[LOAN]).replace("(none)", "未解決の質問はない。「借りる」は M-LOAN。")
    data = codecs.BOM_UTF8 + loan.replace("\n", "\r\n").encode("utf-8")
    assert gate(with_files({LOAN: data})) == []


_HEAD = "# Feature Spec: X\n\nSpec Type: Feature\nSpec ID: S-XX-001\nStatus: Draft"


@pytest.mark.parametrize(("name", "text", "code"), [
    ("missing header lines", "# Feature Spec: Empty\n\nJust prose.\n", "SM201"),
    ("broken table", "# Feature Spec: X\n\nSpec Type: Feature\nSpec ID: S-X-001\nStatus: Draft\n\n"
                     "| FR ID | Description |\n|---|\n| FR-X-001 | a | b | c\n", None),
    ("unterminated fence", _HEAD + "\n\n```\n", "SM210"),
    ("non-UTF-8", _HEAD.encode() + b" \xe9\n", "SM206"),
    ("very long line", "# Feature Spec: X\n\nSpec Type: Feature\nSpec ID: S-XX-001\nStatus: Draft\n\n"
                       + "word " * 200_000 + "\n", None),
])
def test_malformed_files_give_findings_never_tracebacks(name: str, text: str | bytes, code: str | None,
                                                        tmp_path: Path) -> None:
    path = ".specify/specs/features/bad/spec.md"
    root = write(tmp_path / "repo", {**BASE, path: text})
    result = run_gates(root, use_cache=False)
    mine = [f for f in result.findings if f.file == path]
    if code is not None:
        assert code in {f.code for f in mine}, mine
        assert all(f.line >= 0 for f in mine)
    assert path in {i.file for i in result.items}


def test_a_huge_file_fails_its_item_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    found = run_gates(write(tmp_path / "repo", {**BASE, DOMAIN: str(BASE[DOMAIN]).replace(
        "M-LOAN: Loan", "M-LOAN: Loan\n\n[NEEDS CLARIFICATION]"),
        ".specify/specs/features/big/spec.md": b"x" * (10 * 1024 * 1024 + 1)}), use_cache=False).findings
    assert {(f.code, f.severity) for f in found} == {("SM207", Severity.ERROR), ("SM101", Severity.ERROR)}


@pytest.mark.parametrize("text", [
    "",
    "# Feature Spec:\n",
    "Spec Type: Feature\nSpec ID: S-NOH-001\nStatus: Approved\n",
    "# Feature Spec: T\n\n| a |\n|" + "---|" * 500 + "\n|" + " x |" * 500 + "\n",
    "# Feature Spec: T\n\n" + "".join(f"- {'  ' * k}item UC-X-{k:03d}\n" for k in range(200)),
    "# Feature Spec: T\n\nSpec Type: Feature\nSpec ID: S-T-001\nStatus: Superseded\n\n"
    "Superseded by: S-T-001\n",
    "# Domain Spec: D\n\nSpec Type: Domain\nSpec ID: S-DOMAIN-001\nStatus: Draft\n\n## 8. Feature Index\n\n"
    "| Feature ID | Title | Path | Status |\n|---|---|---|---|\n| S-T-001 | t | /etc/passwd | Draft |\n"
    "| S-U-001 | u | | |\n| S-V-001 |\n",
    "\x00\x01\x02 binary junk \xff",
])
def test_pathological_specs_never_raise(text: str, tmp_path: Path) -> None:
    path = ".specify/specs/features/odd/spec.md"
    result = run_gates(write(tmp_path / "repo", {**BASE, path: text}), use_cache=False)
    assert path in {i.file for i in result.items}
