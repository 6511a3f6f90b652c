"""Find the project root and list its files. No Markdown parsing here.

`scan_specs` reads only the header lines of each spec and caches them by file stat, so declaring
doit tasks costs a directory walk plus one `stat` per spec when nothing changed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.errors import RootNotFoundError, UserError
from specmesh_tasks.fsutil import rel_posix
from specmesh_tasks.model.spec import SpecKind

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
HEADER_CACHE_VERSION = 1
_HEADER_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ()/_-]*?)\s*:\s*(.*?)\s*$")
_H1 = re.compile(r"^#\s+(?:(?:Feature|Domain|Screen|Vision|Fix|Test Scenario)\s+Spec(?:ification)?\s*:\s*)?(.*?)\s*$")


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


# One walk of `.specify/specs/` gives both the spec files and the matrix candidates. It is reused
# while no directory's mtime changed (a file added, removed or renamed changes its directory's).
_listings: dict[str, tuple[list[str], list[str], list[tuple[str, int]]]] = {}


def clear_cache() -> None:
    """Forget the cached directory listings."""
    _listings.clear()


def _list_specs_dir(specs_dir: str) -> tuple[list[str], list[str]]:
    """(spec files, matrix files) under `specs_dir`, each sorted by path components.

    os.scandir with plain strings: this runs on every no-op `doit`, where os.walk plus pathlib
    cost several times more. No virtual environments live here, so there is no venv probe.
    """
    cached = _listings.get(specs_dir)
    if cached is not None and _dirs_unchanged(cached[2]):
        return cached[0], cached[1]
    specs: list[str] = []
    matrices: list[str] = []
    dirs: list[tuple[str, int]] = []
    stack = [specs_dir]
    while stack:
        top = stack.pop()
        try:
            scanner = os.scandir(top)
            dirs.append((top, os.stat(top).st_mtime_ns))
        except OSError:
            continue
        with scanner:
            for item in scanner:
                if item.is_dir(follow_symlinks=False):
                    if item.name not in SKIPPED_DIRS:
                        stack.append(item.path)
                elif item.name.lower() in SPEC_FILE_NAMES:
                    specs.append(item.path)
                elif item.name == MATRIX_NAME:
                    matrices.append(item.path)
    specs.sort(key=_path_key)
    matrices.sort(key=_path_key)
    _listings[specs_dir] = (specs, matrices, dirs)
    return specs, matrices


def _dirs_unchanged(dirs: list[tuple[str, int]]) -> bool:
    try:
        return all(os.stat(path).st_mtime_ns == mtime for path, mtime in dirs)
    except OSError:
        return False


def _path_key(path: str) -> list[tuple[int, str]]:
    """os.walk's top-down order: a directory's files before its subdirectories, names sorted."""
    *folders, name = path.split(os.sep)
    return [(1, folder) for folder in folders] + [(0, name)]


def iter_spec_files(root: Path) -> list[Path]:
    """Every `spec.md` (any case) and `test-scenarios.md` under `.specify/specs/`, sorted."""
    specs, _ = _list_specs_dir(os.path.join(root, ".specify", "specs"))
    return [Path(p) for p in specs]


def find_matrix(root: Path) -> Path | None:
    """The matrix JSON: the standard location, the legacy ones, else the first one found by name."""
    spec_root = Path(root) / ".specify"
    for candidate in (
        spec_root / "specs" / "overview" / "matrix" / MATRIX_NAME,
        spec_root / "matrix" / MATRIX_NAME,
        spec_root / "specs" / "matrix" / MATRIX_NAME,
    ):
        if candidate.is_file():
            return candidate
    _, matrices = _list_specs_dir(os.path.join(root, ".specify", "specs"))
    return Path(matrices[0]) if matrices else None


@dataclass(frozen=True, slots=True)
class SpecEntry:
    """What task declaration needs to know about a spec, from its header lines only."""

    path: Path
    rel: str
    dir: Path
    kind: SpecKind
    spec_id: str | None
    status: str | None
    title: str


_TYPE_WORDS = {
    "vision": SpecKind.VISION, "domain": SpecKind.DOMAIN, "overview": SpecKind.DOMAIN,
    "screen": SpecKind.SCREEN, "feature": SpecKind.FEATURE, "fix": SpecKind.FIX,
    "test": SpecKind.TEST_SCENARIO,
}


def kind_from_type(value: str) -> SpecKind:
    """`Feature` / `[Feature | Fix]` / `Test Scenario` -> SpecKind."""
    first = value.strip().strip("[]").split("|")[0].strip().lower()
    for word, kind in _TYPE_WORDS.items():
        if first.startswith(word):
            return kind
    return SpecKind.UNKNOWN


def read_header(text: str) -> tuple[str, dict[str, str]]:
    """The H1 title and the `Key: value` header lines after it (HTML comments skipped)."""
    fields: dict[str, str] = {}
    title, in_comment, seen_h1 = "", False, False
    for raw in text.splitlines()[:80]:
        line = raw.lstrip("\ufeff")
        if in_comment:
            in_comment = "-->" not in line
            continue
        if line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if line.startswith("# ") and not seen_h1:
            match = _H1.match(line)
            title, seen_h1 = (match.group(1) if match else line[2:].strip()), True
            continue
        if seen_h1 and (line.startswith("## ") or line.strip() == "---"):
            break
        match = _HEADER_LINE.match(line)
        if match and match.group(1).strip().casefold() not in {k.casefold() for k in fields}:
            fields[match.group(1).strip()] = match.group(2)
    return title, fields


def _field(fields: dict[str, str], *keys: str) -> str | None:
    lowered = {k.casefold(): v for k, v in fields.items()}
    for key in keys:
        if key.casefold() in lowered:
            return lowered[key.casefold()] or None
    return None


def entry_from_text(path: Path, root: Path, text: str) -> SpecEntry:
    """Build a SpecEntry from a spec's text (header lines only)."""
    title, fields = read_header(text)
    spec_type = _field(fields, "Spec Type")
    kind = kind_from_type(spec_type) if spec_type else SpecKind.UNKNOWN
    if kind is SpecKind.UNKNOWN and path.name.lower() == "test-scenarios.md":
        kind = SpecKind.TEST_SCENARIO
    spec_id = _field(fields, "Spec ID", "Spec ID(s)")
    return SpecEntry(path, rel_posix(path, root), path.parent, kind, spec_id, _field(fields, "Status"), title)


