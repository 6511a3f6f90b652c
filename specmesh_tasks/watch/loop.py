"""The watch loop: one watcher, one reusable doit `run` command, cycle after cycle.

A cycle: reset per-process caches, take the run lock, let doit declare the tasks again and run the
requested segments the changed paths concern, remember the cycle's own writes, print the status
line. Saves that arrive during a cycle start the next cycle at once; one arriving while tests
run stops them first (see `monitor.py`).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doit.cmd_run import Run
from doit.cmdparse import CmdParseError
from doit.exceptions import InvalidCommand, InvalidDodoFile, InvalidTask

from specmesh_tasks import doit_errors
from specmesh_tasks.errors import SpecmeshError
from specmesh_tasks.freshness import file_stamp
from specmesh_tasks.state import LockBusyError, run_lock
from specmesh_tasks.watch.changes import (
    CLOCK_SLACK_NS,
    OwnWrites,
    classify,
    is_ignored,
    is_protected,
    make_test_matcher,
    transient,
)
from specmesh_tasks.watch.monitor import ChangeFeed, RawChanges, TestStopper
from specmesh_tasks.watch.request import Segment, select, to_argv
from specmesh_tasks.watch.status import CycleReport, format_status, result_of

RETRY_MS = 1000  # after a busy lock, try again this often while changes are pending
USER_ERRORS = (CmdParseError, InvalidCommand, InvalidDodoFile, InvalidTask)


class Stop(Exception):
    """The watcher reported a signal or a stop: end the watch."""


@dataclass(slots=True)
class CycleState:
    """What the reporters learn during one cycle."""

    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    running_group: str | None = None
    stopper: TestStopper | None = None

    @property
    def interrupted(self) -> bool:
        return self.stopper is not None and self.stopper.stopped


@dataclass(frozen=True, slots=True)
class LoopSettings:
    request: tuple[Segment, ...] | None  # None: doit's own default (every task)
    run_options: list[str]
    step: int
    debounce: int


class WatchLoop:
    """Runs cycles for one root until a signal ends it."""

    def __init__(self, root: Path, runner: Run, settings: LoopSettings, say: Callable[[str], None]) -> None:
        self.root, self.root_str, self.runner = root, str(root), runner
        self.settings, self.say = settings, say
        self.own = OwnWrites()
        self.state = CycleState()
        self.number = 0
        # Wrap every reporter so each cycle learns what ran and failed, whichever one is chosen.
        runner.reporters = {k: recording(v, self.state) for k, v in runner.reporters.items()}

    def run(self, count_files: Callable[[Path], int]) -> None:
        # Watch before the first cycle so that a save made while it runs is not lost.
        feed = ChangeFeed(self.root_str, self.settings.debounce, self.settings.step)
        try:
            self.cycle(feed, ())
            self.say(f"watching {self.root} ({count_files(self.root)} files)")
            self.loop(feed)
        finally:
            feed.close()

    def loop(self, feed: ChangeFeed) -> None:
        pending: set[str] = set()
        busy = False
        while True:
            if busy or not pending:  # wait for saves (after a busy lock, at most RETRY_MS)
                raw = feed.get(RETRY_MS / 1000 if busy else None)
                pending |= self.relevant(raw or set())
            pending |= self.relevant(feed.drain())  # saves made while the last cycle ran
            if not pending:
                continue
            report = self.cycle(feed, tuple(sorted(pending)))
            busy = report is not None and report.result == "busy"
            if not busy:
                pending = set()

    def relevant(self, raw: Iterable[tuple[int, str]]) -> set[str]:
        """Root-relative paths of the changes that are neither ignored, scratch, nor our own writes."""
        is_test = self.test_matcher()
        changes = list(raw)
        scratch = transient(changes)
        found = set()
        for _change, path in changes:
            rel = self.rel(path)
            if path in scratch or is_ignored(rel):
                continue
            if not self.own.is_own(path, is_protected(rel, is_test)):
                found.add(rel)
        return found

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.root_str).replace(os.sep, "/")

    def test_matcher(self) -> Callable[[str], bool]:
        from specmesh_tasks.discover import glob_to_regex, test_globs
        from specmesh_tasks.tasks.common import project_settings

        try:
            settings = project_settings()
        except SpecmeshError:
            settings = None  # a broken config is reported by the cycle itself
        return make_test_matcher(glob_to_regex(g) for g in test_globs(self.root, settings))

    def cycle(self, feed: ChangeFeed, changed: tuple[str, ...]) -> CycleReport | None:
        """Run what the changed paths concern and print the status line."""
        segments, is_test = self.settings.request, self.test_matcher()
        if changed and segments is not None:
            segments = tuple(select(segments, classify(changed, is_test)))
            if not segments:
                return None
        self.number += 1
        started, started_ns = time.perf_counter(), time.time_ns()
        news = self.news_checker(started_ns, is_test)
        stopper = TestStopper(lambda: self.state.running_group == "test", news)
        self.state = _reset(self.state, stopper)
        feed.guard = stopper
        try:
            result = self.execute(to_argv(segments or ()))
        finally:
            feed.guard = None
        self.own.record(*self.outputs_and_inputs(), started_ns, time.time_ns())
        if stopper.stopped:
            self.say("")  # the stopped test runner may have left its last line unfinished
            if result != "busy" and not self.state.failed:
                result = "tests stopped by new saves"
        report = CycleReport(self.number, changed, tuple(self.state.ran), tuple(self.state.failed), result,
                             time.perf_counter() - started)
        self.say(format_status(report))
        return report

    def news_checker(self, started_ns: int, is_test: Callable[[str], bool]) -> Callable[[RawChanges], bool]:
        """During a cycle (on the feed thread): is any of these saves a person's, not this
        cycle's own output?"""
        cache: dict[str, frozenset[str]] = {}

        def declared(kind: str) -> frozenset[str]:
            if kind not in cache:
                targets, inputs = self.outputs_and_inputs()
                cache["targets"], cache["inputs"] = frozenset(targets), frozenset(inputs)
            return cache[kind]

        def is_news(raw: RawChanges) -> bool:
            scratch = transient(raw)
            for _change, path in raw:
                rel = self.rel(path)
                if path in scratch or is_ignored(rel) or path in declared("targets"):
                    continue
                if is_protected(rel, is_test) or path in declared("inputs"):
                    return True
                stamp = file_stamp(path)
                if stamp is not None and stamp.mtime_ns < started_ns - CLOCK_SLACK_NS:
                    return True  # an older file moved in, not written by this cycle
            return False

        return is_news

    def execute(self, task_argv: list[str]) -> str:
        """One doit run under the lock; every expected error is one line, never the end."""
        from specmesh_tasks.tasks.common import reset

        reset()  # per-process caches are revalidated every cycle
        self.runner.dep_manager = None  # reopen the DB: a manual run may have written it
        self.runner.task_list, self.runner.control = [], None
        saved_path = list(sys.path)  # doit's dodo loader prepends the dodo directory on every load
        try:
            with run_lock(self.root):
                argv = [*self.settings.run_options, *task_argv]
                return result_of(int(self.runner.parse_execute(argv)))
        except LockBusyError as exc:
            self.say(f"{exc} (will retry)")
            return "busy"
        except USER_ERRORS as exc:
            self.say(f"error: {doit_errors.one_line(str(exc))}")
        except SpecmeshError as exc:
            self.say(str(exc))
        except Exception:  # a bug in a task creator or in our code: show it, keep watching
            sys.stderr.write(traceback.format_exc())
        finally:
            sys.path[:] = saved_path
        return "error"

    def outputs_and_inputs(self) -> tuple[list[str], list[str]]:
        """Absolute target and file_dep paths of every task declared in the last cycle."""
        targets: list[str] = []
        inputs: list[str] = []
        for task in self.runner.task_list or ():
            targets.extend(os.path.abspath(t) for t in task.targets)
            inputs.extend(os.path.abspath(f) for f in task.file_dep)
        return targets, inputs


