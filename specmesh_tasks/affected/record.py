"""The recorded state of `specmesh test` (`.specify/.cache/affected-state.json`): what was true at
each test's last passing run (`select.State`), and how one run changes it (`record_outcomes`).

Only the controlling process writes it, after the run; an interrupted run (Ctrl-C, pytest's exit
2) writes nothing, so the previous state stays. It holds a schema number and is rebuilt, never
migrated, on a mismatch; a file that is missing, unreadable or damaged in any way reads as
"nothing recorded" (every test then runs once more).

Layout (schema 2): `files` per test file (`fp`, `static`, `req`, `failed`, and `tests`: test name
-> indices into `functions`, or null when its record cannot be trusted), `functions` (the
function keys `[path, name, body digest]` some test executed, sorted), `modules` (measured file
-> its shared functions) and `digests` (for --explain).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.affected.recorded import FunctionKey, Recording, TestKeys, strip_params
from specmesh_tasks.affected.select import FileRecord, Pick, State

if TYPE_CHECKING:
    from specmesh_tasks.affected.fingerprints import TestFile

STATE_SCHEMA = 2
STATE_NAME = "affected-state.json"


def load_state(path: Path) -> State:
    """The recorded state; empty when missing, unreadable, of another schema or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return State()
    if not isinstance(data, dict) or data.get("schema") != STATE_SCHEMA:
        return State()
    try:
        functions = [FunctionKey(str(p), str(n), str(d)) for p, n, d in data.get("functions") or ()]
        files = {str(path): _file_record(r, functions) for path, r in (data.get("files") or {}).items()}
        digests = {str(k): str(v) for k, v in (data.get("digests") or {}).items()}
        modules = {str(k): frozenset(map(str, v)) for k, v in (data.get("modules") or {}).items()}
    except (AttributeError, TypeError, ValueError, IndexError):
        return State()
    return State(files, digests, modules)


def _file_record(row: dict[str, Any], functions: list[FunctionKey]) -> FileRecord:
    tests: dict[str, TestKeys] = {
        str(name): None if ids is None else frozenset(functions[int(i)] for i in ids)
        for name, ids in (row.get("tests") or {}).items()
    }
    return FileRecord(str(row.get("fp", "")), {str(k): str(v) for k, v in (row.get("req") or {}).items()},
                      tuple(map(str, row.get("failed") or ())), str(row.get("static", "")), tests)


def dump_state(state: State) -> str:
    """The state as stable JSON text."""
    keys = sorted({k for r in state.files.values() for ks in r.tests.values() if ks for k in ks})
    index = {k: i for i, k in enumerate(keys)}
    files = {}
    for path, r in sorted(state.files.items()):
        row: dict[str, Any] = {"fp": r.fingerprint, "req": dict(sorted(r.requirements.items())),
                               "failed": list(r.failed)}
        if r.static:
            row["static"] = r.static
        if r.tests:
            row["tests"] = {n: None if ks is None else sorted(index[k] for k in ks)
                            for n, ks in sorted(r.tests.items())}
        files[path] = row
    return json.dumps({
        "schema": STATE_SCHEMA, "files": files, "functions": [list(k) for k in keys],
        "modules": {p: sorted(n) for p, n in sorted(state.modules.items())},
        "digests": dict(sorted(state.digests.items())),
    }, indent=1, separators=(",", ":"))


def record_outcomes(
    state: State,
    files: Sequence[TestFile],
    picks: Mapping[str, Pick],
    outcomes: Mapping[str, str],
    *,
    complete: bool,
    recording: Recording | None = None,
    modules: Mapping[str, frozenset[str]] | None = None,
) -> State:
    """The state after running `picks`; `outcomes` maps node IDs (file-relative to the root) to
    passed/failed/skipped/error. An incomplete run (stopped early, `-k`) records failures, and
    what the tests that passed executed, only. `recording` (recorded granularity): what each test
    executed; `modules`: the measured files after this run."""
    by_path = {f.path: f for f in files}
    records = dict(state.files)
    digests = dict(state.digests)
    grouped: dict[str, dict[str, str]] = {}
    for node, outcome in outcomes.items():
        grouped.setdefault(node.partition("::")[0], {})[node] = outcome
    for path, pick in picks.items():
        test_file = by_path.get(path)
        if test_file is None:
            continue
        mine = grouped.get(path, {})
        failed = _nodes_with(mine, ("failed", "error"))
        old = records.get(path, FileRecord())
        tests = _tests_after(old.tests, recording, path, mine, failed, whole=pick.whole and complete)
        if not complete:
            still = tuple(sorted(set(old.failed) - _nodes_with(mine, ("passed",)) | failed))
            records[path] = FileRecord(old.fingerprint, old.requirements, still, old.static, tests)
            continue
        records[path] = _after_run(old, test_file, pick, failed, tests, recorded=recording is not None)
        if records[path].fingerprint == test_file.fingerprint:
            digests.update(test_file.deps)
    return State(records, digests, state.modules if modules is None else modules)


def _tests_after(old: Mapping[str, TestKeys], recording: Recording | None, path: str,
                 outcomes: Mapping[str, str], failed: set[str], *, whole: bool) -> dict[str, TestKeys]:
    """Per test name, what it executed at its last passing run: this run's record for the tests
    that passed in it; the old one for the others (unless every test of the file ran)."""
    if recording is None:
        return {}
    tests = {} if whole else dict(old)
    prefix = path + "::"
    for node in {strip_params(n) for n in outcomes} - failed:
        if node in recording.tests and node.startswith(prefix):
            tests[node[len(prefix):]] = recording.tests[node]
    return tests


def _after_run(old: FileRecord, test_file: TestFile, pick: Pick, failed: set[str],
               tests: dict[str, TestKeys], *, recorded: bool) -> FileRecord:
    current = {c.key: c.fingerprint for c in test_file.citations}
    if pick.whole:
        # Everything ran against the current files: remember them, keep only the new failures.
        return FileRecord(test_file.fingerprint, current, tuple(sorted(failed)), test_file.static, tests)
    requirements = dict(old.requirements)
    requirements.update({k: current[k] for k in pick.requirements if k in current})
    ran = set(pick.nodes)
    still = {n for n in old.failed if n not in ran and not any(n.startswith(r + "::") for r in ran)}
    # Recorded: a partial pick held every test that depends on more than its record (`select`),
    # so the file's tests are now accounted for against the current files.
    fingerprint = test_file.fingerprint if recorded else old.fingerprint
    return FileRecord(fingerprint, requirements, tuple(sorted(still | failed)), old.static, tests)


def _nodes_with(outcomes: Mapping[str, str], wanted: tuple[str, ...]) -> set[str]:
    return {strip_params(n) for n, o in outcomes.items() if o in wanted}
