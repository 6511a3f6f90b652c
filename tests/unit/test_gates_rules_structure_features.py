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
