"""`specmesh test`: select the affected tests, run them in one pytest process, remember outcomes.

Steps: list the test files (configured globs) -> facts per file (cached by stamp/digest) -> import
closure and requirement fingerprints per test file -> `select_tests` against the recorded state
(or `--since REF`) -> optional shard -> one subprocess (`runner.PytestChild`, or the configured
`tests.command` with `{files}`) -> record outcomes (this process only) -> exit code.

Exit codes: 0 when the selected tests passed or none was affected (pytest is then not started, so
its exit 5 never leaks out); 1 when a test failed or the runner could not run; 3 (UserError) for a
bad option value or a `--pytest-args` pytest rejects.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from specmesh_tasks.affected.facts import CACHE_NAME as FILES_CACHE_NAME
from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.fingerprints import (
    RequirementIndex,
    TestFile,
    cached_requirement_index,
    collect_test_files,
)
from specmesh_tasks.affected.imports import Resolver
from specmesh_tasks.affected.inputs import CACHE_NAME as INPUTS_CACHE_NAME
from specmesh_tasks.affected.inputs import Inputs
from specmesh_tasks.affected.record import STATE_NAME, dump_state, load_state, record_outcomes
from specmesh_tasks.affected.recorded import (
    changed_functions,
    read_recording,
    update_modules,
    with_static,
)
from specmesh_tasks.affected.results import record_results
from specmesh_tasks.affected.runner import PytestChild
from specmesh_tasks.affected.select import Pick, Selection, State, select_tests
from specmesh_tasks.affected.since import changes_since
from specmesh_tasks.affected.symbols import SymbolGraph
from specmesh_tasks.discover import test_file_paths
from specmesh_tasks.errors import UserError
from specmesh_tasks.state import read_json_object

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

REQUIREMENTS_CACHE_NAME = "affected-requirements.json"
INTERRUPTED = 2  # pytest's exit status for Ctrl-C
EDGES_CACHE_NAME = "affected-edges.json"


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
class Prepared:
    """Everything known before the runner starts."""

    files: list[TestFile]
    selection: Selection
    arguments: list[str]
    sharded: bool
    graph: SymbolGraph | None = None
    state: State = field(default_factory=State)  # as loaded
    recorded: bool = False  # tests.granularity: recorded, with the pytest runner
    inputs: Inputs | None = None


def _usable_state(root: Path, cache: Path) -> State:
    """The recorded state, unless the recorded results that go with it are gone or damaged: then
    every test runs again, as on a fresh cache, so that the results are whole again."""
    from specmesh_tasks.affected.results import last_results

    state = load_state(cache / STATE_NAME)
    return state if not state.files or last_results(root) else State()


def run_affected(root: Path, settings: Settings, options: TestOptions,
                 out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run the affected tests of `root`; returns the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    root = Path(root).resolve()
    extra = _split_pytest_args(options.pytest_args)
    if options.junit and settings.tests.command:
        raise UserError("error: --junit needs the pytest runner; tests.command is set in specmesh.yaml")
    from specmesh_tasks.state import cache_dir

    cache = cache_dir(root)
    facts = FactsCache(root, cache / FILES_CACHE_NAME)
    prepared = prepare(root, settings, options, facts, state=_usable_state(root, cache))
    _report_errors(prepared, err)
    if options.explain:
        explain(prepared.selection, prepared.arguments, out)
    if not prepared.arguments:
        _save_caches(cache, facts, prepared)
        if options.junit:
            write_empty_junit(Path(options.junit))
        print(_nothing_message(prepared), file=err)
        return 0
    results: dict[str, Any] = {}
    if settings.tests.command:
        code, outcomes, complete = _run_command(root, settings.tests.command, prepared.arguments)
    else:
        child = PytestChild(root, prepared.arguments, extra, options.junit, record=prepared.recorded)
        code, results = child.wait()
        outcomes, complete = _outcomes(root, results), bool(results.get("complete"))
    _save_caches(cache, facts, prepared)
    if results.get("exitstatus") != INTERRUPTED:  # Ctrl-C keeps the previous state
        _save_state(cache, facts, prepared, results, outcomes, complete and not prepared.sharded)
    record_results(cache, outcomes, [f.path for f in prepared.files])  # what `specmesh trace` shows
    if options.store_durations and results:
        _store_durations(root, results)
    return _exit_code(code)


EMPTY_JUNIT = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<testsuites><testsuite name="specmesh affected tests" tests="0" errors="0" failures="0" '
    'skipped="0" time="0"/></testsuites>\n'
)


def write_empty_junit(path: Path) -> None:
    """A valid report with no test case: CI reporters that expect the file still find it."""
    from specmesh_tasks.fsutil import write_if_changed

    write_if_changed(path.resolve(), EMPTY_JUNIT)


def _save_caches(cache: Path, facts: FactsCache, prepared: Prepared) -> None:
    """The file facts, the inputs and the resolved edges, for the next run (written only when changed)."""
    facts.save()
    if prepared.inputs is not None:
        prepared.inputs.save()
    if prepared.graph is not None:
        from specmesh_tasks.fsutil import write_if_changed

        write_if_changed(cache / EDGES_CACHE_NAME, json.dumps(prepared.graph.dump(), separators=(",", ":")))


def prepare(root: Path, settings: Settings, options: TestOptions, facts: FactsCache, *,
            test_paths: Sequence[str] | None = None, state: State | None = None) -> Prepared:
    """List, fingerprint and select (no runner started)."""
    python = not settings.tests.command
    if test_paths is None:
        test_paths = test_file_paths(root, settings)
    resolver = Resolver(str(root), settings.tests.sources) if python else None
    requirements = _requirements(root, settings, test_paths, facts, cache_path(root).parent)
    since = changes_since(root, options.since) if options.since else None
    if since or options.run_all:
        state = State()
    elif state is None:
        state = load_state(cache_path(root))
    records = state.files
    recorded = python and settings.tests.granularity == "recorded"

    def needs_deps(path: str, fingerprint: str) -> bool:
        if recorded:  # its deps are the static keys (`with_static`)
            return False
        record = records.get(path)
        return bool(since or options.run_all or record is None or record.fingerprint != fingerprint)

    # `file` and `recorded` read the import graph of whole files; `definition` of definitions.
    file_level = settings.tests.granularity in ("file", "recorded")
    graph = None
    if resolver is not None:
        saved = read_json_object(cache_path(root).parent / EDGES_CACHE_NAME) if facts.cache_file else None
        graph = SymbolGraph(facts, resolver, file_level=file_level, saved=saved)
    inputs_cache = cache_path(root).parent / INPUTS_CACHE_NAME if facts.cache_file else None
    inputs = Inputs(root, facts, settings.tests.data, inputs_cache)
    files = collect_test_files(test_paths, facts, resolver, requirements, needs_deps, graph=graph,
                               inputs_of=inputs.of, with_closure=recorded)
    changed = None
    if recorded:
        files = with_static(files, facts, state.modules)
        changed = changed_functions(state.recorded_keys(), facts)
    selection = select_tests(files, state, run_all=options.run_all, since=since, changed=changed)
    if not python:
        selection = whole_files(selection)
    arguments = list(selection.selected)
    sharded = bool(options.shard)
    if options.shard:
        from specmesh_tasks.affected.shard import load_durations, parse_shard, shard_selection

        index, count = parse_shard(options.shard)
        arguments = shard_selection(selection, files, index, count, load_durations(root))
    return Prepared(files, selection, arguments, sharded, graph, state, recorded, inputs)


def whole_files(selection: Selection) -> Selection:
    """A non-Python runner takes files, not node IDs: every pick becomes its whole file."""
    picks = {p: Pick(True, (), k.requirements) for p, k in selection.picks.items()}
    return Selection(tuple(sorted(picks)), selection.deselected, selection.reasons, picks)


def cache_path(root: Path) -> Path:
    from specmesh_tasks.state import cache_dir

    return cache_dir(root) / STATE_NAME


def _requirements(root: Path, settings: Settings, test_paths: Sequence[str], facts: FactsCache,
                  cache: Path) -> RequirementIndex:
    """Requirement fingerprints, read only when some test cites an ID (the no-tag case stays cheap)."""
    if not any((f := facts.facts(p, test=True)) is not None and f.tags for p in test_paths):
        return RequirementIndex()
    return cached_requirement_index(root, settings, cache / REQUIREMENTS_CACHE_NAME, facts)


# --- state -------------------------------------------------------------------------------------


def _save_state(cache: Path, facts: FactsCache, prepared: Prepared, results: Mapping[str, Any],
                outcomes: Mapping[str, str], complete: bool) -> None:
    """Remember this run's outcomes (and, recording, what each test executed)."""
    from specmesh_tasks.fsutil import write_if_changed

    path = cache / STATE_NAME
    files, recording, modules = prepared.files, None, None
    if prepared.recorded and isinstance(results.get("record"), dict):
        rootdir, root = Path(str(results.get("rootdir") or facts.root)), facts.root.resolve()
        recording = read_recording(root, results["record"], facts, lambda node: _rebase(node, rootdir, root))
        modules = update_modules(prepared.state.modules, recording, facts)
        files = with_static(files, facts, modules)  # the shared functions this run saw count now
    picks = {p: k for p, k in prepared.selection.picks.items() if _ran(p, prepared.arguments)}
    state = record_outcomes(load_state(path), files, picks, outcomes, complete=complete,
                            recording=recording, modules=modules)
    write_if_changed(path, dump_state(state))


