"""Running the gates: items, suppression, baselines, and the caches that make a run incremental."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from gates_cases import CASES, LOAN_DIR
from gates_trees import BASE, BOOK, DOMAIN, LOAN, MATRIX, TESTS, Files, edit, with_files, write

from specmesh_tasks.errors import UserError
from specmesh_tasks.gates import evaluate as evaluate_module
from specmesh_tasks.gates.baseline import apply_baseline, load_baseline, render_baseline
from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.gates.run import run_gates


def age(root: Path, seconds: float = 60) -> None:
    """Move every mtime into the past, so the run cache trusts the stamps (no racy entries)."""
    past = time.time() - seconds
    for dirpath, dirs, files in os.walk(root):
        for name in [*files, *dirs]:
            os.utime(os.path.join(dirpath, name), (past, past))


def tree(tmp_path: Path, files: Files) -> Path:
    root = write(tmp_path / "repo", files)
    age(root)
    return root


def rewrite(root: Path, rel: str, text: str) -> None:
    """Write a file (creating folders), then age the tree so only content decides."""
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    age(root, 30)


# ---------------------------------------------------------------------- items

def test_every_checked_file_is_an_item(tmp_path: Path) -> None:
    files = with_files({f"{LOAN_DIR}/plan.md": "# Plan\n", f"{LOAN_DIR}/tasks.md": "# Tasks\n",
                        ".specify/specmesh.yaml": "gates:\n  strict: false\n",
                        "tests/test_other.py": "def test_x():\n    pass\n"})
    result = run_gates(tree(tmp_path, files), use_cache=False)
    kinds = {i.file: (i.kind, i.spec_id) for i in result.items}
    assert kinds[LOAN] == ("spec", "S-LOAN-001")
    assert kinds[f"{LOAN_DIR}/plan.md"] == ("plan", "S-LOAN-001")
    assert kinds[f"{LOAN_DIR}/tasks.md"] == ("tasks", "S-LOAN-001")
    assert kinds[MATRIX] == ("matrix", None)
    assert kinds[".specify/specmesh.yaml"] == ("config", None)
    assert kinds[TESTS] == ("test", None) and kinds["tests/test_other.py"] == ("test", None)
    assert len(result.items) == 11


def test_findings_carry_the_spec_id_of_their_file(tmp_path: Path) -> None:
    files = with_files({f"{LOAN_DIR}/plan.md": "# Plan\n\nFeature Spec: S-LOAN-001\n"},
                       CASES["SM204-master"].bad)
    found = {f.code: f.spec_id for f in run_gates(tree(tmp_path, files), use_cache=False).findings}
    assert found["SM204"] == found["SM401"] == "S-LOAN-001"


# ---------------------------------------------------------------------- suppression

def test_suppression_on_the_line_or_the_line_above(tmp_path: Path) -> None:
    files = edit(LOAN, "| M-LOAN | Loan | create |", "| M-LOAN | Loan | create |\n"
                 "| M-FOO | Foo | read | <!-- specmesh: ignore SM204 -->\n"
                 "<!-- specmesh: ignore undefined-reference, SM221 -->\n| M-BAR | Bar | read |\n"
                 "| M-BAZ | Baz | read |")
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.message.split()[0], f.suppressed) for f in found] == [
        ("M-FOO", True), ("M-BAR", True), ("M-BAZ", False)]


def test_suppression_in_a_test_file_comment(tmp_path: Path) -> None:
    files = edit(TESTS, '@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001")',
                 '# specmesh: ignore SM502\n@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001", "UC-LOAN-009")')
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.code, f.suppressed) for f in found] == [("SM502", True)]


def test_suppression_names_only_the_given_rule(tmp_path: Path) -> None:
    files = edit(LOAN, "| M-LOAN | Loan | create |",
                 "| M-LOAN | Loan | create |\n| M-FOO | Foo | read | <!-- specmesh: ignore SM101 -->")
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.code, f.suppressed) for f in found] == [("SM204", False)]


# ---------------------------------------------------------------------- configuration and selection

def test_configured_severity_and_off_apply(tmp_path: Path) -> None:
    config = ".specify/specmesh.yaml"
    files = with_files({config: "gates:\n  rules:\n    SM204: warning\n    unfilled-placeholder: 'off'\n"},
                       edit(LOAN, "Author: Lending team", "Author: [OWNER]", CASES["SM204-master"].bad))
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.code, f.severity) for f in found] == [("SM204", Severity.WARNING)]


def test_select_and_ignore(tmp_path: Path) -> None:
    files = edit(LOAN, "Author: Lending team", "Author: [OWNER]", CASES["SM204-master"].bad)
    root = tree(tmp_path, files)
    assert {f.code for f in run_gates(root, select=["SM22"]).findings} == {"SM221"}
    assert {f.code for f in run_gates(root, ignore=["SM221"]).findings} == {"SM204"}
    assert {f.code for f in run_gates(root).findings} == {"SM204", "SM221"}


# ---------------------------------------------------------------------- baseline

def _reported(code: str, file: str, line: int, message: str) -> Reported:
    return Reported(code, "x", Severity.ERROR, file, line, message, None)


def test_baseline_matches_by_code_file_and_message_not_line(tmp_path: Path) -> None:
    old = [_reported("SM204", "a.md", 10, "M-FOO is referenced but defined nowhere")]
    path = tmp_path / "baseline.json"
    path.write_text(render_baseline(old), encoding="utf-8")
    moved = _reported("SM204", "a.md", 14, "M-FOO is referenced but defined nowhere")
    new = _reported("SM204", "a.md", 15, "M-BAR is referenced but defined nowhere")
    kept, covered = apply_baseline([moved, new], load_baseline(path))
    assert (kept, covered) == ([new], 1)
    # One recorded finding absorbs one finding, not every copy of it.
    kept, covered = apply_baseline([moved, moved], load_baseline(path))
    assert (len(kept), covered) == (1, 1)


def test_baseline_file_is_stable_json(tmp_path: Path) -> None:
    findings = [_reported("SM204", "b.md", 3, "y"), _reported("SM101", "a.md", 9, "x"),
                _reported("SM204", "b.md", 7, "y")]
    data = json.loads(render_baseline(findings))
    assert data == {"schema": 1, "findings": [
        {"code": "SM101", "file": "a.md", "message": "x", "count": 1},
        {"code": "SM204", "file": "b.md", "message": "y", "count": 2}]}


@pytest.mark.parametrize("content", [None, "not json", '{"schema": 9, "findings": []}'])
def test_bad_baseline_is_a_one_line_user_error(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_baseline(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


# ---------------------------------------------------------------------- caches

def test_nothing_changed_is_served_from_the_run_cache(tmp_path: Path) -> None:
    root = tree(tmp_path, CASES["SM204-master"].bad)
    first = run_gates(root)
    second = run_gates(root)
    assert not first.from_cache and second.from_cache
    assert second.findings == first.findings and second.items == first.items


def test_an_edit_a_new_file_or_a_config_change_invalidates_the_run(tmp_path: Path) -> None:
    root = tree(tmp_path, BASE)
    run_gates(root)
    rewrite(root, LOAN, str(BASE[LOAN]).replace("(none)", "[NEEDS CLARIFICATION]"))
    result = run_gates(root)
    assert not result.from_cache and [f.code for f in result.findings] == ["SM101"]
    assert run_gates(root).from_cache
    rewrite(root, ".specify/specmesh.yaml", "gates:\n  rules:\n    SM101: warning\n")
    result = run_gates(root)
    assert not result.from_cache and [f.severity for f in result.findings] == [Severity.WARNING]
    rewrite(root, "tests/test_more.py", "def test_more():\n    pass\n")
    assert not run_gates(root).from_cache


def test_a_settings_change_rechecks_unchanged_specs(tmp_path: Path) -> None:
    root = tree(tmp_path, edit(LOAN, "Status: Approved", "Status: Done"))
    assert [f.code for f in run_gates(root).findings] == ["SM110"]
    rewrite(root, ".specify/specmesh.yaml", "specs:\n  statuses: [Draft, Approved, Implemented, Done]\n")
    assert run_gates(root).findings == ()


def test_a_path_a_rule_looked_at_invalidates_the_run(tmp_path: Path) -> None:
    root = tree(tmp_path, CASES["SM230"].bad)
    assert [f.code for f in run_gates(root).findings] == ["SM230"]
    assert run_gates(root).from_cache
    rewrite(root, ".specify/specs/features/old-name/spec.md", "# not a spec: README\n")
    result = run_gates(root)
    assert not result.from_cache
    assert "SM230" not in {f.code for f in result.findings}


def test_recent_stamps_are_not_trusted(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BASE)  # mtimes are "now": an edit in the same tick could hide
    run_gates(root)
    assert not run_gates(root).from_cache


def test_one_changed_spec_is_the_only_one_checked_again(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, BASE)
    run_gates(root)
    checked: list[str] = []
    original = evaluate_module.check_spec

    def spy(spec, ctx, rules, known=None):  # type: ignore[no-untyped-def]
        checked.append(spec.path)
        return original(spec, ctx, rules, known)

    monkeypatch.setattr(evaluate_module, "check_spec", spy)
    rewrite(root, BOOK, str(BASE[BOOK]).replace("List books by title", "List books by title or author"))
    result = run_gates(root)
    assert checked == [BOOK]
    assert result.findings == () and not result.from_cache
    # The cross-file rules still see every file: a new undefined reference elsewhere is found.
    rewrite(root, BOOK, str(BASE[BOOK]).replace("| M-BOOK | Book | read |", "| M-BOOK | Book | read |\n"
                                                                          "| M-GONE | Gone | read |"))
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]


def test_cache_is_only_in_the_cache_directory_and_nothing_is_written_in_the_tree(tmp_path: Path) -> None:
    root = tree(tmp_path, CASES["SM101"].bad)
    before = {p for p in root.rglob("*") if ".cache" not in p.parts}
    run_gates(root)
    run_gates(root)
    after = {p for p in root.rglob("*") if ".cache" not in p.parts}
    assert after == before
    assert (root / ".specify" / ".cache" / "gates.json").is_file()


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    root = tree(tmp_path, CASES["SM101"].bad)
    run_gates(root)
    (root / ".specify" / ".cache" / "gates.json").write_text("{not json", encoding="utf-8")
    assert [f.code for f in run_gates(root).findings] == ["SM101"]
    assert run_gates(root).from_cache


def test_domain_edit_is_seen_by_cross_file_rules(tmp_path: Path) -> None:
    root = tree(tmp_path, BASE)
    run_gates(root)
    rewrite(root, DOMAIN, str(BASE[DOMAIN]).replace("### M-BOOK: Book", "### M-BOOKS: Book"))
    codes = sorted({f.code for f in run_gates(root).findings})
    assert "SM204" in codes


# ---------------------------------------------------------------------- the quick re-run after an edit

def rewrite_one(root: Path, rel: str, text: str) -> None:
    """Edit one file as an editor does: only its own stamp changes (into the past, so not racy)."""
    (root / rel).write_text(text, encoding="utf-8")
    past = time.time() - 30
    os.utime(root / rel, (past, past))



def _full_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every full evaluation (the quick re-run does not make one)."""
    # The quick re-run reads the last run's parse from the parse cache, which test workers under
    # pytest-xdist never write (they share it); each of these trees is this test's own.
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    runs: list[str] = []
    original = evaluate_module.evaluate_tree

    def spy(root, *args):  # type: ignore[no-untyped-def]
        runs.append(str(root))
        return original(root, *args)

    monkeypatch.setattr(evaluate_module, "evaluate_tree", spy)
    return runs


