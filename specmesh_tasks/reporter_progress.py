"""A compact doit reporter for long runs (hundreds of plans), on stderr like `SpecmeshReporter`.

On a terminal it keeps one status line up to date (`[ 412/2000] plan:S-LOAN-001 · 3 ran`)
instead of printing a line per task; elsewhere (CI logs, pipes) it prints one plain line per task
that actually ran. Either way failures are printed in full, up-to-date tasks are not listed, and a
closing summary says how many tasks ran, were up to date and failed.

    specmesh --reporter progress          # with the doit.REPORTER entry point installed
"""

from __future__ import annotations

import shutil
import sys
import time
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
    """One updating line on a TTY, plain lines for executed tasks otherwise; failures in full."""

    desc = "compact progress on stderr: one updating line on a terminal, executed tasks otherwise"
    summary = True  # the closing "N ran, M up to date" line (the watcher prints its own)

    def __init__(self, outstream: Any, options: Mapping[str, Any], stream: TextIO | None = None) -> None:
        self.stream: TextIO = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.failure_verbosity = int(options.get("failure_verbosity", 0) or 0)
        self.failures: list[tuple[Any, Any]] = []
        self.runtime_errors: list[str] = []
        self.total = self.done = self.ran = self.uptodate = self.failed = 0
        self.current = ""
        self._started = time.perf_counter()
        self._last_draw = 0.0
        self._drawn = False

    # -- doit's reporter interface -------------------------------------------------------
    def initialize(self, tasks: Mapping[str, Any], selected_tasks: Iterable[str]) -> None:
        self.total = count_selected(tasks, selected_tasks)

    def get_status(self, task: Any) -> None:
        if task.actions:
            self.current = task.title()
            self._draw()

    def execute_task(self, task: Any) -> None:
        if not task.actions:
            return
        self.current = task.title()
        if self.tty:
            self._draw(force=True)
        elif not task.name.startswith("_"):
            self._line(f".  {task.title()}")

    def add_success(self, task: Any) -> None:
        if task.actions:
            self.done += 1
            self.ran += 1
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
        if self.summary:
            self._line(self.summary_line())

    # -- helpers ------------------------------------------------------------------------
    def summary_line(self) -> str:
        """`12 tasks: 3 ran, 8 up to date, 1 failed (0.42 s)`."""
        seconds = time.perf_counter() - self._started
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{self.done} tasks: {self.ran} ran, {self.uptodate} up to date{failed} ({seconds:.2f} s)"

    def _captured_output(self, task: Any, fail: Any) -> None:
        """What a failed task printed (doit captures it), as doit's console reporter shows it."""
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

    def _status(self) -> str:
        total = max(self.total, self.done)
        width = len(str(total))
        extra = f" · {self.ran} ran" + (f", {self.failed} failed" if self.failed else "")
        return f"[{self.done:>{width}}/{total}] {self.current}{extra}"

    def _draw(self, force: bool = False) -> None:
        if not self.tty:
            return
        now = time.perf_counter()
        if not force and now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        columns = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r\x1b[K" + self._status()[: max(columns - 1, 10)])
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def _line(self, text: str) -> None:
        self._clear()
        self.stream.write(text + "\n")
        self.stream.flush()


class WatchReporter(ProgressReporter):
    """The watcher's default: progress without the summary (the watcher's status line says it)."""

    desc = "compact progress for `watch` cycles (no closing summary)"
    summary = False
