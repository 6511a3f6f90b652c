"""Shared helpers for task creators: the root, the settings, spec entries, sub-task names.

Everything here is cached per process and revalidated cheaply (the watch command calls
`reset()` at the start of every cycle), so declaring tasks never parses Markdown.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from doit.exceptions import InvalidDodoFile

from specmesh_tasks.config import Settings, load_settings
from specmesh_tasks.discover import SpecEntry, clear_cache, find_root, scan_specs
from specmesh_tasks.errors import UserError
from specmesh_tasks.model.spec import SpecKind
from specmesh_tasks.state import cache_dir

_cache: dict[str, object] = {}


def reset() -> None:
    """Forget per-process caches (a new watch cycle, or a test changing SPECMESH_ROOT)."""
    _cache.clear()
    clear_cache()


def as_doit_error(exc: UserError) -> InvalidDodoFile:
    """doit prints an InvalidDodoFile raised while loading as one line and exits 3."""
    return InvalidDodoFile(str(exc).removeprefix("error: "))


def project_root() -> Path:
    """The root for this run: SPECMESH_ROOT, else the nearest `.specify/` above the cwd."""
    key = "root:" + os.environ.get("SPECMESH_ROOT", "") + ":" + os.getcwd()
    root = _cache.get(key)
    if not isinstance(root, Path):
        try:
            root = find_root()
        except UserError as exc:
            raise as_doit_error(exc) from None
        _cache[key] = root
    return root


def project_settings() -> Settings:
    """The validated settings of the current root (ConfigError on a bad file)."""
    root = project_root()
    key = f"settings:{root}"
    settings = _cache.get(key)
    if not isinstance(settings, Settings):
        try:
            settings = load_settings(root)
        except UserError as exc:
            raise as_doit_error(exc) from None
        _cache[key] = settings
    return settings


def spec_entries() -> list[SpecEntry]:
    """Header entries of every spec under the root (cached by stat on disk)."""
    root = project_root()
    key = f"entries:{root}"
    entries = _cache.get(key)
    if not isinstance(entries, list):
        entries = scan_specs(root)
        _cache[key] = entries
    return entries


def plannable(entries: Iterable[SpecEntry]) -> list[SpecEntry]:
    """Feature and fix specs (the ones that get plan and tasks sub-tasks), in path order."""
    return [e for e in entries if e.kind in (SpecKind.FEATURE, SpecKind.FIX) and e.path.name.lower() == "spec.md"]


def subtask_names(entries: Iterable[SpecEntry]) -> dict[Path, str]:
    """A unique sub-task name per spec: its Spec ID, or `<ID or dir>@<dir>` when the ID is
    missing, an unfilled placeholder, or shared by several specs (the gates report why)."""
    entries = list(entries)
    counts = Counter(e.spec_id for e in entries if e.spec_id)
    names: dict[Path, str] = {}
    used: set[str] = set()
    for entry in entries:
        sid = entry.spec_id
        usable = sid is not None and counts[sid] == 1 and _is_plain_id(sid)
        name = sid if usable and sid else f"{_safe(sid) if sid else entry.dir.name}@{entry.dir.name}"
        base, n = name, 2
        while name in used:  # two dirs of the same name under different parents
            name, n = f"{base}.{n}", n + 1
        used.add(name)
        names[entry.path] = name
    return names


def _is_plain_id(value: str) -> bool:
    return all(ch.isalnum() or ch == "-" for ch in value) and value[:1].isalpha()


def _safe(value: str) -> str:
    """A placeholder ID such as `S-{AREA}-001` made safe for a doit task name."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in value)


def cache_path(*parts: str) -> Path:
    """A path inside the cache directory of the current root."""
    return cache_dir(project_root()).joinpath(*parts)