def test_a_same_line_edit_of_a_feature_rechecks_only_that_file(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, CASES["SM204-master"].bad)
    first = run_gates(root)
    assert "SM204" in {f.code for f in first.findings}
    runs.clear()
    text = (root / LOAN).read_text(encoding="utf-8")  # the file the cross-file finding is in
    rewrite_one(root, LOAN, text.replace("## 2. Domain Dependencies", "## 2. Domain Dependencies (read only)"))
    quick = run_gates(root)
    assert runs == [] and not quick.from_cache
    full = run_gates(root, use_cache=False)
    assert quick.findings == full.findings and quick.items == full.items
    assert {f.file for f in quick.findings if f.code == "SM204"} == {LOAN}  # kept from the last run
    assert run_gates(root).from_cache


def test_an_edit_that_moves_lines_or_changes_what_other_files_see_runs_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, BASE)
    run_gates(root)
    runs.clear()
    text = str(BASE[BOOK])
    rewrite_one(root, BOOK, text.replace("| M-BOOK | Book | read |", "| M-GONE | Book | read |"))
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]
    assert len(runs) == 1
    rewrite_one(root, BOOK, text.replace("\n\n", "\n\nAn added line.\n\n", 1))
    assert run_gates(root).findings == () and len(runs) == 2
    rewrite_one(root, DOMAIN, str(BASE[DOMAIN]) + "\nA note.\n")  # an overview spec: always everything
    run_gates(root)
    assert len(runs) == 3


