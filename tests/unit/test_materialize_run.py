"""One feature end to end through `materialize_feature`: files, encodings, options, git ticks."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.formats.task_lines import MARKER
from specmesh_tasks.materialize import gitdone
from specmesh_tasks.materialize.gitdone import GitError, branch_log
from specmesh_tasks.materialize.options import Options
from specmesh_tasks.materialize.run import materialize_feature

Tree = Callable[[dict[str, "str | bytes"]], Path]
DIR = ".specify/specs/features/sloan001-book-lending"
SPEC = """
    # Feature Spec: Book lending

    Spec Type: Feature
    Spec ID: S-LOAN-001
    Status: Approved

    ---

    ## 4. User Stories / Use Cases

    ### UC-LOAN-001: Borrow a book

    **Priority:** P1
    """
PLAN = """
    # Implementation Plan: Book lending

    Plan ID: PLAN-LOAN-001
    Feature Spec: S-LOAN-001
    Branch: feature/12-book-lending

    ## 11. Work Breakdown (Link to Tasks)

    - Task group 1: Setup -> T-001
    - Task group 2: UC-LOAN-001 Borrow a book -> T-101, T-102
    """


@pytest.fixture(autouse=True)
def _date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1738368000")  # 2025-02-01
    gitdone.reset()


def feature(spec_tree: Tree, **files: str | bytes) -> tuple[Path, Path]:
    tree: dict[str, str | bytes] = {f"{DIR}/spec.md": SPEC, f"{DIR}/plan.md": PLAN}
    tree.update({f"{DIR}/{name.replace('_', '.')}": text for name, text in files.items()})
    root = spec_tree(tree)
    return root, root / DIR


def test_creates_then_leaves_alone(spec_tree: Tree) -> None:
    root, folder = feature(spec_tree)
    first = materialize_feature(root, folder)
    assert first.action == "created" and "Created: 2025-02-01" in (folder / "tasks.md").read_text()
    stamp = (folder / "tasks.md").stat().st_mtime_ns
    again = materialize_feature(root, folder)
    assert again.action == "unchanged" and (folder / "tasks.md").stat().st_mtime_ns == stamp


def test_check_writes_nothing_and_returns_a_diff(spec_tree: Tree) -> None:
    root, folder = feature(spec_tree)
    outcome = materialize_feature(root, folder, Options(check=True))
    assert outcome.action == "would-change" and not (folder / "tasks.md").exists()
    assert outcome.diff.startswith(f"--- a/{DIR}/tasks.md\n+++ b/{DIR}/tasks.md\n")
    assert "+- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-101]\n" in outcome.diff
    materialize_feature(root, folder)
    assert materialize_feature(root, folder, Options(check=True)).diff == ""


def test_crlf_and_bom_are_kept(spec_tree: Tree) -> None:
    text = ("\ufeff# Tasks: Book lending\r\n" + MARKER + "\r\n\r\nTotal Tasks: 1\r\n\r\n"
            "## Task group 1: Setup\r\n\r\n- [x] [T-001] done\r\n")
    root, folder = feature(spec_tree, tasks_md=text.encode("utf-8"))
    assert materialize_feature(root, folder).action == "updated"
    data = (folder / "tasks.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# Tasks") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"Total Tasks: 3\r\n" in data and b"- [x] [T-001] done\r\n" in data


def test_unmanaged_file_is_never_modified(spec_tree: Tree) -> None:
    hand = "# Tasks\n\n- `[T-001] [P1] Set up`\n"
    root, folder = feature(spec_tree, tasks_md=hand)
    outcome = materialize_feature(root, folder)
    assert outcome.action == "skipped" and "--adopt" in outcome.notes[-1]
    assert (folder / "tasks.md").read_text() == hand
    assert materialize_feature(root, folder, Options(check=True)).diff == ""


def test_adopt_keeps_a_backup_never_overwritten(spec_tree: Tree) -> None:
    hand = "# Tasks\n\n- `[T-001] [P1] Set up`\n"
    root, folder = feature(spec_tree, tasks_md=hand, tasks_md_orig="an older backup\n")
    outcome = materialize_feature(root, folder, Options(adopt=True))
    assert outcome.action == "updated"
    assert (folder / "tasks.md.orig").read_text() == "an older backup\n"
    assert (folder / "tasks.md.orig.1").read_text() == hand
    text = (folder / "tasks.md").read_text()
    assert "- [ ] [T-001] [P1] Set up\n" in text and "[T-102]" in text


def test_undecodable_tasks_md_is_left_alone(spec_tree: Tree) -> None:
    root, folder = feature(spec_tree, tasks_md=b"# Tasks\n\n- [ ] [T-001] caf\xe9\n")
    outcome = materialize_feature(root, folder)
    assert outcome.action == "skipped"
    assert outcome.notes == (f"{DIR}/tasks.md:3: not valid UTF-8; left alone",)


def test_no_plan_and_placeholder_plan_write_nothing(spec_tree: Tree) -> None:
    placeholder = "# Plan\n\n## 11. Work Breakdown\n\n- Task group 1: [Summary] -> [Task IDs]\n"
    root, folder = feature(spec_tree, plan_md=placeholder)
    outcome = materialize_feature(root, folder)
    assert outcome.action == "skipped" and not (folder / "tasks.md").exists()
    assert any("placeholder" in note for note in outcome.notes)
    (folder / "plan.md").unlink()
    assert materialize_feature(root, folder).action == "skipped"


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(root)}
    done = subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def repo_on_branch(spec_tree: Tree) -> tuple[Path, Path]:
    root, folder = feature(spec_tree)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start [T-001]")  # before the branch: never counted
    git(root, "checkout", "-qb", "feature/12-book-lending")
    git(root, "commit", "-q", "--allow-empty", "-m", "feat: borrow [T-101] and [T-999]\n\nbody [T-102]")
    return root, folder


def test_done_from_git_ticks_named_tasks_on_the_plan_branch(spec_tree: Tree) -> None:
    root, folder = repo_on_branch(spec_tree)
    outcome = materialize_feature(root, folder, Options(done_from_git=True))
    text = (folder / "tasks.md").read_text()
    assert "- [ ] [T-001]" in text
    assert "- [x] [T-101]" in text and "- [x] [T-102]" in text
    assert any("ticked T-101 (" in n and "feat: borrow" in n for n in outcome.notes)
    assert any("T-999" in n for n in outcome.notes)
    again = materialize_feature(root, folder, Options(done_from_git=True))
    assert again.action == "unchanged"


def test_done_from_git_ignores_features_of_other_branches(spec_tree: Tree) -> None:
    root, folder = repo_on_branch(spec_tree)
    plan = (folder / "plan.md").read_text().replace("feature/12-book-lending", "feature/99-other")
    (folder / "plan.md").write_text(plan)
    materialize_feature(root, folder, Options(done_from_git=True))
    assert "- [x]" not in (folder / "tasks.md").read_text()


def test_done_from_git_with_ref_and_errors(spec_tree: Tree) -> None:
    root, _ = repo_on_branch(spec_tree)
    assert [m.task_id for m in branch_log(root, "main").mentions] == ["T-101", "T-999", "T-102"]
    assert [m.task_id for m in branch_log(root, "HEAD").mentions] == []
    with pytest.raises(GitError, match="unknown ref 'nope'"):
        branch_log(root, "nope")
    git(root, "checkout", "-q", "main")
    gitdone.reset()
    assert branch_log(root).mentions == ()  # on the default branch: nothing to tick


def test_not_a_git_repository(spec_tree: Tree) -> None:
    root, _ = feature(spec_tree)
    with pytest.raises(GitError, match="not inside a git repository"):
        branch_log(root)
