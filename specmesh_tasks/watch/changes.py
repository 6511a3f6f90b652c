"""Which saved files matter to the watcher, and which task groups they concern. Pure, no I/O
except `OwnWrites`, which compares file stamps (`freshness`).

Grouping (paths relative to the root, `/` separators):

- `.specify/**/plan.md`  -> tasks, gates  (a person edited a plan: re-materialize, re-check)
- `.specify/**/tasks.md` -> gates
- `.specify/test-durations.json` -> test
- anything else under `.specify/` (specs, matrix, config, templates, a deleted directory)
  -> gates, plan, tasks, test
- a test file (the configured globs) or a `conftest.py` -> gates, test  (gates read test tags)
- any other file -> test  (source code; doit's up-to-date check decides whether a test reruns)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from watchfiles import Change, DefaultFilter

from specmesh_tasks.discover import SKIPPED_DIRS
from specmesh_tasks.freshness import Stamp, file_stamp

GROUPS = ("gates", "plan", "tasks", "test")
ALL_GROUPS = frozenset(GROUPS)

# Directories whose content is never an input: watchfiles' own list (VCS data, caches, virtual
# environments, dependencies) plus ours (`.specify/.cache` is a `.cache`, and build output).
IGNORED_DIRS = frozenset(DefaultFilter.ignore_dirs) | SKIPPED_DIRS | {".vscode", ".nox", ".direnv"}

# Scratch files watchfiles' patterns leave out (they cover bytecode, vim swap files, `~` backups,
# emacs locks, JetBrains safe-write files, .DS_Store and flycheck).
_MORE_SCRATCH_NAMES = (
    r"\.kate-swp$", r"\.crswap$",             # kate, chrome swap files
    r"^\#.*\#$",                              # emacs autosave
    r"^4913$",                                # vim's "can I write here" probe
    r"^sed[A-Za-z0-9]{6}$",                   # `sed -i`'s temporary file
    r"\.tmp$", r"^\.goutputstream-",          # atomic-save temporaries (ours too)
    r"\.orig(\.\d+)?$",                       # `plan --force` backups
    r"^\.coverage", r"^pytest-cache-files-",  # coverage data, pytest's cache before its rename
)
_IGNORED_NAMES = re.compile("|".join((*DefaultFilter.ignore_entity_patterns, *_MORE_SCRATCH_NAMES)))


def is_ignored(rel: str) -> bool:
    """True for paths the watcher never reacts to (caches, VCS data, editor scratch files)."""
    parts = rel.split("/")
    if parts[0] == "..":
        return True  # outside the root
    return any(part in IGNORED_DIRS or _IGNORED_NAMES.search(part) for part in parts)


def transient(raw: Iterable[tuple[int, str]], exists: Callable[[str], bool] = os.path.lexists) -> set[str]:
    """Paths created and gone again within `raw`: an editor's or tool's scratch file, whatever
    its name (a file a person deleted was not created in the same burst, so it still counts)."""
    created = {path for change, path in raw if change == Change.added}
    return {path for path in created if not exists(path)}


def groups_for(rel: str, is_test_file: Callable[[str], bool]) -> frozenset[str]:
    """The task groups a change to `rel` can affect."""
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith(".specify/"):
        if name == "plan.md":
            return frozenset({"tasks", "gates"})
        if name == "tasks.md":
            return frozenset({"gates"})
        if rel == ".specify/test-durations.json":
            return frozenset({"test"})
        return ALL_GROUPS
    if name == "conftest.py" or is_test_file(rel):
        return frozenset({"gates", "test"})
    return frozenset({"test"})


def classify(rels: Iterable[str], is_test_file: Callable[[str], bool]) -> frozenset[str]:
    """Union of the groups every changed path concerns."""
    groups: set[str] = set()
    for rel in rels:
        groups |= groups_for(rel, is_test_file)
        if groups == ALL_GROUPS:
            break
    return frozenset(groups)


def is_protected(rel: str, is_test_file: Callable[[str], bool]) -> bool:
    """Paths that are inputs by nature (specs, Python sources, tests): never taken for our output."""
    if rel.startswith(".specify/"):
        return rel != ".specify/test-durations.json"  # written by `test --store-durations`
    return rel.endswith(".py") or is_test_file(rel)


def make_test_matcher(patterns: Iterable[re.Pattern[str]]) -> Callable[[str], bool]:
    """A predicate over root-relative paths built from compiled test globs."""
    compiled = tuple(patterns)
    return lambda rel: any(p.match(rel) for p in compiled)


# The kernel stamps mtimes from a coarse clock that can lag the wall clock by a tick or two.
CLOCK_SLACK_NS = 50_000_000


@dataclass(slots=True)
class OwnWrites:
    """What the last cycle wrote, so its own writes do not start another cycle.

    Declared targets (plan.md, tasks.md, ...) are remembered by stat right after the cycle: an
    event for one whose stat still matches is ours; a person's later edit changes the stat.
    Other files written during the cycle (a report a task writes on every run) are ours when
    no task reads them and their mtime falls inside the cycle; without this, a task that always
    writes a report would trigger itself for ever.
    """

    targets: dict[str, Stamp | None] = field(default_factory=dict)
    inputs: frozenset[str] = frozenset()
    window: tuple[int, int] = (0, -1)

    def record(self, targets: Iterable[str], inputs: Iterable[str], started_ns: int, ended_ns: int) -> None:
        """Remember the targets' stats and the cycle's time window (absolute paths)."""
        self.targets = {path: file_stamp(path) for path in targets}
        self.inputs = frozenset(inputs)
        self.window = (started_ns - CLOCK_SLACK_NS, ended_ns + CLOCK_SLACK_NS)

    def is_own(self, path: str, protected: bool) -> bool:
        """True when the change at `path` is the last cycle's own write.

        `protected` paths (specs, test files) are inputs by nature and are only ever judged
        by the target snapshot.
        """
        if path in self.targets:
            return file_stamp(path) == self.targets[path]
        if protected or path in self.inputs:
            return False
        stamp = file_stamp(path)
        return stamp is not None and self.window[0] <= stamp.mtime_ns <= self.window[1]
