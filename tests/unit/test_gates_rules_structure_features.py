"""SM2xx about features as a whole: the Feature Index, staleness by git dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from gates_trees import BASE, BOOK, DOMAIN, LOAN, Gate, codes, edit, make_gate, write

from specmesh_tasks.gates.finding import Severity
from specmesh_tasks.gates.run import run_gates


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def _git(root: Path, *args: str, date: str = "") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _committed_tree(tmp_path: Path, feature_date: str) -> Path:
    root = write(tmp_path / "repo", BASE)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "specs", date="2025-01-01T10:00:00")
    (root / DOMAIN).write_text(str(BASE[DOMAIN]) + "\nChanged.\n", encoding="utf-8")
    _git(root, "commit", "-qam", "domain", date="2025-03-01T10:00:00")
    (root / LOAN).write_text(str(BASE[LOAN]) + "\nReviewed.\n", encoding="utf-8")
    _git(root, "commit", "-qam", "feature", date=feature_date)
    return root


def test_feature_older_than_domain_by_git_dates(tmp_path: Path) -> None:
    root = _committed_tree(tmp_path, "2025-02-01T10:00:00")
    found = [f for f in run_gates(root, use_cache=False).findings if f.code == "SM237"]
    assert [(f.file, f.severity) for f in found] == [(LOAN, Severity.INFO)]
    assert found[0].message.startswith("last committed 28 days before the latest change of")
    # The Implemented feature (BOOK) is never checked, however old.
    assert all(f.file != BOOK for f in found)


def test_feature_reviewed_after_domain_is_not_stale(tmp_path: Path) -> None:
    root = _committed_tree(tmp_path, "2025-03-02T10:00:00")
    assert "SM237" not in codes(list(run_gates(root, use_cache=False).findings))


def test_staleness_is_skipped_outside_git(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BASE)
    os.utime(root / LOAN, (0, 0))  # an ancient mtime means nothing
    assert "SM237" not in codes(list(run_gates(root, use_cache=False).findings))


def test_feature_index_path_outside_by_absolute_path(gate: Gate) -> None:
    row_path = "`.specify/specs/features/sloan001-book-lending/`"
    found = gate(edit(DOMAIN, row_path, "/home/me/other-repo/spec.md"))
    assert [f.code for f in found if f.code.startswith("SM23")] == ["SM231"]


# ---------------------------------------------------------------------- Feature Index rows vs specs

_ROW = "| S-LOAN-001 | Book lending | `.specify/specs/features/sloan001-book-lending/` | Approved | M-LOAN |"


def _rows(*rows: str) -> dict[str, str | bytes]:
    return edit(DOMAIN, _ROW, "\n".join([_ROW, *rows]))


@pytest.mark.parametrize(("path", "status"), [
    (".specify/specs/features/sfine001-fines/spec.md", "Draft"),  # a file that is not there
    ("`.specify/specs/features/sbook001-catalog/`", "Approved"),  # a folder holding another feature's spec
    ("`.specify/specs/features/`", "Implemented"),  # a folder with no spec.md at all
    ("../../../../etc/passwd", "In Review"),  # out of the project from the root
    ("", "実装中"),
    ("`.specify/specs/features/sfine001-fines/`", ""),
])
def test_an_active_index_row_without_a_spec_is_an_error_at_the_row(gate: Gate, path: str, status: str) -> None:
    found = gate(_rows(f"| S-FINE-001 | 延滞料金 (fines) | {path} | {status} | - |"))
    errors = [(f.code, f.line) for f in found if f.code == "SM242"]
    row_line = str(_rows()[DOMAIN]).split("\n").index(_ROW) + 2
    assert errors == [("SM242", row_line)]
    assert "S-FINE-001" in next(f.message for f in found if f.code == "SM242")


@pytest.mark.parametrize("status", ["Backlog", "**Backlog**", "planned", "Planned (Q3)", "Deprecated",
                                    "Superseded by S-LOAN-001"])
def test_a_planned_or_retired_index_row_needs_no_spec(gate: Gate, status: str) -> None:
    found = gate(_rows(f"| S-FINE-001 | Fines | `.specify/specs/features/sfine001-fines/` | {status} | - |"))
    assert "SM242" not in codes(found)


def test_placeholder_rows_are_not_features(gate: Gate) -> None:
    found = gate(_rows("| (Features will be added after Foundation) | | | | |",
                       "| （機能は基盤の後に追加） | | | Draft | |"))
    assert found == []


def test_a_path_out_of_the_root_is_refused_and_never_opened(gate: Gate, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_exists = os.path.exists

    def spy(path: object) -> bool:
        opened.append(str(path))
        return real_exists(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os.path, "exists", spy)
    # Out of the root whether read from the root or from the domain spec's folder.
    found = gate(_rows("| S-FINE-001 | Fines | ../../../../../../../etc/passwd | Draft | - |"))
    assert {"SM231", "SM242"} <= codes(found)
    assert not any(p.endswith("etc/passwd") for p in opened)


def test_an_index_path_reaching_a_spec_with_a_placeholder_id_is_a_mismatch(gate: Gate) -> None:
    # Scaffold output: the row says S-LOAN-001, the spec it reaches still says S-{AREA}-001.
    files = edit(LOAN, "Spec ID: S-LOAN-001", "Spec ID: S-{AREA}-001")
    found = [(f.code, f.message) for f in gate(files) if f.code == "SM232"]
    assert found == [("SM232", "Feature Index entry for S-LOAN-001 points to "
                               ".specify/specs/features/sloan001-book-lending/spec.md, whose Spec ID is S-{AREA}-001")]
