"""The files a gates run reads (their stats are the run cache's manifest, `cache.manifest`).

Inputs: every spec (`spec.md`, `test-scenarios.md`), plan.md and tasks.md under `.specify/specs`,
the matrix, `.specify/specmesh.yaml`, the test files, and the files that decide which test files
there are (pytest's own configuration). They are the files `discover` finds, listed the same way,
but through a listing cache: a directory whose mtime did not change since the last run (a
directory's mtime changes exactly when an entry is added, removed or renamed in it) is not read
again, so a run where nothing changed costs one `stat` per directory instead of a walk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.discover import (
    MATRIX_CANDIDATES,
    MATRIX_NAME,
    SKIPPED_DIRS,
    SPEC_FILE_NAMES,
    SPECS_DIR,
    MemoWalk,
    glob_to_regex,
    glob_tops,
    test_globs,
)

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.discover import Listing

# Files whose change can change the set of test files (pytest's testpaths / python_files), and
# the project's template overrides (a plan rendered from them may be stale).
PYTEST_CONFIG_FILES = ("pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg")
TEMPLATE_FILES = (".specify/templates/plan.md.j2", ".specify/templates/tasks.md.j2")
CONFIG_FILE = ".specify/specmesh.yaml"
_SPEC_DIR_FILES = SPEC_FILE_NAMES | {"plan.md", "tasks.md", MATRIX_NAME}


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


Scan = Callable[[str, str], tuple[list[str], list[str]]]


def _scanner(want: Callable[[str, str], bool], skip: frozenset[str]) -> Scan:
    """One directory's `(subdirectories, wanted file names)`, with `walk_files`' rules: skipped
    names, virtual environments and symlinked directories are not entered."""
    def scan(full: str, rel: str) -> tuple[list[str], list[str]]:
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
                if entry.name not in skip and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    subdirs.append(entry.name)
            elif want(f"{rel}/{entry.name}" if rel else entry.name, entry.name):
                names.append(entry.name)
        return sorted(subdirs), sorted(names)

    return scan


def scan_inputs(root: Path, settings: Settings | None, memo: dict[str, Any] | None = None,
                started_ns: int = 0, spec_listing: Listing | None = None) -> tuple[Inputs, bool]:
    """Every input file of a run, listed through the directory cache `memo` (updated in place;
    the flag says whether it changed). `spec_listing`: this run's listing of `.specify/specs`
    when the caller already took it (`discover.list_tree`, as task declaration does), so that
    the same directories are not walked twice."""
    # The gates cache keeps these listings; a key is "<what>:<directory>".
    walk = MemoWalk(str(root), memo if memo is not None else {}, started_ns)
    prefix = f"{root}/"
    if spec_listing is not None and all(path.startswith(prefix) for path in spec_listing.files):
        under_specs = sorted(path[len(prefix):] for path in spec_listing.files)
    else:
        under_specs = sorted(walk.files(SPECS_DIR, _scanner(lambda _rel, name: name.lower() in _SPEC_DIR_FILES,
                                                            SKIPPED_DIRS), "specs:"))
    specs = [p for p in under_specs if p.rsplit("/", 1)[-1].lower() in SPEC_FILE_NAMES]
    plans = [p for p in under_specs if p.rsplit("/", 1)[-1].lower() == "plan.md"]
    tasks = [p for p in under_specs if p.rsplit("/", 1)[-1].lower() == "tasks.md"]
    matrices = [p for p in under_specs if p.rsplit("/", 1)[-1] == MATRIX_NAME]
    globs = test_globs(root, settings)
    patterns = [glob_to_regex(g) for g in globs]
    tag = "tests:" + "|".join(globs)
    tests: list[str] = []
    test_scan = _scanner(lambda rel, _name: any(p.match(rel) for p in patterns), SKIPPED_DIRS | {".specify"})
    for top in glob_tops(globs):
        tests += walk.files(top, test_scan, tag + ":")
    walk.prune()
    config = CONFIG_FILE if os.path.isfile(os.path.join(root, CONFIG_FILE)) else None
    template = settings.plan.template if settings is not None else None
    inputs = Inputs(tuple(specs), tuple(plans), tuple(tasks), _matrix(root, matrices), config,
                    tuple(sorted(set(tests))), template)
    return inputs, walk.changed


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