def _ran(path: str, arguments: Sequence[str]) -> bool:
    return any(a == path or a.startswith(path + "::") for a in arguments)


# --- running -----------------------------------------------------------------------------------


def _split_pytest_args(text: str) -> list[str]:
    try:
        return shlex.split(text or "")
    except ValueError as exc:
        raise UserError(f"error: --pytest-args {text!r}: {exc}") from None


def _run_command(root: Path, command: str, files: Sequence[str]) -> tuple[int, dict[str, str], bool]:
    """A non-Python runner: `{files}` becomes the selected test files."""
    argv: list[str] = []
    for word in shlex.split(command):
        if word == "{files}":
            argv.extend(files)
        else:
            argv.append(word.replace("{files}", " ".join(files)))
    if "{files}" not in command:
        argv.extend(files)
    sys.stdout.flush()
    try:
        code = subprocess.call(argv, cwd=root)
    except OSError as exc:
        raise UserError(f"error: tests.command: cannot run {argv[0]!r}: {exc.strerror}") from None
    outcome = "passed" if code == 0 else "failed"
    return code, dict.fromkeys(files, outcome), True


def _outcomes(root: Path, results: Mapping[str, Any]) -> dict[str, str]:
    """Node IDs made relative to our root (pytest's rootdir may be another directory)."""
    rootdir = Path(str(results.get("rootdir") or root))
    found: dict[str, str] = {}
    for nodeid, outcome in (results.get("outcomes") or {}).items():
        found[_rebase(nodeid, rootdir, root)] = str(outcome)
    return found


