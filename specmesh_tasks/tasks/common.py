"""What every task creator needs: the root, the settings, this run's spec listing, sub-task names.

Each value is made once per run (the watch command calls `reset()` at the start of every cycle)
and never parses Markdown: declaring tasks runs on every no-op `doit`, for a thousand features.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from doit.exceptions import InvalidDodoFile

from specmesh_tasks.config import Settings, load_settings
from specmesh_tasks.discover import PLANNABLE_KINDS, Listing, find_root, list_tree
from specmesh_tasks.errors import UserError
from specmesh_tasks.headers import SpecEntry, SpecTree, scan_tree

_T = TypeVar("_T")
_run: dict[str, Any] = {}  # this run's values, by key


def reset() -> None:
    """Forget this run's values and the listings held in memory (a new watch cycle, or a test
    changing SPECMESH_ROOT)."""
    from specmesh_tasks.discover import clear_cache

    _run.clear()
    clear_cache()


def once(key: str, make: Callable[[], _T]) -> _T:
    """The value made for `key` in this run (or watch cycle)."""
    if key not in _run:
        _run[key] = make()
    value: _T = _run[key]
    return value


def as_doit_error(exc: UserError) -> InvalidDodoFile:
    """doit prints an InvalidDodoFile raised while loading as one line and exits 3."""
    return InvalidDodoFile(str(exc).removeprefix("error: "))


def _or_doit_error(make: Callable[[], _T]) -> _T:
    try:
        return make()
    except UserError as exc:
        raise as_doit_error(exc) from None


def project_root() -> Path:
    """The root for this run: SPECMESH_ROOT, else the nearest `.specify/` above the cwd."""
    return once(f"root:{os.environ.get('SPECMESH_ROOT', '')}:{os.getcwd()}", lambda: _or_doit_error(find_root))


def project_settings() -> Settings:
    """The validated settings of the current root (one line and exit 3 on a bad file)."""
    root = project_root()
    return once(f"settings:{root}", lambda: _or_doit_error(lambda: load_settings(root)))


def spec_listing() -> Listing:
    """This run's listing of `.specify/specs/` (spec, plan, tasks and matrix files)."""
    root = project_root()
    return once(f"listing:{root}", lambda: list_tree(root))


def spec_tree() -> SpecTree:
    """This run's header entry of every spec (headers cached by stamp on disk)."""
    root = project_root()
    return once(f"tree:{root}", lambda: scan_tree(root, spec_listing()))


def spec_entries() -> list[SpecEntry]:
    """Header entries of every spec under the root, in path order."""
    return spec_tree().entries


def listed_files() -> frozenset[str]:
    """Every file of this run's listing (absolute paths as in `SpecEntry.file`)."""
    return once(f"files:{project_root()}", lambda: frozenset(spec_listing().files))


def features() -> tuple[list[SpecEntry], dict[str, str]]:
    """The feature and fix specs (they get plan and tasks sub-tasks), sorted by path, and their
    sub-task names (`subtask_names`), made once for `plan` and `tasks`."""

    def find() -> tuple[list[SpecEntry], dict[str, str]]:
        found = sorted((e for e in spec_entries() if e.kind_value in PLANNABLE_KINDS
                        and e.rel.lower().endswith("/spec.md")), key=lambda e: e.rel)
        return found, subtask_names(found)

    return once(f"features:{project_root()}", find)


def is_planned(entry: SpecEntry) -> bool:
    """The spec's status is one the settings plan (default: Approved, Implemented)."""
    allowed = once("allowed", lambda: {s.casefold() for s in project_settings().plan.allowed_statuses})
    return (entry.status or "").strip().casefold() in allowed


def subtask_names(entries: Iterable[SpecEntry]) -> dict[str, str]:
    """A unique sub-task name per spec (keyed by `SpecEntry.rel`): its Spec ID, or
    `<ID or dir>@<dir>` when the ID is missing, an unfilled placeholder, or shared by several
    specs (the gates report why)."""
    entries = list(entries)
    counts = Counter(e.spec_id for e in entries if e.spec_id)
    names: dict[str, str] = {}
    used: set[str] = set()
    for entry in entries:
        sid = entry.spec_id
        if sid is not None and counts[sid] == 1 and _is_plain_id(sid):
            name = sid
        else:
            folder = entry.folder.rsplit("/", 1)[-1]
            name = f"{_safe(sid) if sid else folder}@{folder}"
        base, n = name, 2
        while name in used:  # two dirs of the same name under different parents
            name, n = f"{base}.{n}", n + 1
        used.add(name)
        names[entry.rel] = name
    return names


def _is_plain_id(value: str) -> bool:
    """Letters, digits and `-`, starting with a letter (a usable doit task name as it is)."""
    return value[:1].isalpha() and value.replace("-", "").isalnum()


def _safe(value: str) -> str:
    """A placeholder ID such as `S-{AREA}-001` made safe for a doit task name."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in value)
