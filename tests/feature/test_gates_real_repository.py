"""A clean repository written the way real spec-mesh projects write it passes `specmesh gates`.

Issue 12's false errors, all in one tree a new user would have (format reference §10): headers as
bold list items, a key/value table and bold keys; history rows naming a deleted master; a
dependency on a Backlog feature; a hand-written upstream-style tasks.md ticking files that live
under another folder; a Feature Index with a directory path and a placeholder row; a template
comment kept above the header; a `<!--` left open inside a heading. Nothing in it is wrong, so
the gates give no error (the warnings are the unmanaged tasks.md and the planned feature) and
`specmesh plan` plans each approved feature whatever its header form.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]
FEATURES = ".specify/specs/features"

DOMAIN = """\
# Domain Spec: 図書館

<!--
  Spec ID format: S-DOMAIN-001
  Spec Status: [Draft | In Review | Clarified | Approved | Implemented]
-->

Spec Type: Domain
Spec ID: S-DOMAIN-001
Created: 2026-01-14
Status: Approved
Author: 山田

---

## 3. Master Data Definitions (M-*)

### M-BOOK: 本

**Purpose:** 図書館が所有する本。

### M-MEMBER: 会員

**Purpose:** 本を借りる人。

## 8. Feature Index

| Feature ID | Title | Path | Status | Related M-*/API-* |
|------------|-------|------|--------|-------------------|
| S-LOAN-001 | 貸出 | .specify/specs/features/sloan001-lending/spec.md | Approved | M-BOOK, M-MEMBER |
| S-RET-001 | 返却 | `.specify/specs/features/sret001-return/` | Approved | M-BOOK |
| S-RES-001 | 予約 | .specify/specs/features/sres001-reserve/spec.md | Approved | M-BOOK |
| S-FEE-001 | 延滞料 | `.specify/specs/features/sfee001-fees/` | Backlog | - |
| (Features will be added after Foundation) | | | | |

## 10. Clarifications

| Date | Question | Answer | Impact |
|------|----------|--------|--------|
| 2026-01-05 | テナントは必要? | 不要 | M-TENANT を削除 |

### Clarification (2026-01-06)

M-ORG を削除した。

## 11. Changelog

| Date | Change Type | Description | Issue |
|------|-------------|-------------|-------|
| 2026-01-07 | Updated | M-LEGACY を M-BOOK に改名 | #3 |
"""

LOAN = """\
# Feature Spec: 貸出

- **Spec Type:** Feature
- **Spec ID:** S-LOAN-001
- **Created:** 2026-01-15
- **Status:** Approved
- **Author:** 山田
- **Related Domain:** S-DOMAIN-001

---

## 2. Domain Dependencies

| Master ID | Name | Usage in this Feature |
|-----------|------|-----------------------|
| M-BOOK | 本 | 貸出対象 |
| M-MEMBER | 会員 | 借りる人 |

| Feature ID | Type | Description |
|------------|------|-------------|
| S-FEE-001 | Soft | 延滞料 (予定) |

## 4. User Stories / Use Cases

### UC-LOAN-001: 本を借りる

**Main Flow:**
1. 会員が「借りる」を押す。

### UC-LOAN-002: 延長する <!-- 要確認

**Main Flow:**
1. 会員が延長する。

### UC-LOAN-003: 取り消す

**Main Flow:**
1. 会員が取り消す。

## 5. Functional Requirements (FR)

| FR ID | Description | Related UC | Priority |
|-------|-------------|------------|----------|
| FR-LOAN-001 | 貸出を記録する | UC-LOAN-001 | P1 |
| FR-LOAN-002 | 延長を記録する | UC-LOAN-002 | P2 |
| FR-LOAN-003 | 取り消しを記録する | UC-LOAN-003 | P2 |

## 12. Clarifications

| Date | Question | Answer | Impact |
|------|----------|--------|--------|
| 2026-01-05 | 旧APIは? | 廃止 | API-LOAN-OLD を削除 |
"""

RETURN = """\
# Feature Spec: 返却

| Key | Value |
|-----|-------|
| Spec Type | Feature |
| Spec ID | S-RET-001 |
| Status | Approved |
| Created | 2026-01-15 |
| Author | 佐藤 |

---

## 2. Domain Dependencies

| Master ID | Name | Usage in this Feature |
|-----------|------|-----------------------|
| M-BOOK | 本 | 返却対象 |