def _rebase(nodeid: str, rootdir: Path, root: Path) -> str:
    path, sep, rest = nodeid.partition("::")
    if rootdir == root:
        return nodeid
    try:
        rel = (rootdir / path).resolve().relative_to(root).as_posix()
    except ValueError:
        return nodeid
    return f"{rel}{sep}{rest}"


def _exit_code(code: int) -> int:
    if code in (0, 5):  # 5: the selected files held no test; nothing failed
        return 0
    if code == 4:
        raise UserError("error: pytest rejected its command line (see above); check --pytest-args")
    return 1


def _store_durations(root: Path, results: Mapping[str, Any]) -> None:
    """Merge this run's durations into `.specify/test-durations.json` (committed; stable text)."""
    from specmesh_tasks.affected.shard import DURATIONS_FILE, load_durations
    from specmesh_tasks.fsutil import write_if_changed

    rootdir = Path(str(results.get("rootdir") or root))
    durations = load_durations(root)
    for nodeid, seconds in (results.get("durations") or {}).items():
        durations[_rebase(nodeid, rootdir, root)] = round(float(seconds), 3)
    write_if_changed(root / DURATIONS_FILE, json.dumps(dict(sorted(durations.items())), indent=1) + "\n")


# --- reporting ---------------------------------------------------------------------------------


def explain(selection: Selection, arguments: Sequence[str], out: IO[str]) -> None:
    """Per selected test file, why it was selected (nothing when none was: the run says so)."""
    for path in sorted(selection.reasons):
        if not _ran(path, arguments):
            continue
        pick = selection.picks[path]
        what = path if pick.whole else ", ".join(pick.nodes)
        print(f"{what}: {'; '.join(selection.reasons[path])}", file=out)
    out.flush()


def _report_errors(prepared: Prepared, err: IO[str]) -> None:
    seen: set[str] = set()
    for test_file in prepared.files:
        for error in test_file.errors:
            if error not in seen:
                seen.add(error)
                print(f"warning: {error} (its imports were read line by line)", file=err)


def _nothing_message(prepared: Prepared) -> str:
    count = len(prepared.files)
    if prepared.selection.selected:
        return f"no test in this shard ({len(prepared.selection.selected)} selected in all)"
    return f"no test affected ({count} test file{'s' if count != 1 else ''} up to date)"


__all__ = ["RequirementIndex", "TestOptions", "prepare", "run_affected"]