class _HeaderCache:
    """Header fields by file stat, in memory and in `.specify/.cache/headers.json`."""

    def __init__(self, root: Path) -> None:
        from specmesh_tasks.state import cache_dir

        self.file = cache_dir(root) / "headers.json"
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            ok = data.get("version") == HEADER_CACHE_VERSION
            self.rows: dict[str, list[object]] = data["rows"] if ok else {}
        except (OSError, ValueError, KeyError, AttributeError):
            self.rows = {}
        self.dirty = False

    def get(self, rel: str, stamp: list[int]) -> list[object] | None:
        row = self.rows.get(rel)
        return row if row is not None and row[:2] == stamp else None

    def put(self, rel: str, stamp: list[int], entry: SpecEntry) -> None:
        self.rows[rel] = [*stamp, entry.kind.value, entry.spec_id, entry.status, entry.title]
        self.dirty = True

    def save(self, live: Iterable[str]) -> None:
        keep = set(live)
        if set(self.rows) - keep:
            self.rows = {k: v for k, v in self.rows.items() if k in keep}
            self.dirty = True
        if self.dirty:
            from specmesh_tasks.fsutil import write_if_changed

            payload = {"version": HEADER_CACHE_VERSION, "rows": self.rows}
            write_if_changed(self.file, json.dumps(payload, sort_keys=True, ensure_ascii=False))


def scan_specs(root: Path) -> list[SpecEntry]:
    """Every spec's header entry, reading only files whose stat changed since the last scan."""
    root = Path(root)
    cache = _HeaderCache(root)
    entries: list[SpecEntry] = []
    prefix = len(str(root)) + 1
    for name in _list_specs_dir(os.path.join(root, ".specify", "specs"))[0]:
        rel = name[prefix:].replace(os.sep, "/")
        try:
            st = os.stat(name)
        except OSError:
            continue
        path = Path(name)
        stamp = [st.st_mtime_ns, st.st_size]
        row = cache.get(rel, stamp)
        if row is not None:
            kind, spec_id, status, title = row[2:6]
            entries.append(SpecEntry(path, rel, path.parent, SpecKind(str(kind)),
                                     spec_id if isinstance(spec_id, str) else None,
                                     status if isinstance(status, str) else None, str(title)))
            continue
        entry = entry_from_text(path, root, _read_head(path))
        cache.put(rel, stamp, entry)
        entries.append(entry)
    cache.save(e.rel for e in entries)
    return entries


def _read_head(path: Path, limit: int = 16384) -> str:
    """The first bytes of a file as text; undecodable bytes replaced (the gates report them)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit)
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


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
    patterns = [glob_to_regex(g) for g in test_globs(root, settings)]
    found = []
    for path in walk_files(root, SKIPPED_DIRS | {".specify"}):
        rel = rel_posix(path, root)
        if any(p.match(rel) for p in patterns):
            found.append(path)
    return sorted(found)