def _reset(state: CycleState, stopper: TestStopper) -> CycleState:
    """Clear the state in place: the wrapped reporter classes hold a reference to it."""
    del state.ran[:], state.failed[:]
    state.running_group, state.stopper = None, stopper
    return state


def display_name(name: str) -> str:
    """A hidden task (`_plan_summary`) is shown as its group, as the person knows it."""
    return name.lstrip("_").split("_", 1)[0] if name.startswith("_") else name


def recording(reporter: Any, state: CycleState) -> Any:
    """A subclass of a reporter class that also tells `state` what runs, ran and failed."""
    if not isinstance(reporter, type):
        return reporter
    base: Any = reporter

    def execute_task(self: Any, task: Any) -> None:
        state.running_group = task.name.split(":", 1)[0]
        # Listed: tasks a person knows by name; not hidden ones, nor a group besides its sub-tasks.
        if task.actions and not task.name.startswith("_") and not getattr(task, "has_subtask", False):
            state.ran.append(task.name)
        base.execute_task(self, task)

    def add_success(self: Any, task: Any) -> None:
        state.running_group = None
        base.add_success(self, task)

    def add_failure(self: Any, task: Any, fail: Any) -> None:
        stopped = state.running_group == "test" and state.interrupted
        state.running_group = None
        if stopped:
            return  # a test stopped by a new save: its failure is not news
        name = display_name(task.name)
        if task.actions and name not in state.failed:
            state.failed.append(name)
        base.add_failure(self, task, fail)

    attrs = {"execute_task": execute_task, "add_success": add_success, "add_failure": add_failure}
    return type(reporter.__name__, (reporter,), attrs)
