"""The last result of every test `specmesh test` ran, and when: what `specmesh trace` shows.

`specmesh test` calls `record_results` once per run, in the controlling process, with the outcome
of each test node it ran (`tests/test_loans.py::test_borrow[1]`: root-relative, parameters kept;
a non-Python runner reports whole files). The file `.specify/.cache/affected-results.json`
keeps, per node, the outcome of the latest run that ran it and that run's time; nodes of test
files that no longer exist are dropped. Deselected tests keep their older result.

Readers go through `last_results(root)` only, never through the file: `specmesh trace` relies on
it returning `{node ID: LastResult(outcome, at)}` with outcome one of passed, failed, skipped,
error and `at` an ISO 8601 UTC time (`2026-12-06T09:30:00Z`). Whoever changes how `specmesh test`
records its runs keeps this function's answer (tests/unit/test_affected_results.py checks it
end to end).

Times come from `SOURCE_DATE_EPOCH` when it is set (reproducible output, as for the dates
written into plan.md and tasks.md), else from the clock.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

RESULTS_NAME = "affected-results.json"
RESULTS_SCHEMA = 1
OUTCOMES = ("passed", "failed", "skipped", "error")


@dataclass(frozen=True, slots=True)
class LastResult:
    """The outcome of a test node in the latest run that ran it, and the time of that run."""

    outcome: str  # passed | failed | skipped | error
    at: str  # ISO 8601, UTC, whole seconds: 2026-12-06T09:30:00Z


def run_time(now: float | None = None) -> str:
    """The time to record for a run ending now: SOURCE_DATE_EPOCH when set, else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else int(time.time() if now is None else now)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def last_results(root: Path) -> dict[str, LastResult]:
    """Every recorded test node of the project under `root` with its last result ({} if none)."""
    return _read(Path(root) / ".specify" / ".cache" / RESULTS_NAME)


def record_results(cache: Path, outcomes: Mapping[str, str], test_files: Collection[str],
                   at: str | None = None) -> None:
    """Merge one run's `outcomes` (node ID -> outcome) into the results file in `cache`.

    Nodes whose file is not among `test_files` (the test files that exist now) are dropped.
    """
    from specmesh_tasks.fsutil import write_if_changed

    path = cache / RESULTS_NAME
    when = at or run_time()
    merged = {node: (r.outcome, r.at) for node, r in _read(path).items()}
    merged.update({node: (outcome, when) for node, outcome in outcomes.items() if outcome in OUTCOMES})
    files = set(test_files)
    kept = {node: list(value) for node, value in sorted(merged.items()) if node.partition("::")[0] in files}
    write_if_changed(path, json.dumps({"schema": RESULTS_SCHEMA, "results": kept}, indent=0) + "\n")


def _read(path: Path) -> dict[str, LastResult]:
    """The results file as data; {} when missing, unreadable or of another schema (rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != RESULTS_SCHEMA:
        return {}
    found: dict[str, LastResult] = {}
    for node, value in (data.get("results") or {}).items():
        if isinstance(value, list) and len(value) == 2 and value[0] in OUTCOMES:
            found[str(node)] = LastResult(str(value[0]), str(value[1]))
    return found
