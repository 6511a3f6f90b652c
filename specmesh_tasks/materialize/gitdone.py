"""`--done-from-git`: tick the tasks that commit messages on the current branch name as `[T-101]`.

The commits are those on the current branch since REF (`--ref`), by default since the merge base
with the default branch (`origin/HEAD`, else `main`, else `master`). Only features whose plan's
`Branch:` is the current branch are ticked: task IDs restart in every feature, so the branch says
which feature a commit's `[T-101]` means. GitPython is imported here, on first use only.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from specmesh_tasks.formats.task_lines import task_mentions, ticked
from specmesh_tasks.parse.tasks_md import parse_tasks_md

DEFAULT_BRANCHES = ("main", "master", "origin/main", "origin/master")


class GitError(Exception):
    """Git cannot answer: not a repository, a detached HEAD, an unknown ref (one line)."""


@dataclass(frozen=True, slots=True)
class Mention:
    task_id: str
    sha: str  # short
    summary: str  # the commit's first line


@dataclass(frozen=True, slots=True)
class BranchLog:
    branch: str
    base: str  # the ref the commits are counted from, as resolved
    mentions: tuple[Mention, ...]  # oldest commit first

    def first_mention(self) -> dict[str, Mention]:
        """Task ID -> the earliest commit naming it."""
        found: dict[str, Mention] = {}
        for mention in self.mentions:
            found.setdefault(mention.task_id, mention)
        return found


_cache: dict[tuple[str, str], BranchLog] = {}


def branch_log(root: Path, ref: str = "") -> BranchLog:
    """The current branch and the task IDs its commits since REF name (cached per process)."""
    key = (str(root), ref)
    if key not in _cache:
        _cache[key] = _read_log(root, ref)
    return _cache[key]


def reset() -> None:
    """Forget cached logs (a new watch cycle or a test)."""
    _cache.clear()


def _read_log(root: Path, ref: str) -> BranchLog:
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"--done-from-git: {root} is not inside a git repository") from None
    try:
        branch = repo.active_branch.name
    except TypeError:
        raise GitError("--done-from-git: HEAD is detached; check out the feature branch") from None
    if not ref and _is_default(repo, branch):
        return BranchLog(branch, "", ())  # on the default branch itself: no feature branch to read
    base = ref or _merge_base(repo, branch)
    try:
        commits = list(repo.iter_commits(f"{base}..HEAD", reverse=True))
    except (git.GitCommandError, ValueError):
        raise GitError(f"--done-from-git: unknown ref '{base}' (see --ref)") from None
    mentions = tuple(
        Mention(task_id, commit.hexsha[:7], _first_line(commit.message))
        for commit in commits for task_id in dict.fromkeys(task_mentions(_text(commit.message)))
    )
    return BranchLog(branch, base, mentions)


def _default_candidates(repo: object) -> list[str]:
    """`origin/HEAD`'s branch when the clone has one, then the usual names."""
    import git

    assert isinstance(repo, git.Repo)
    candidates: list[str] = []
    with contextlib.suppress(git.GitCommandError):
        candidates.append(repo.git.symbolic_ref("--short", "refs/remotes/origin/HEAD").strip())
    return [*candidates, *DEFAULT_BRANCHES]


def _is_default(repo: object, branch: str) -> bool:
    return any(name == branch or name.endswith("/" + branch) for name in _default_candidates(repo))


def _merge_base(repo: object, branch: str) -> str:
    """The merge base of HEAD with the default branch (GitError when there is none)."""
    import git

    assert isinstance(repo, git.Repo)
    for name in _default_candidates(repo):
        try:
            bases = repo.merge_base(name, "HEAD")
        except git.GitCommandError:
            continue
        if bases:
            return str(bases[0].hexsha)
    raise GitError(f"--done-from-git: cannot find the default branch to start from; pass --ref REF "
                   f"(current branch: {branch})")


def _text(message: str | bytes) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else message


def _first_line(message: str | bytes) -> str:
    text = _text(message).strip()
    return text.splitlines()[0] if text else ""


def tick_tasks(text: str, log: BranchLog, rel: str = "tasks.md") -> tuple[str, list[str], list[str]]:
    """Tick `[ ]` task lines the log names; (new LF text, change notes, IDs named but absent)."""
    lines = text.split("\n")
    doc = parse_tasks_md(text, rel)
    named = log.first_mention()
    notes: list[str] = []
    for task in doc.tasks:
        mention = named.get(task.item.id or "")
        if mention is None or task.item.done is not False:
            continue
        line = lines[task.line - 1]
        checked = ticked(line)
        if checked != line:
            lines[task.line - 1] = checked
            notes.append(f"{rel}:{task.line}: ticked {task.item.id} ({mention.sha} {mention.summary})")
    present = set(doc.ids())
    absent = sorted(task_id for task_id in named if task_id not in present)
    return "\n".join(lines), notes, absent
