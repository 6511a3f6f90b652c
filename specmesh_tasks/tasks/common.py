"""Shared helpers for task creators: the root, the settings, spec entries, sub-task names,
options given after a sub-task's name.

Everything here is cached per process and revalidated cheaply (the watch command calls
`reset()` at the start of every cycle), so declaring tasks never parses Markdown. This runs on
every no-op `doit`, for a thousand features: plain strings, no pathlib in loops.
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from doit.exceptions import InvalidDodoFile
from doit.task import Task

from specmesh_tasks.config import Settings, load_settings
from specmesh_tasks.discover import (
    PLANNABLE_KINDS,
    Listing,
    SpecEntry,
    SpecTree,
    clear_cache,
    find_root,
    list_tree,
    scan_tree,
)
from specmesh_tasks.errors import UserError
from specmesh_tasks.state import cache_dir

_cache: dict[str, object] = {}


def reset() -> None:
    """Forget per-process caches (a new watch cycle, or a test changing SPECMESH_ROOT)."""
    _cache.clear()
    clear_cache()


def as_doit_error(exc: UserError) -> InvalidDodoFile:
    """doit prints an InvalidDodoFile raised while loading as one line and exits 3."""
    return InvalidDodoFile(str(exc).removeprefix("error: "))


_T = TypeVar("_T")


def _memo(key: str, kind: type[_T], make: Callable[[], _T]) -> _T:
    """The value cached under `key` for this run (or watch cycle), made on first use."""
    value = _cache.get(key)
    if not isinstance(value, kind):
        value = make()
        _cache[key] = value
    return value


def _or_doit_error(make: Callable[[], _T]) -> _T:
    """`make()`, with a UserError turned into doit's one-line loading error (exit 3)."""
    try:
        return make()
    except UserError as exc:
        raise as_doit_error(exc) from None


def project_root() -> Path:
    """The root for this run: SPECMESH_ROOT, else the nearest `.specify/` above the cwd."""
    key = "root:" + os.environ.get("SPECMESH_ROOT", "") + ":" + os.getcwd()
    return _memo(key, Path, lambda: _or_doit_error(find_root))


def project_settings() -> Settings:
    """The validated settings of the current root (ConfigError on a bad file)."""
    root = project_root()
    return _memo(f"settings:{root}", Settings, lambda: _or_doit_error(lambda: load_settings(root)))


def spec_listing() -> Listing:
    """This run's listing of `.specify/specs/` (spec, plan, tasks and matrix files)."""
    root = project_root()
    return _memo(f"listing:{root}", Listing, lambda: list_tree(root))


def spec_tree() -> SpecTree:
    """One scan of the root's `.specify/specs/` for this run (headers cached by stat on disk)."""
    root = project_root()
    return _memo(f"tree:{root}", SpecTree, lambda: scan_tree(root, spec_listing()))


def spec_entries() -> list[SpecEntry]:
    """Header entries of every spec under the root (cached by stat on disk)."""
    return spec_tree().entries


def listed_files() -> frozenset[str]:
    """Every spec, plan, tasks and matrix file under `.specify/specs/` (absolute paths as in
    `SpecEntry.file`), from this run's scan."""
    root = project_root()
    key = f"files:{root}"
    files = _cache.get(key)
    if not isinstance(files, frozenset):
        files = frozenset(spec_listing().files)
        _cache[key] = files
    return files


def plannable(entries: Iterable[SpecEntry]) -> list[SpecEntry]:
    """Feature and fix specs (the ones that get plan and tasks sub-tasks), in path order."""
    return [e for e in entries if e.kind_value in PLANNABLE_KINDS and e.rel.lower().endswith("/spec.md")]


def features() -> tuple[list[SpecEntry], dict[str, str]]:
    """The plannable specs of this run and their sub-task names (`subtask_names`), computed once
    for `plan` and `tasks`."""
    root = project_root()
    key = f"features:{root}"
    found = _cache.get(key)
    if not isinstance(found, tuple):
        entries = plannable(spec_entries())
        found = (entries, subtask_names(entries))
        _cache[key] = found
    return found


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


def cache_path(*parts: str) -> Path:
    """A path inside the cache directory of the current root."""
    return cache_dir(project_root()).joinpath(*parts)


