"""The first steps of a `specmesh test` run, before any file is parsed: list the test files, load
the recorded state, and start the pytest child when a stat pass says some test will probably run.

Kept apart from `run` (and light on imports: no parser, no import graph) because `early` does
these steps before doit is even loaded (see `affected/early.py`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.affected.child import PytestChild, selection_dirs
from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.select import FileRecord, State
from specmesh_tasks.discover import test_file_paths

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

STATE_SCHEMA = 1
STATE_NAME = "affected-state.json"
FILES_CACHE_NAME = "affected-files.json"


@dataclass(frozen=True, slots=True)
class TestOptions:
    """The options of `specmesh test` (doit task parameters)."""

    __test__ = False

    since: str | None = None
    shard: str | None = None
    explain: bool = False
    junit: str | None = None
    pytest_args: str = ""
    run_all: bool = False
    store_durations: bool = False


@dataclass(frozen=True, slots=True)
class Started:
    """What a run knows before selecting: the file facts, the test files, the recorded state and
    the pytest child, if a stat pass said that some test will probably run."""

    facts: FactsCache
    test_paths: list[str]
    state: State
    child: PytestChild | None


def start(root: Path, settings: Settings, options: TestOptions, extra: Sequence[str]) -> Started:
    """List the test files, load the state and start pytest early when a test will likely run."""
    from specmesh_tasks.state import cache_dir

    cache = cache_dir(root)
    facts = FactsCache(root, cache / FILES_CACHE_NAME)
    test_paths = test_file_paths(root, settings)
    state = load_state(cache / STATE_NAME)
    child = None
    if not settings.tests.command and _likely_to_run(options, facts, test_paths, state):
        child = PytestChild(root, selection_dirs(test_paths), extra, options.junit)
        if everything_runs(options, state):
            # Nothing recorded yet (or --all): every test runs, so the fingerprints needed to
            # record the outcomes are computed while pytest runs, on the other core.
            try:
                child.send(sorted(test_paths))
            except BaseException:
                child.abort()
                raise
    return Started(facts, test_paths, state, child)


def _likely_to_run(options: TestOptions, facts: FactsCache, test_paths: Sequence[str], state: State) -> bool:
    """A cheap guess (stats only) that some test will be selected, to start pytest early.
    Only speed depends on it: a wrong guess costs a killed child or a later start."""
    if not test_paths:
        return False
    if options.run_all or options.since or not state.files:
        return True
    if set(test_paths) != set(state.files) or any(r.failed for r in state.files.values()):
        return True
    return facts.any_stale()


def everything_runs(options: TestOptions, state: State) -> bool:
    """Every test file runs whole, whatever the fingerprints say (so pytest need not wait)."""
    plain = not (options.shard or options.since or options.explain)
    return plain and (options.run_all or not state.files)


def load_state(path: Path) -> State:
    """The recorded state; empty when missing, unreadable, of another schema or damaged in any way
    (rebuilt, never migrated: the next run then runs every test and records again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return State()
    if not isinstance(data, dict) or data.get("schema") != STATE_SCHEMA:
        return State()
    try:
        files = {
            str(path): FileRecord(str(r.get("fp", "")), {str(k): str(v) for k, v in r.get("req", {}).items()},
                                  tuple(map(str, r.get("failed", ()))))
            for path, r in (data.get("files") or {}).items()
        }
        digests = {str(k): str(v) for k, v in (data.get("digests") or {}).items()}
    except (AttributeError, TypeError, ValueError):
        return State()
    return State(files, digests)