## 4. User Stories / Use Cases

### UC-RET-001: 本を返す

**Main Flow:**
1. 会員が本を返す。

## 5. Functional Requirements (FR)

| FR ID | Description | Related UC | Priority |
|-------|-------------|------------|----------|
| FR-RET-001 | 返却を記録する | UC-RET-001 | P1 |
"""

RESERVE = """\
# Feature Spec: 予約

**Spec Type**: Feature
**Spec ID**: S-RES-001
**Status**: Approved
**Created**: 2026-01-15
**Author**: 鈴木

---

## 2. Domain Dependencies

| Master ID | Name | Usage in this Feature |
|-----------|------|-----------------------|
| M-BOOK | 本 | 予約対象 |

## 4. User Stories / Use Cases

### UC-RES-001: 予約する

**Main Flow:**
1. 会員が予約する。

## 5. Functional Requirements (FR)

| FR ID | Description | Related UC | Priority |
|-------|-------------|------------|----------|
| FR-RES-001 | 予約を記録する | UC-RES-001 | P1 |
"""

# Upstream style: no format marker, no task IDs, paths relative to the skill folder.
UPSTREAM_TASKS = """\
# Tasks: 返却

- [x] Create workflows/vision.md
- [x] Create workflows/domain.md
- [ ] Write workflows/screen.md
"""

MATRIX = {"screens": {}, "permissions": {}, "features": {
    "S-LOAN-001": {"title": "貸出", "screens": [], "masters": ["M-BOOK", "M-MEMBER"], "apis": []},
    "S-RET-001": {"title": "返却", "screens": [], "masters": ["M-BOOK"], "apis": []},
    "S-RES-001": {"title": "予約", "screens": [], "masters": ["M-BOOK"], "apis": []},
    "S-FEE-001": {"title": "延滞料", "screens": [], "masters": [], "apis": []}}}

TESTS = """\
import pytest


@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001", "UC-LOAN-002", "FR-LOAN-002", "UC-LOAN-003", "FR-LOAN-003")
def test_loans() -> None:
    pass


@pytest.mark.spec("UC-RET-001", "FR-RET-001", "UC-RES-001", "FR-RES-001")
def test_returns_and_reservations() -> None:
    pass
"""


def write_tree(root: Path) -> None:
    files = {
        ".specify/specs/overview/domain/spec.md": DOMAIN,
        ".specify/specs/overview/matrix/cross-reference.json": json.dumps(MATRIX, ensure_ascii=False, indent=1),
        f"{FEATURES}/sloan001-lending/spec.md": LOAN,
        f"{FEATURES}/sret001-return/spec.md": RETURN,
        f"{FEATURES}/sret001-return/tasks.md": UPSTREAM_TASKS,
        f"{FEATURES}/sres001-reserve/spec.md": RESERVE,
        ".claude/skills/spec-mesh/workflows/vision.md": "# Vision workflow\n",
        "tests/test_library.py": TESTS,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_clean_real_looking_repository_has_no_error_and_plans_every_header_form(run_specmesh: Run,
                                                                                   tmp_path: Path) -> None:
    write_tree(tmp_path)
    gates = run_specmesh("gates", "--format", "json", cwd=tmp_path)
    assert gates.returncode == 0, gates.stdout + gates.stderr
    findings = json.loads(gates.stdout)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []
    warnings = sorted((f["code"], f["file"], f["line"]) for f in findings if f["severity"] == "warning")
    planned = LOAN.splitlines().index("| S-FEE-001 | Soft | 延滞料 (予定) |") + 1
    assert warnings == [("SM241", f"{FEATURES}/sloan001-lending/spec.md", planned),
                        ("SM420", f"{FEATURES}/sret001-return/tasks.md", 1)]

    plan = run_specmesh("plan", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    for folder in ("sloan001-lending", "sret001-return", "sres001-reserve"):
        assert (tmp_path / FEATURES / folder / "plan.md").is_file(), folder
    loan_plan = (tmp_path / FEATURES / "sloan001-lending" / "plan.md").read_text(encoding="utf-8")
    assert "UC-LOAN-003" in loan_plan  # the open `<!--` in UC-LOAN-002's heading hid nothing
    assert (tmp_path / FEATURES / "sret001-return" / "tasks.md").read_text(encoding="utf-8") == UPSTREAM_TASKS
