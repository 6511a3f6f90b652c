"""Running the gates: items, suppression, baselines, and the caches that make a run incremental."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import CASES, LOAN_DIR
from gates_trees import BASE, BOOK, DOMAIN, LOAN, MATRIX, TESTS, Files, edit, with_files, write

from specmesh_tasks import freshness
from specmesh_tasks.gates import evaluate as evaluate_module
from specmesh_tasks.gates.finding import Severity
from specmesh_tasks.gates.run import run_gates

# Every tree here is written before the runs that read it (see the fixture).
pytestmark = pytest.mark.usefixtures("trust_stamps_at_once")

REAL_RACY_NS = freshness.RACY_NS


def tree(tmp_path: Path, files: Files) -> Path:
    return write(tmp_path / "repo", files)


def rewrite(root: Path, rel: str, text: str) -> None:
    """Write a file (creating folders)."""
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


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


def test_recent_stamps_are_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "RACY_NS", REAL_RACY_NS)
    root = write(tmp_path / "repo", BASE)  # just written: an edit in the same tick could hide
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


