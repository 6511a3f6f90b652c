"""Find the project root and list its files. No Markdown parsing here.

`list_tree` lists `.specify/specs/` through a directory memo (`.specify/.cache/listing.json`, kept
by directory stamp: `freshness.py`'s stamps and racy window), so a listing costs one `stat` per
directory when nothing changed; `headers.py` adds the header lines of each spec. A listed name
that is not a regular file (a FIFO or a directory named spec.md) is listed, never opened: the
reader reports it. Also the test files the configured globs match. This module is on the path
of every no-op run: it imports no model classes and compiles no regex at import.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from specmesh_tasks.errors import RootNotFoundError, UserError
from specmesh_tasks.freshness import settled, stamp_from_stat, stamp_to_row

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

SPEC_FILE_NAMES = frozenset({"spec.md", "test-scenarios.md"})
MATRIX_NAME = "cross-reference.json"
# Directories a walk never enters: VCS data, our caches, dependencies and build output.
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".cache", "node_modules", "__pycache__", ".venv", "venv", ".tox",
     ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist", ".eggs", "site-packages"}
)
DEFAULT_TEST_GLOBS = ("tests/**/test_*.py", "tests/**/*_test.py")
SPECS_DIR = ".specify/specs"
# Files a listing of `.specify/specs/` keeps (names compared lower-cased, kept as found).
LISTED_NAMES = SPEC_FILE_NAMES | {"plan.md", "tasks.md", MATRIX_NAME}
# `SpecKind` values, as plain strings: the enum lives in the model, which the no-op path never
# imports. `SpecEntry.kind` turns them into the enum on demand.
FEATURE, FIX, VISION, DOMAIN, SCREEN = "feature", "fix", "vision", "domain", "screen"
TEST_SCENARIO, UNKNOWN = "test-scenario", "unknown"
KIND_VALUES = frozenset({FEATURE, FIX, VISION, DOMAIN, SCREEN, TEST_SCENARIO, UNKNOWN})
OVERVIEW_KINDS = frozenset({VISION, DOMAIN, SCREEN})
PLANNABLE_KINDS = frozenset({FEATURE, FIX})


def find_root(start: Path | None = None) -> Path:
    """The project root: SPECMESH_ROOT, else the nearest ancestor holding `.specify/`."""
    env = os.environ.get("SPECMESH_ROOT")
    if env:
        root = Path(env).expanduser().resolve()
        if not root.is_dir():
            raise UserError(f"error: SPECMESH_ROOT={env} is not a directory")
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".specify").is_dir():
            return candidate
    raise RootNotFoundError(start=here)


def walk_files(top: Path, skip_dirs: frozenset[str] = SKIPPED_DIRS, *, skip_venvs: bool = True,
               ) -> Iterator[Path]:
    """Every file under `top` in sorted order, not entering skipped or virtual-env directories."""
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in skip_dirs
            and not (skip_venvs and os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg")))
        )
        for name in sorted(filenames):
            yield Path(dirpath, name)


# ------------------------------------------------------------------ listing `.specify/specs/`

# A directory memo (see `MemoWalk`): key -> [stamp row, subdirectories, listed file names].
Memo = dict[str, list[Any]]


class Listing(NamedTuple):
    """The listed files under `.specify/specs/` (absolute paths, os.walk's top-down order).

    NamedTuples here: every no-op run imports this module, and a dataclass costs 0.5 ms to create.
    """

    files: tuple[str, ...]
    changed: bool  # the memo was updated

    def named(self, names: frozenset[str]) -> list[str]:
        """Files whose lower-cased name is one of `names`."""
        return [f for f in self.files if f[f.rfind("/") + 1:].lower() in names]


def list_specs(root: Path | str, memo: Memo, now_ns: int | None = None) -> Listing:
    """Spec, plan, tasks and matrix files under `<root>/.specify/specs`, through `memo` (updated in
    place; directories that are gone are dropped from it)."""
    base = str(root)
    walk = MemoWalk(base, memo, now_ns)
    files = walk.files(SPECS_DIR, lambda full, _rel: _scan_dir(full))
    walk.prune()
    return Listing(tuple(f"{base}/{rel}" for rel in files), walk.changed)


class MemoWalk:
    """Walks directories through a memo of their listings: a directory whose stamp did not change
    since it was listed (adding, removing or renaming an entry changes it) is not read again, so
    a walk over an unchanged tree costs one `stat` per directory.

    `memo` maps a key (a prefix, then the root-relative directory) to `[stamp row, subdirectories,
    listed file names]`, both sorted; a listing whose stamp is not `settled` at `now_ns` is stored
    with no stamp, so the next walk reads that directory again. Plain strings and `os.scandir` (in
    the `scan` functions): this runs on every no-op `doit`.
    """

    def __init__(self, base: str, memo: Memo, now_ns: int | None = None) -> None:
        self.base = base
        self.memo = memo
        self.now_ns = now_ns
        self.seen: set[str] = set()
        self.changed = False

    def files(self, top: str, scan: Callable[[str, str], tuple[list[str], list[str]]],
              prefix: str = "") -> list[str]:
        """Root-relative files under `top` in top-down walk order (a directory's files, then its
        subdirectories in name order); `scan(full_path, rel)` lists one directory afresh as
        `(subdirectories, file names)`."""
        base, memo, seen = self.base, self.memo, self.seen
        found: list[str] = []
        stack = [top]
        while stack:
            rel = stack.pop()
            full = f"{base}/{rel}" if rel else base
            try:
                stamp = stamp_from_stat(os.stat(full))
            except OSError:
                continue
            key = prefix + rel
            seen.add(key)
            entry = memo.get(key)
            if entry is None or entry[0] != stamp_to_row(stamp):
                entry = [stamp_to_row(settled(stamp, self.now_ns)), *scan(full, rel)]
                memo[key] = entry
                self.changed = True
            found.extend(f"{rel}/{name}" if rel else name for name in entry[2])
            # Pushed in reverse so the walk pops them in sorted order (depth first, files first).
            stack.extend(f"{rel}/{d}" if rel else d for d in reversed(entry[1]))
        return found

    def prune(self) -> None:
        """Forget the directories this walk did not visit (gone, or no longer wanted)."""
        if len(self.seen) != len(self.memo):
            for gone in [k for k in self.memo if k not in self.seen]:
                del self.memo[gone]
            self.changed = True


def _scan_dir(full: str) -> tuple[list[str], list[str]]:
    """One directory: its subdirectories to walk and the files to list. Listing goes by name only,
    whatever the entry is (a directory named spec.md is listed, not entered: the reader reports it)."""
    subdirs: list[str] = []
    names: list[str] = []
    try:
        with os.scandir(full) as scanner:
            for item in scanner:
                if item.name.lower() in LISTED_NAMES:
                    names.append(item.name)
                elif item.is_dir(follow_symlinks=False) and item.name not in SKIPPED_DIRS:
                    subdirs.append(item.name)
    except OSError:
        pass
    return sorted(subdirs), sorted(names)


# The cache documents of each root as loaded (`cache_doc`): "listing" (the directory memo,
# listing.json) and "headers" (`headers.py`). Checked against the tree on every use.
_docs: dict[tuple[str, str], dict[str, Any]] = {}
# In-process memos for `iter_spec_files` / `find_matrix` when no listing cache was loaded.
_memos: dict[str, Memo] = {}
LISTING_CACHE_VERSION = 1


def clear_cache() -> None:
    """Forget the listings and header caches held in memory (the files stay)."""
    _memos.clear()
    _docs.clear()


def cache_doc(root: str, name: str, version: int) -> dict[str, Any]:
    """`.specify/.cache/<name>.json` of `root` as {"file", "data", "dirty"}, loaded once per
    process (until `clear_cache`); a missing or outdated file counts as empty, a damaged one is
    set aside (`state.read_cache`). `data` is a dict; `save_doc` writes it back."""
    doc = _docs.get((root, name))
    if doc is not None:
        return doc
    from specmesh_tasks.state import cache_dir, read_cache, set_aside

    file = cache_dir(Path(root)) / f"{name}.json"
    stored = read_cache(file)
    data: Any = {}
    if isinstance(stored, dict) and isinstance(stored.get("data"), dict):
        data = stored["data"] if stored.get("version") == version else {}
    elif stored is not None:
        set_aside(file, "unexpected content")
    doc = {"file": file, "version": version, "data": data, "dirty": False}
    _docs[(root, name)] = doc
    return doc


def save_doc(doc: dict[str, Any]) -> None:
    from specmesh_tasks.fsutil import write_if_changed

    payload = {"version": doc["version"], "data": doc["data"]}
    write_if_changed(doc["file"], json.dumps(payload, sort_keys=True, ensure_ascii=False))
    doc["dirty"] = False


def _listing(root: Path | str) -> Listing:
    key = str(root)
    doc = _docs.get((key, "listing"))
    memo = doc["data"] if doc is not None else _memos.setdefault(key, {})
    listing = list_specs(key, memo)
    if doc is not None and listing.changed:
        doc["dirty"] = True
    return listing


def list_tree(root: Path | str) -> Listing:
    """The spec, plan, tasks and matrix files under `.specify/specs/`, through the directory
    memo kept in `.specify/.cache/listing.json` (one `stat` per directory when nothing changed)."""
    doc = cache_doc(str(root), "listing", LISTING_CACHE_VERSION)
    try:
        listing = list_specs(str(root), doc["data"])
    except (TypeError, IndexError, ValueError):  # a damaged cache file: list afresh
        doc["data"].clear()
        listing = list_specs(str(root), doc["data"])
    if listing.changed or doc["dirty"]:
        save_doc(doc)
    return listing


def iter_spec_files(root: Path) -> list[Path]:
    """Every `spec.md` (any case) and `test-scenarios.md` under `.specify/specs/`, sorted."""
    return [Path(p) for p in _listing(root).named(SPEC_FILE_NAMES)]


MATRIX_CANDIDATES = (f"{SPECS_DIR}/overview/matrix/{MATRIX_NAME}", f".specify/matrix/{MATRIX_NAME}",
                     f"{SPECS_DIR}/matrix/{MATRIX_NAME}")


def find_matrix(root: Path) -> Path | None:
    """The matrix JSON: the standard location, the legacy ones, else the first one found by name."""
    found = pick_matrix(root, None)
    return Path(found) if found is not None else None


def pick_matrix(root: Path | str, listing: Listing | None) -> str | None:
    """`find_matrix` as a string, using `listing` when the caller already has one."""
    base = str(root)
    for candidate in MATRIX_CANDIDATES:
        if os.path.isfile(f"{base}/{candidate}"):
            return os.path.join(base, candidate)
    files = (listing or _listing(root)).files
    return next((f for f in files if f.endswith("/" + MATRIX_NAME)), None)


# ---------------------------------------------------------------------------- test files

def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a root-relative glob with `**` into a regex over POSIX paths."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def test_globs(root: Path, settings: Settings | None = None) -> tuple[str, ...]:
    """Configured test globs, else pytest's own `testpaths`/`python_files`, else the defaults."""
    if settings is not None and settings.tests.paths:
        return tuple(settings.tests.paths)
    from specmesh_tasks.pytest_config import pytest_test_globs

    return pytest_test_globs(Path(root)) or DEFAULT_TEST_GLOBS


def iter_test_files(root: Path, settings: Settings | None = None) -> list[Path]:
    """The test files the configured globs match (never inside `.git`, caches or venvs)."""
    root = Path(root)
    return [root / rel for rel in test_file_paths(root, settings)]


def test_file_paths(root: Path, settings: Settings | None = None) -> list[str]:
    """Root-relative POSIX paths of the test files the configured globs match, in path order.

    Only the globs' literal leading directories are walked (`tests/**/test_*.py` walks `tests/`),
    with `walk_files`' rules: skipped names, virtual environments and symlinked directories are
    never entered, and neither is `.specify/`."""
    return paths_matching(root, test_globs(root, settings))


def paths_matching(root: Path, globs: tuple[str, ...]) -> list[str]:
    """Root-relative POSIX paths of the files matching root-relative globs, in path order (see
    `test_file_paths` for what is walked)."""
    patterns = [glob_to_regex(g) for g in globs]
    skipped = SKIPPED_DIRS | {".specify"}
    found: set[str] = set()
    for top in glob_tops(globs):
        if _enterable(str(root), top, skipped):
            found.update(rel for rel in _walk_relative(str(root), top, skipped)
                         if any(p.match(rel) for p in patterns))
    return sorted(found, key=lambda rel: rel.split("/"))  # the order of the Path objects


def glob_tops(globs: tuple[str, ...]) -> list[str]:
    """The outermost literal directories the globs start with ("" for the root itself)."""
    tops: set[str] = set()
    for glob in globs:
        literal: list[str] = []
        for part in glob.split("/")[:-1]:
            if any(c in part for c in "*?[") or part in ("", ".", ".."):
                break
            literal.append(part)
        tops.add("/".join(literal))
    return [t for t in sorted(tops) if not any(o != t and (o == "" or t.startswith(o + "/")) for o in tops)]


def _enterable(root: str, top: str, skipped: frozenset[str]) -> bool:
    """Whether a walk from the root would have reached `top` (see `walk_files`)."""
    here = root
    for part in top.split("/") if top else ():
        here = os.path.join(here, part)
        if part in skipped or os.path.islink(here) or os.path.exists(os.path.join(here, "pyvenv.cfg")):
            return False
    return os.path.isdir(here)


def _walk_relative(root: str, top: str, skipped: frozenset[str]) -> Iterator[str]:
    """Every file under `root/top` as a root-relative POSIX path (strings: no Path per file)."""
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top) if top else root):
        dirnames[:] = [d for d in dirnames
                       if d not in skipped and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))]
        base = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if base == "." else base + "/"
        for name in filenames:
            yield prefix + name
