"""How a run shows its progress on stderr (stdout is left to machine-readable reports).

On a terminal one status line is rewritten in place, `[149/1003] plan · 149 ran, 2 blocked`, and
everything else - a task's notes, a failure - is printed on its own lines above it: the line is
cleared before a task runs (so whatever the task prints, itself or through a child process,
starts on a clean line) and drawn again after it. Elsewhere (CI logs, pipes) plain lines only,
with no control characters: one per task that ran (`.  plan:S-LOAN-001`), optionally one per
task found up to date (`-- plan:S-LOAN-001`, doit's console style). Failures are printed in full
either way, with what the failed task printed, and a closing summary can say how many tasks ran,
were up to date and failed.

The flavours, as doit reporters (`specmesh -r NAME`; the bundled DOIT_CONFIG uses the default):
- `SpecmeshReporter` (reporter.py, the default): the status line on a terminal, doit's console
  lines elsewhere;
- `progress`: the status line on a terminal, only the tasks that ran elsewhere, and a summary;
- `quiet` (also `specmesh -q`): no progress at all (what tasks print and failures still show);
- `WatchReporter`: for the watcher's cycles, which print their own status line.

A task says how it ended beyond success by returning `{"outcome": "blocked"}` (doit keeps a
Python action's dict as the task's values); the status line counts those outcomes.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

REDRAW_SECONDS = 0.05  # at most 20 redraws a second: thousands of up-to-date tasks stay cheap


def count_selected(tasks: Mapping[str, Any], selected: Iterable[str]) -> int:
    """How many tasks with actions a run over `selected` will visit (dependencies included)."""
    seen: set[str] = set()
    todo = [name for name in selected if name in tasks]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        task = tasks[name]
        todo.extend(n for n in (*task.task_dep, *task.setup_tasks) if n in tasks and n not in seen)
    return sum(1 for name in seen if tasks[name].actions)


class ProgressReporter:
    """The status line on a terminal; the tasks that ran, failures and a summary elsewhere."""

    desc = "compact progress on stderr: one updating line on a terminal, executed tasks otherwise"
    summary_on_terminal = True  # the closing "N tasks: a ran, b up to date" line
    summary_in_plain = True
    list_uptodate = False  # plain lines also for tasks found up to date (`-- name`)
    list_executed = True  # plain lines for tasks that ran (`.  name`)
    status_line = True  # the status line on a terminal

    def __init__(self, outstream: Any, options: Mapping[str, Any], stream: TextIO | None = None) -> None:
        self.stream: TextIO = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.failure_verbosity = int(options.get("failure_verbosity", 0) or 0)
        self.failures: list[tuple[Any, Any]] = []
        self.runtime_errors: list[str] = []
        self.total = self.done = self.ran = self.uptodate = self.failed = 0
        self.outcomes: Counter[str] = Counter()
        self.current = ""
        self._started = time.perf_counter()
        self._last_draw = 0.0
        self._drawn = False

    # -- doit's reporter interface -------------------------------------------------------
    def initialize(self, tasks: Mapping[str, Any], selected_tasks: Iterable[str]) -> None:
        self.total = count_selected(tasks, selected_tasks)

    def get_status(self, task: Any) -> None:
        if task.actions:
            self._follow(task)
            self._draw()

    def execute_task(self, task: Any) -> None:
        if not task.actions:
            return
        self._follow(task)
        if self.tty:
            self._clear()  # what the task prints starts on a line of its own
        elif self.list_executed and not task.name.startswith("_"):
            self._line(f".  {task.title()}")

    def add_success(self, task: Any) -> None:
        if task.actions:
            self.done += 1
            self.ran += 1
            outcome = (getattr(task, "values", None) or {}).get("outcome")
            if isinstance(outcome, str):
                self.outcomes[outcome] += 1
            self._draw()

    def add_failure(self, task: Any, fail: Any) -> None:
        if task.actions:
            self.done += 1
            self.failed += 1
        if getattr(fail, "report", True):
            self.failures.append((task, fail))
            self._line(f"{fail.get_name()} - taskid:{task.name}")
            self._line(fail.get_msg().rstrip("\n"))

    def skip_uptodate(self, task: Any) -> None:
        if task.actions:
            self.done += 1
            self.uptodate += 1
            self._draw()
        if self.list_uptodate and not self.tty and not task.name.startswith("_"):
            self._line(f"-- {task.title()}")

    def skip_ignore(self, task: Any) -> None:
        if task.actions:
            self.done += 1
        self._line(f"!! {task.title()}")

    def cleanup_error(self, exception: Any) -> None:
        self._line(exception.get_msg().rstrip("\n"))

    def runtime_error(self, msg: str) -> None:
        self.runtime_errors.append(msg)

    def teardown_task(self, task: Any) -> None:
        return None

    def complete_run(self) -> None:
        self._clear()
        for task, fail in self.failures:
            self._captured_output(task, fail)
        if self.runtime_errors:
            self._line("Execution aborted.")
            for msg in self.runtime_errors:
                self._line(msg.rstrip("\n"))
        if self.summary_on_terminal if self.tty else self.summary_in_plain:
            self._line(self.summary_line())

    # -- helpers ------------------------------------------------------------------------
    def summary_line(self) -> str:
        """`12 tasks: 3 ran (1 blocked), 8 up to date, 1 failed (0.42 s)`."""
        seconds = time.perf_counter() - self._started
        outcomes = f" ({self._outcomes()})" if self.outcomes else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{self.done} tasks: {self.ran} ran{outcomes}, {self.uptodate} up to date{failed} ({seconds:.2f} s)"

    def _outcomes(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in sorted(self.outcomes.items()))

    def _captured_output(self, task: Any, fail: Any) -> None:
        """What a failed task printed (doit captures it); nothing when it printed nothing."""
        if not getattr(task, "executed", False):
            return
        show_err = task.verbosity < 1 or self.failure_verbosity > 0
        show_out = task.verbosity < 2 or self.failure_verbosity == 2
        err = "".join(a.err for a in task.actions if getattr(a, "err", None)) if show_err else ""
        out = "".join(a.out for a in task.actions if getattr(a, "out", None)) if show_out else ""
        for label, text in (("stderr", err), ("stdout", out)):
            if text.strip():
                self._line(f"{task.name} <{label}>:")
                self._line(text.rstrip("\n"))

    def _follow(self, task: Any) -> None:
        """The status line names the group at work (`plan`), never a hidden helper task."""
        if not task.name.startswith("_"):
            self.current = task.name.split(":", 1)[0]

    def _status(self) -> str:
        total = max(self.total, self.done)
        extra = f" · {self.ran} ran" + "".join(f", {n} {name}" for name, n in sorted(self.outcomes.items()))
        extra += f", {self.failed} failed" if self.failed else ""
        doing = f" {self.current}" if self.current else ""
        return f"[{self.done}/{total}]{doing}{extra}"

    def _draw(self) -> None:
        if not (self.tty and self.status_line):
            return
        now = time.perf_counter()
        if self._drawn and now - self._last_draw < REDRAW_SECONDS:
            return  # an up-to-date line is redrawn at most 20 times a second
        self._last_draw = now
        columns = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r\x1b[K" + self._status()[: max(columns - 1, 10)])
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def _line(self, text: str) -> None:
        self._clear()
        self.stream.write(text + "\n")
        self.stream.flush()


class QuietReporter(ProgressReporter):
    """No progress: no status line, no task lines, no summary (`specmesh -q`); failures in full."""

    desc = "no progress display; notes and failures only, on stderr"
    summary_on_terminal = summary_in_plain = False
    list_executed = False
    status_line = False


class WatchReporter(ProgressReporter):
    """The watcher's default: progress without the summary (the watcher's status line says it)."""

    desc = "compact progress for `watch` cycles (no closing summary)"
    summary_on_terminal = summary_in_plain = False