def subtask_options(argv: Sequence[str], basename: str, params: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Options given after a sub-task's name on the command line (`plan:S-LOAN-001 --check`), by
    sub-task name: {name: {param name: value}}.

    doit hands a creator only the options given after the group's name, and an up-to-date
    sub-task ignores its own; so a creator looks for them itself, to declare that one sub-task
    not up to date (no `uptodate` callable per sub-task: that would double a no-op's cost).
    Parsed as doit's getopt does: `--name`, `--name=value` or `--name value`, and any unique
    prefix of a long name.
    """
    found: dict[str, dict[str, Any]] = {}
    prefix = basename + ":"
    for i, arg in enumerate(argv):
        if arg.startswith(prefix):
            found[arg[len(prefix):]] = _parse_options(argv, i + 1, params)
    return found


def _parse_options(argv: Sequence[str], start: int, params: Sequence[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    j = start
    while j < len(argv) and argv[j].startswith("--") and argv[j] != "--":
        flag, eq, inline = argv[j][2:].partition("=")
        matches = [p for p in params if p["long"] == flag] or [p for p in params if p["long"].startswith(flag)]
        if len(matches) != 1:
            break  # doit rejects it: the run stops before any task is checked
        param = matches[0]
        if param.get("type") is bool:
            values[param["name"]] = True
        elif eq:
            values[param["name"]] = inline
        else:
            j += 1
            values[param["name"]] = argv[j] if j < len(argv) else ""
        j += 1
    return values


class SubTasks:
    """Builds the many sub-tasks of one group quickly.

    doit's `Task()` validates each of its 19 attributes (9 µs a task: as much as doit itself
    spends checking that task on a no-op run). Every task built here starts from a prototype
    made by that constructor: immutable attributes shared, everything else copied, and only
    name, actions, file_dep, targets, doc and uptodate set. A test compares the result with the
    constructor's, attribute by attribute, so a doit release that changes Task fails it.
    """

    _IMMUTABLE = (type(None), bool, int, float, str, tuple, frozenset)
    _SET_HERE = frozenset({"name", "_actions", "file_dep", "targets", "doc", "uptodate"})

    def __init__(self, group: str, params: list[dict[str, Any]]) -> None:
        self.group, self.params = group, params
        proto = vars(Task(f"{group}:-", [], subtask_of=group, params=params))
        # `params` is shared by every task, exactly as the constructor does it.
        self._shared = {k: v for k, v in proto.items() if k == "params" or type(v) in self._IMMUTABLE}
        rest = [(k, v) for k, v in proto.items() if k not in self._shared and k not in self._SET_HERE]
        self._containers = [(k, v) for k, v in rest if type(v) in (list, set, dict)]
        # Other objects (doit's IOConfig): plain ones rebuilt from their __dict__, any other copied.
        self._plain = [(k, type(v), vars(v)) for k, v in rest if type(v) not in (list, set, dict) and _plain(v)]
        self._others = [(k, v) for k, v in rest if type(v) not in (list, set, dict) and not _plain(v)]
        self._not_uptodate = Task(f"{group}:-", [], uptodate=[False]).uptodate

    def make(self, name: str, actions: list[Any], file_dep: Iterable[str], targets: Iterable[str] = (),
             doc: str | None = None, *, run: bool = False) -> Task:
        """`<group>:<name>`; `run=True` declares it not up to date (`uptodate: [False]`)."""
        full = f"{self.group}:{name}"
        if "=" in full:  # doit refuses the name: let its constructor say so
            return Task(full, actions, file_dep=list(file_dep), targets=list(targets), doc=doc,
                        uptodate=[False] if run else (), subtask_of=self.group, params=self.params)
        task = Task.__new__(Task)
        state = task.__dict__
        state.update(self._shared)
        for key, value in self._containers:
            state[key] = value.copy()
        for key, cls, attrs in self._plain:
            state[key] = clone = object.__new__(cls)
            clone.__dict__.update(attrs)
        for key, value in self._others:
            state[key] = copy.copy(value)
        state["name"] = full
        state["_actions"] = list(actions)
        state["file_dep"] = set(file_dep)
        state["targets"] = list(targets)
        state["doc"] = Task._init_doc(doc)
        state["uptodate"] = list(self._not_uptodate) if run else []
        return task


def _plain(value: Any) -> bool:
    """An object whose state is its __dict__ (a shallow copy is a new object with the same dict)."""
    return type(getattr(value, "__dict__", None)) is dict and not hasattr(type(value), "__slots__")
