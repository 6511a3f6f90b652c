"""`specmesh test --since REF`: what differs between a git revision and the working tree.

Files (from `git diff --name-only REF` plus untracked files) and requirement keys (the
definitions whose text differs between the spec files at REF and now). GitPython is imported
only by a `--since` run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from specmesh_tasks.affected.select import Since
from specmesh_tasks.errors import UserError


def changes_since(root: Path, ref: str) -> Since:
    """Files and requirement keys that differ between `ref` and the working tree (GitPython)."""
    import git  # GitPython: only a --since run pays for its import

    try:
        git_repo = git.Repo(root, search_parent_directories=True)
        top = Path(git_repo.working_tree_dir or root).resolve()
        names = git_repo.git.diff("--name-only", "--no-renames", ref, "--").splitlines()
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UserError(f"error: --since needs a git repository; {root} is not inside one") from None
    except git.GitCommandError:
        raise UserError(f"error: --since {ref}: not a revision git knows") from None
    names += git_repo.untracked_files
    prefix = "" if top == root else root.relative_to(top).as_posix() + "/"
    paths = frozenset(n[len(prefix):] for n in names if n.startswith(prefix))
    spec_paths = sorted(p for p in paths if p.startswith(".specify/") and p.endswith(".md"))
    old_text = {p: _show(git_repo, ref, prefix + p) for p in spec_paths}
    return Since(paths, frozenset(changed_requirements(root, old_text)), ref)


def _show(git_repo: Any, ref: str, path: str) -> str:
    import git

    try:
        return str(git_repo.git.show(f"{ref}:{path}"))
    except git.GitCommandError:  # added since ref
        return ""


def changed_requirements(root: Path, old_text: Mapping[str, str]) -> set[str]:
    """Requirement keys whose defining text differs between `old_text` and the files now."""
    try:
        from specmesh_tasks.parse.spec import parse_spec
    except ImportError:
        return set()
    changed: set[str] = set()
    for rel, before in old_text.items():
        try:
            now = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            now = ""
        old_keys, new_keys = _keys(parse_spec(before, rel)), _keys(parse_spec(now, rel))
        changed |= {k for k in old_keys.keys() | new_keys.keys() if old_keys.get(k) != new_keys.get(k)}
    return changed


def _keys(doc: Any) -> dict[str, str]:
    from specmesh_tasks.affected.fingerprints import REQUIREMENT_KINDS, is_area_less

    feature = doc.spec_id or ""
    return {
        (f"{feature}/{d.id}" if is_area_less(d.id) else d.id): d.digest
        for d in doc.definitions if d.kind in REQUIREMENT_KINDS
    }
