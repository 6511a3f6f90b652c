"""The files a gates run reads, and their stats (the run cache's manifest).

Inputs: every spec (`spec.md`, `test-scenarios.md`), plan.md and tasks.md under `.specify/specs`,
the matrix, `.specify/specmesh.yaml`, the test files, and the files that decide which test files
there are (pytest's own configuration). They are the files `discover` finds, listed the same way,
but through a listing cache: a directory whose mtime did not change since the last run (a
directory's mtime changes exactly when an entry is added, removed or renamed in it) is not read
again, so a run where nothing changed costs one `stat` per directory instead of a walk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.discover import (
    MATRIX_CANDIDATES,
    MATRIX_NAME,
    RACY_NS,
    SKIPPED_DIRS,
    SPEC_FILE_NAMES,
    SPECS_DIR,
    glob_to_regex,
    glob_tops,
    test_globs,
)

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

# Files whose change can change the set of test files (pytest's testpaths / python_files), and
# the project's template overrides (a plan rendered from them may be stale).
PYTEST_CONFIG_FILES = ("pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg")
TEMPLATE_FILES = (".specify/templates/plan.md.j2", ".specify/templates/tasks.md.j2")
CONFIG_FILE = ".specify/specmesh.yaml"
_SPEC_DIR_FILES = SPEC_FILE_NAMES | {"plan.md", "tasks.md", MATRIX_NAME}

Stamp = list[int] | None


@dataclass(frozen=True, slots=True)
class Inputs:
    """Root-relative paths of everything a run reads, sorted within each group."""

    specs: tuple[str, ...]
    plans: tuple[str, ...]
    tasks: tuple[str, ...]
    matrix: str | None
    config: str | None
    tests: tuple[str, ...]
    template: str | None = None  # `plan.template` of the settings, when set

    def all_files(self) -> list[str]:
        files = [*self.specs, *self.plans, *self.tasks, *self.tests]
        files += [p for p in (self.matrix, self.config, self.template) if p]
        return files + list(PYTEST_CONFIG_FILES) + list(TEMPLATE_FILES)


class Lister:
    """Lists wanted files under a directory, reusing the listing of unchanged directories.

    `memo` maps a root-relative directory to `[mtime_ns, subdirectories, wanted file names]`; it
    lives in the gates cache. A listing taken within RACY_NS of `started_ns` is not trusted.
    """

    def __init__(self, root: Path, memo: dict[str, Any], started_ns: int) -> None:
        self.root = str(root)
        self.memo = memo
        self.started_ns = started_ns
        self.seen: set[str] = set()
        self.changed = False

    def files(self, top: str, tag: str, want: Any, skip: frozenset[str]) -> list[str]:
        """Wanted files (root-relative) under `top`; `want(rel_path, name)` picks them."""
        found: list[str] = []
        stack = [top]
        while stack:
            rel = stack.pop()
            listed = self._listing(rel, tag, want, skip)
            if listed is None:
                continue
            subdirs, names = listed
            found.extend(f"{rel}/{n}" if rel else n for n in names)
            stack.extend(f"{rel}/{d}" if rel else d for d in subdirs)
        return sorted(found)

    def _listing(self, rel: str, tag: str, want: Any,
                 skip: frozenset[str]) -> tuple[list[str], list[str]] | None:
        full = os.path.join(self.root, rel) if rel else self.root
        try:
            mtime = os.stat(full).st_mtime_ns
        except OSError:
            return None
        key = f"{tag}:{rel}"
        self.seen.add(key)
        entry = self.memo.get(key)
        if entry is not None and entry[0] == mtime and mtime < self.started_ns - RACY_NS:
            return entry[1], entry[2]
        subdirs, names = self._scan(full, rel, want, skip)
        self.memo[key] = [mtime, subdirs, names]
        self.changed = True
        return subdirs, names

    def _scan(self, full: str, rel: str, want: Any, skip: frozenset[str]) -> tuple[list[str], list[str]]:
        subdirs, names = [], []
        try:
            entries = list(os.scandir(full))
        except OSError:
            return [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                # Same rules as discover.walk_files: skipped names and virtual environments.
                if entry.name not in skip and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    subdirs.append(entry.name)
            elif want(f"{rel}/{entry.name}" if rel else entry.name, entry.name):
                names.append(entry.name)
        return sorted(subdirs), sorted(names)

    def prune(self) -> None:
        """Forget directories that were not visited this run (deleted or no longer wanted)."""
        for key in [k for k in self.memo if k not in self.seen]:
            del self.memo[key]
            self.changed = True


def scan_inputs(root: Path, settings: Settings | None, memo: dict[str, Any] | None = None,
                started_ns: int = 0) -> tuple[Inputs, bool]:
    """Every input file of a run, listed through the directory cache `memo` (updated in place;
    the flag says whether it changed)."""
    lister = Lister(root, memo if memo is not None else {}, started_ns)
    under_specs = lister.files(SPECS_DIR, "specs", lambda _rel, name: name.lower() in _SPEC_DIR_FILES,
                               SKIPPED_DIRS)
    specs = [p for p in under_specs if p.rsplit("/", 1)[-1].lower() in SPEC_FILE_NAMES]
    plans = [p for p in under_specs if p.rsplit("/", 1)[-1].lower() == "plan.md"]
    tasks = [p for p in under_specs if p.rsplit("/", 1)[-1].lower() == "tasks.md"]
    matrices = [p for p in under_specs if p.rsplit("/", 1)[-1] == MATRIX_NAME]
    globs = test_globs(root, settings)
    patterns = [glob_to_regex(g) for g in globs]
    tag = "tests:" + "|".join(globs)
    tests: list[str] = []
    for top in glob_tops(globs):
        tests += lister.files(top, tag, lambda rel, _name: any(p.match(rel) for p in patterns),
                              SKIPPED_DIRS | {".specify"})
    lister.prune()
    config = CONFIG_FILE if os.path.isfile(os.path.join(root, CONFIG_FILE)) else None
    template = settings.plan.template if settings is not None else None
    inputs = Inputs(tuple(specs), tuple(plans), tuple(tasks), _matrix(root, matrices), config,
                    tuple(sorted(set(tests))), template)
    return inputs, lister.changed


def _matrix(root: Path, found: list[str]) -> str | None:
    """The matrix `discover.find_matrix` would pick: the standard place, the legacy ones, else the
    first file of that name under `.specify/specs`."""
    for candidate in MATRIX_CANDIDATES:
        if candidate in found or os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return min(found, key=_walk_order) if found else None


def _walk_order(rel: str) -> list[tuple[int, str]]:
    """Top-down walk order: a folder's files before anything in its subfolders."""
    *dirs, name = rel.split("/")
    return [*((1, d) for d in dirs), (0, name)]


def stamp(path: Path | str) -> Stamp:
    """(mtime_ns, size) of a file, None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def manifest(root: Path, paths: list[str] | set[str]) -> dict[str, Stamp]:
    """Stamps of root-relative (or absolute) paths, for comparing two runs."""
    base = str(root)
    return {p: stamp(os.path.join(base, p)) for p in sorted(set(paths))}