def test_a_parse_cache_refreshed_by_another_command_is_not_mistaken_for_the_last_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from specmesh_tasks.load import load_repo

    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, BASE)
    run_gates(root)
    rewrite_one(root, BOOK, str(BASE[BOOK]).replace("| M-BOOK | Book | read |", "| M-GONE | Book | read |"))
    load_repo(root)  # e.g. the affected-tests command: the parse cache now holds the edited file
    runs.clear()
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]
    assert len(runs) == 1


def test_edits_after_a_quick_rerun_compare_with_the_view_it_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a quick re-run the parse cache still holds the version the full run saw; the next
    # edit must be compared with the version the quick re-run checked (kept with its results).
    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, BASE)
    run_gates(root)
    runs.clear()
    text = str(BASE[BOOK])
    for version in ("", " (v2)", " (v3)"):  # a section title: no other file sees it
        rewrite_one(root, BOOK, text.replace("## 2. Domain Dependencies", f"## 2. Domain Dependencies{version}"))
        assert run_gates(root).findings == ()
    assert runs == []  # three same-line edits: each one a quick re-run
    rewrite_one(root, BOOK, text.replace("| M-BOOK | Book | read |", "| M-GONE | Book | read |"))
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]
    assert len(runs) == 1  # a changed reference: everything again
    rewrite_one(root, BOOK, text)
    assert run_gates(root).findings == () and len(runs) == 2


