"""Every header form real specs use reads the same through `specmesh gates`, `plan` and `tasks`.

The tree of `test_plan_cli` (S-LOAN-001 and F-LOAN-001 Approved, S-MEMBER-001 Implemented) is
run twice: as written (plain `Key: value` headers) and with each planned spec's header rewritten
in another form — bold list items, a key/value table, bold keys under the template's kept
comment. Both runs must plan and materialize the same features and report the same findings.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "resources" / "plan_tree"
SPECS = Path(".specify/specs")
LOAN = SPECS / "features/sloan001-lending"
MEMBER = SPECS / "features/smember001-members"
FIX = SPECS / "fixes/floan001-due-date"
ENV = {"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1767225600"}
KEPT_COMMENT = "<!--\n  Spec ID format: S-{AREA}-001\n  Spec Status:\n    - DRAFT: initial\n  Status: Draft\n-->\n"

Run = Callable[..., subprocess.CompletedProcess[str]]


def _rewrite_header(path: Path, form: Callable[[str, str], str], prefix: str = "") -> None:
    """Rewrite every `Key: value` line between the H1 and the first `---` with `form(key, value)`."""
    head, rule, body = path.read_text(encoding="utf-8").partition("\n---\n")
    h1, _, fields = head.partition("\n")
    lines = [form(*m.groups()) if (m := re.fullmatch(r"([A-Za-z ()]+): (.*)", line)) else line
             for line in fields.split("\n")]
    path.write_text(h1 + "\n" + prefix + "\n".join(lines) + rule + body, encoding="utf-8")


def _table_form(path: Path) -> None:
    _rewrite_header(path, lambda key, value: f"| {key} | {value} |", "| Item | Value |\n|---|---|\n")


def _run_all(run: Run, root: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    listed = run("list", "--all", cwd=root, env=ENV)
    out["tasks"] = sorted(line.split()[0] for line in listed.stdout.splitlines() if ":" in line.split()[0])
    for command in ("plan", "tasks"):
        done = run(command, cwd=root, env=ENV)
        assert "Traceback" not in done.stderr, done.stderr
    gates = run("gates", "--format", "json", cwd=root, env=ENV)
    findings = json.loads(gates.stdout)["findings"]
    out["findings"] = sorted((f["code"], f["file"], f["message"]) for f in findings)
    out["planned"] = sorted(str(p.parent.relative_to(root)) for p in root.glob(".specify/specs/**/plan.md"))
    out["tasks.md"] = sorted(str(p.parent.relative_to(root)) for p in root.glob(".specify/specs/**/tasks.md"))
    return out


def test_bold_list_table_and_bold_key_headers_plan_like_plain_ones(run_specmesh: Run, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(TREE, plain)
    forms = tmp_path / "forms"
    shutil.copytree(TREE, forms)
    _rewrite_header(forms / LOAN / "spec.md", lambda key, value: f"- **{key}:** {value}")
    _table_form(forms / MEMBER / "spec.md")
    _rewrite_header(forms / FIX / "spec.md", lambda key, value: f"**{key}**: {value}", KEPT_COMMENT)
    assert "- **Status:** Approved" in (forms / LOAN / "spec.md").read_text(encoding="utf-8")

    expected, got = _run_all(run_specmesh, plain), _run_all(run_specmesh, forms)
    assert {"plan:S-LOAN-001", "plan:S-MEMBER-001", "plan:F-LOAN-001", "tasks:S-LOAN-001"} <= set(expected["tasks"])  # type: ignore[arg-type]
    assert got == expected
    loan_plan = (forms / LOAN / "plan.md").read_text(encoding="utf-8")
    assert "Plan ID: PLAN-LOAN-001" in loan_plan and "Feature Spec: S-LOAN-001" in loan_plan
    assert "[S-LOAN-001]" in (forms / LOAN / "tasks.md").read_text(encoding="utf-8")
