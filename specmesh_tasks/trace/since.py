"""`specmesh impact --since REF`: which definitions differ between REF and the working tree.

REF's files are read with GitPython from the object database (nothing is checked out). Only
spec files that git reports as different are parsed, on both sides, with the one spec reader;
definitions are compared by ID (area-less ones qualified by their feature, as `specmesh test`
keys them): a requirement, master, API, rule or screen changed when its text did (its
`Definition.digest`), a feature, fix or overview spec when its title or status did (what other
specs and plans show of it; its body's requirements are compared one by one).

A REF git does not know is one line and exit 3 — in a shallow clone, saying so, since a missing
base commit must never look like "nothing changed".
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specmesh_tasks.errors import UserError
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Definition, SpecDoc
from specmesh_tasks.trace.projections import is_spec_level

DIFF_LINES = 8  # a short diff: the first lines of the change, then "… N more lines"


@dataclass(frozen=True, slots=True)
class DefinitionChange:
    """One definition added, removed or changed since REF, with a short diff of its text."""

    key: str  # `UC-LOAN-003`, or `S-LEAD-001/UC-001` for an area-less ID
    kind: IdKind
    change: str  # added | removed | changed
    diff: str


@dataclass(frozen=True, slots=True)
class SpecDiff:
    """The definitions that changed, and the old and new text of every changed spec file."""

    changes: tuple[DefinitionChange, ...]
    old_text: Mapping[str, str]  # root-relative path -> text at REF ("" when added since)
    new_text: Mapping[str, str]  # root-relative path -> text now ("" when deleted since)


def spec_diff(root: Path, ref: str) -> SpecDiff:
    """Compare every spec file under `.specify/specs/` at `ref` with the working tree."""
    from specmesh_tasks.discover import SPEC_FILE_NAMES

    git_repo, prefix = open_repository(root)
    commit = resolve(git_repo, ref)
    names = git_repo.git.diff("--name-only", "--no-renames", commit.hexsha, "--", prefix + ".specify/specs")
    untracked = [n for n in git_repo.untracked_files if n.startswith(prefix + ".specify/specs/")]
    paths = sorted({n[len(prefix):] for n in [*names.splitlines(), *untracked]
                    if n.rsplit("/", 1)[-1].lower() in SPEC_FILE_NAMES})
    old_text = {rel: _blob_text(commit, prefix + rel) for rel in paths}
    new_text = {rel: _file_text(root / rel) for rel in paths}
    return SpecDiff(tuple(compare(old_text, new_text)), old_text, new_text)


def open_repository(root: Path) -> tuple[Any, str]:
    """The git repository holding `root`, and `root`'s path inside it (`""` or `sub/dir/`)."""
    import git  # GitPython: only --since pays for its import

    try:
        git_repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UserError(f"error: --since needs a git repository; {root} is not inside one") from None
    top = Path(git_repo.working_tree_dir or root).resolve()
    prefix = "" if top == Path(root).resolve() else Path(root).resolve().relative_to(top).as_posix() + "/"
    return git_repo, prefix


def resolve(git_repo: Any, ref: str) -> Any:
    """The commit `ref` names; UserError when git does not have it (a shallow clone says so).

    git itself resolves it: GitPython would follow `HEAD~1` to a parent a shallow clone lacks.
    """
    import git

    try:
        sha = git_repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError:
        if git_repo.git.rev_parse("--is-shallow-repository").strip() == "true":
            raise UserError(f"error: --since {ref}: not in this shallow clone; fetch the history it needs "
                            "(git fetch --unshallow, or fetch-depth: 0 for actions/checkout)") from None
        raise UserError(f"error: --since {ref}: not a revision git knows here") from None
    return git_repo.commit(sha)


def _blob_text(commit: Any, path: str) -> str:
    try:
        blob = commit.tree / path
    except KeyError:  # added since REF
        return ""
    data: bytes = blob.data_stream.read()
    return data.decode("utf-8", errors="replace")


def _file_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # deleted since REF
        return ""


def compare(old_text: Mapping[str, str], new_text: Mapping[str, str]) -> list[DefinitionChange]:
    """Definitions added, removed or changed between two versions of the same spec files."""
    old = _definitions(old_text)
    new = _definitions(new_text)
    found = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and _same(before, after):
            continue
        change = "added" if before is None else "removed" if after is None else "changed"
        kind = (after or before)[0].kind  # type: ignore[index]  # one of them is set
        found.append(DefinitionChange(key, kind, change, short_diff(_block(before), _block(after))))
    return found


_Defined = tuple[Definition, SpecDoc, list[str]]


def _definitions(texts: Mapping[str, str]) -> dict[str, _Defined]:
    """Key -> (definition, its spec, the spec's lines) over every file of `texts`."""
    from specmesh_tasks.affected.fingerprints import is_area_less
    from specmesh_tasks.parse.spec import parse_spec

    found: dict[str, _Defined] = {}
    for rel, text in sorted(texts.items()):
        if not text:
            continue
        doc = parse_spec(text, rel)
        lines = text.replace("\r\n", "\n").split("\n")
        for d in doc.definitions:
            key = f"{doc.spec_id}/{d.id}" if is_area_less(d.id) and doc.spec_id else d.id
            found.setdefault(key, (d, doc, lines))
    return found


def _same(before: _Defined, after: _Defined) -> bool:
    (old_def, old_doc, _), (new_def, new_doc, _) = before, after
    if is_spec_level(new_def.kind):
        return (old_doc.title, old_doc.status) == (new_doc.title, new_doc.status)
    return old_def.digest == new_def.digest


def _block(found: _Defined | None) -> list[str]:
    """The lines of a definition: its heading block, its table row, or its spec's header lines."""
    if found is None:
        return []
    d, doc, lines = found
    if is_spec_level(d.kind):
        return [f"{doc.title} ({doc.status or 'no status'})"]
    return [line.rstrip() for line in lines[d.location.line - 1:d.end_line]]


def short_diff(before: list[str], after: list[str]) -> str:
    """The changed lines (`-old`, `+new`), at most DIFF_LINES of them."""
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    if len(changed) > DIFF_LINES:
        changed = [*changed[:DIFF_LINES], f"… {len(changed) - DIFF_LINES} more lines"]
    return "\n".join(changed)