def test_a_quick_rerun_loads_only_the_one_file_rules_and_reports_as_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quick re-run reads the rule table its last full run kept (same code, settings and
    # options), so a fresh process imports the one-file rules' modules only.
    import subprocess
    import sys

    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # this tree's parse cache is written
    root = tree(tmp_path, CASES["SM204-master"].bad)
    run_gates(root)
    text = (root / LOAN).read_text(encoding="utf-8")
    rewrite_one(root, LOAN, text.replace("## 2. Domain Dependencies", "## 2. Domain Dependencies (read only)"))
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from specmesh_tasks.gates.run import run_gates\n"
        f"result = run_gates(Path({str(root)!r}))\n"
        "print(json.dumps([result.from_cache, [[f.code, f.file, f.line, f.severity.value, f.suppressed] "
        "for f in result.findings], sorted(m for m in sys.modules if m.startswith('specmesh_tasks.gates.'))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root).stdout
    from_cache, findings, modules = json.loads(out.strip().splitlines()[-1])
    full = run_gates(root, use_cache=False)
    assert not from_cache
    assert findings == [[f.code, f.file, f.line, f.severity.value, f.suppressed] for f in full.findings]
    assert "specmesh_tasks.gates.structure" in modules  # one-file rules: loaded
    assert "specmesh_tasks.gates.tasks_rules" not in modules and "specmesh_tasks.gates.matrix" not in modules
