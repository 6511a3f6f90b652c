"""The run log (`.specify/.cache/runlog.jsonl`): what the sub-tasks of one run left for its summary.

A plan that is blocked, in conflict or (under `--check`) would change is not a failed sub-task:
with doit's `continue`, a failed sub-task turns the summary task that depends on it into an
UnmetDependency (exit 2). So the sub-task writes its report here and succeeds, and the `plan`
summary task fails once (exit 1), listing every report of the run. Run alone (`doit plan:X`, no
summary in the run), a sub-task fails itself.

One JSON object per line, each line appended with one `write`, so sub-tasks running in doit's
worker processes (`doit -n 2`) never interleave:

    {"begin": PID}                the run of doit process PID will end with a summary
    {"task": NAME, "report": TEXT}  sub-task NAME needs attention
    {"end": PID}                  the summary of that run has reported

`begin` starts a new log (the file is replaced); a damaged log reads as empty. Which sub-tasks run
again next time is not kept here: a sub-task that needs attention tells doit to record its inputs
as changed (`doitdb.RERUN_KEY`), so it runs, and reports, until it clears.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

LOG_NAME = "runlog.jsonl"


def run_pid() -> int:
    """The doit process of this run (the parent when an action runs in a `-n` worker)."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid is not None else os.getpid()


def _log(root: Path) -> Path:
    from specmesh_tasks.state import cache_dir

    return cache_dir(root) / LOG_NAME


def begin(root: Path) -> None:
    """Start this run's log: its summary will report what the sub-tasks note."""
    from specmesh_tasks.fsutil import write_if_changed

    write_if_changed(_log(root), _line({"begin": run_pid()}))


def note(root: Path, name: str, report: str) -> None:
    """Sub-task `name` needs attention: add its report to this run's log."""
    with open(_log(root), "a", encoding="utf-8") as handle:
        handle.write(_line({"task": name, "report": report}))


def summary_follows(root: Path) -> bool:
    """True when this run began a summary that has not reported yet."""
    events = _events(root)
    return bool(events) and events[0].get("begin") == run_pid() and not any("end" in e for e in events)


def reported(root: Path) -> bool:
    """True when this run's summary has reported already (`doit` runs `plan`, then `tasks`)."""
    return any(e.get("end") == run_pid() for e in _events(root))


def finish(root: Path, names: list[str]) -> list[str]:
    """The reports of this run for sub-tasks `names`, in that order; the log is closed."""
    reports = {e["task"]: e["report"] for e in _events(root) if isinstance(e.get("report"), str)}
    with open(_log(root), "a", encoding="utf-8") as handle:
        handle.write(_line({"end": run_pid()}))
    return [reports[name] for name in names if name in reports]


def _events(root: Path) -> list[dict[str, Any]]:
    """The log's events; a damaged log is set aside and reads as empty (no summary follows, so
    the sub-tasks fail for themselves; doit runs them again next time)."""
    from specmesh_tasks.state import set_aside

    log = _log(root)
    try:
        lines = log.read_bytes().decode("utf-8").splitlines()
        events = [json.loads(line) for line in lines]
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        set_aside(log, "not JSON lines" if isinstance(exc, ValueError) else exc.strerror or str(exc))
        return []
    if not all(isinstance(event, dict) for event in events):
        set_aside(log, "unexpected content")
        return []
    return events


def _line(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
