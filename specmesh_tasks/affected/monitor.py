"""What each test executed, recorded with `sys.monitoring` (Python 3.12+; see `recorder`).

Two tool ids, 4 and 3 (`free_tool_ids`: the ids Python leaves to tools of no predefined kind, so
that a debugger, coverage.py or a profiler run by the user keeps its own):

- *find* watches every code location once, ever: `PY_START` (a function, class body or module
  starts) and `PY_RESUME` (a generator or coroutine goes on) for all code, the callback keeping
  the code object when it is from one of the project's files and returning `DISABLE`. Code
  outside the project, pytest's own included, costs one event in the whole session;
- *again* watches the project's code objects found so far (local events): the first time one
  starts or resumes in a test, its callback keeps it and turns its events off; at the next switch
  of context (a test's start, the set-up of a fixture broader than a function) they are turned
  on again, for the code objects that ran only;
- `PY_THROW` (a generator resumed by `throw()` or `close()`, which may run its `except` or
  `finally` block) cannot be turned off; it is rare.

So each project function costs two instrumentation changes per test that runs it, and nothing
else per call. With one free tool id only, that one watches all code and every switch calls
`restart_events()`, which makes every code object run afterwards, pytest's own included, report
once again: a first (recording) `specmesh test` on the bench project (2,000 tests, CPython 3.12.1,
whole process, CPU time, median of 3 alternating pairs) takes 0.82x the CPU time with two tools
that it takes with one (id 3 held by another tool).

Code objects become the lines coverage.py would give (`recorded.read_recording` reads both alike):
a module's code is line 0 (module-level code ran); any other code object is the last line its
instructions are on, which lies in the body of the outermost function holding it (for a
function's code), in a class body (for a class's code) or on the `def` line of a one-line
function (whose body is part of the file's skeleton, as with coverage.py).

A test that claims one of our tool ids (`sys.monitoring.use_tool_id`) gets it: the recorder goes
on with the other one (or stops: the later tests are recorded as lost), and that test is lost. A
test after which our tools' names, events or callbacks are not ours is lost, and they are set
again. `sys.settrace` is another mechanism of the interpreter and disturbs nothing here: a test
that traces is recorded as any other.

Not seen (as with coverage.py, whose context switch is as racy for threads): the lines of a
function that was already running when the test started (another thread's loop) and that calls
nothing of the project during the test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

from specmesh_tasks.affected.recorder import SHARED, BaseRecorder

# Python 3.12+ only (imported by `pytest_results.start_recorder` there): type-checked with
# `mypy --python-version 3.12`, the project's floor being 3.10.
assert sys.version_info >= (3, 12)

NAME = "specmesh"
_IDS = (4, 3)
_INSTALLED = frozenset({"site-packages", "dist-packages"})


def free_tool_ids(exclude: int | None = None) -> list[int]:
    """The tool ids of ours nobody holds."""
    monitoring = sys.monitoring
    return [t for t in _IDS if t != exclude and monitoring.get_tool(t) is None]


class MonitorRecorder(BaseRecorder):
    """Code objects of the project's files, per test (module docstring)."""

    name = "sys.monitoring"

    def __init__(self, root: Path, tools: list[int], omit: list[str] | None = None) -> None:
        super().__init__()
        self.prefix = os.path.realpath(root) + os.sep
        self.omit = {os.path.realpath(p) for p in omit or ()}
        self.installed = tuple(p + os.sep for p in map(os.path.realpath, {sys.prefix, sys.exec_prefix,
                                                                         sys.base_prefix})
                               if (p + os.sep).startswith(self.prefix))  # a virtualenv in the project
        self.files: dict[str, bool] = {}  # co_filename -> one of the project's files
        self.paths: dict[str, str] = {}  # co_filename -> its real path
        self.by_context: dict[str, list[CodeType]] = {SHARED: []}
        self.codes = self.by_context[SHARED]
        self.ran: list[CodeType] = []  # project code that ran since the last switch
        self.known: dict[int, CodeType] = {}  # id -> project code whose local events were set
        self.tools: list[int] = []  # [find, again], [one] or [] (stopped)
        events = sys.monitoring.events
        self.local = events.PY_START | events.PY_RESUME
        self.every = self.local | events.PY_THROW
        self._use_tool_id = sys.monitoring.use_tool_id
        sys.monitoring.use_tool_id = self._tool_wanted  # type: ignore[assignment]  # restored by `_data`
        self._claim(tools)

    # --- the callbacks (the hot path) -----------------------------------------------------------

    def _callbacks(self) -> tuple[dict[int, Callable[..., Any]], dict[int, Callable[..., Any]]]:
        """(find's, again's) callbacks by event."""
        files, decide, recorder = self.files, self._decide, self
        disable, set_local = sys.monitoring.DISABLE, sys.monitoring.set_local_events

        def found(code: CodeType, offset: int) -> Any:
            keep = files.get(code.co_filename)
            if keep is None:
                keep = decide(code.co_filename)
            if keep:
                recorder.codes.append(code)
                recorder.ran.append(code)
            return disable

        def thrown(code: CodeType, offset: int, exception: BaseException) -> None:
            keep = files.get(code.co_filename)
            if keep is None:
                keep = decide(code.co_filename)
            if keep:
                recorder.codes.append(code)

        def again(code: CodeType, offset: int) -> None:
            recorder.codes.append(code)
            recorder.ran.append(code)
            set_local(recorder.tools[1], code, 0)  # until the next switch

        events = sys.monitoring.events
        return ({events.PY_START: found, events.PY_RESUME: found, events.PY_THROW: thrown},
                {events.PY_START: again, events.PY_RESUME: again})

    def _decide(self, filename: str) -> bool:
        """Whether code of `filename` is the project's: a .py file under the root, not one of
        the omitted ones, not in an installed-packages directory."""
        path = os.path.realpath(filename)
        keep = (path.endswith(".py") and path.startswith(self.prefix) and path not in self.omit
                and not path.startswith(self.installed)
                and not _INSTALLED & set(path[len(self.prefix):].split(os.sep)) and os.path.isfile(path))
        self.files[filename] = keep
        self.paths[filename] = path
        return keep

    # --- switching contexts -----------------------------------------------------------------------

    def _switch(self, context: str) -> str:
        previous, self.context = self.context, context
        self.codes = self.by_context.setdefault(context, [])
        if not self.tools and context != SHARED:  # stopped: nothing records this test
            self.lost.add(context)
        elif len(self.tools) == 1:
            sys.monitoring.restart_events()
        elif self.tools:
            self._again()
        return previous

    def _again(self) -> None:
        """Turn the local events of the code that ran since the last switch on again."""
        set_local, tool, local, known = sys.monitoring.set_local_events, self.tools[1], self.local, self.known
        for code in self.ran:
            set_local(tool, code, local)
            known[id(code)] = code
        self.ran = []

    # --- our tool ids ---------------------------------------------------------------------------------

    def _claim(self, tools: list[int]) -> None:
        monitoring = sys.monitoring
        find, again = self._callbacks()
        for tool, callbacks in zip(tools, (find, again), strict=False):  # one tool: find only
            self._use_tool_id(tool, NAME)
            for event, callback in callbacks.items():
                monitoring.register_callback(tool, event, callback)
        monitoring.set_events(tools[0], self.every)
        self.tools = list(tools)
        self.wanted = {tools[0]: (self.every, find), **({tools[1]: (0, again)} if tools[1:] else {})}
        if tools[1:]:
            self._again()

    def _release(self) -> None:
        """Give our tool ids back, with no event or callback left on them."""
        monitoring = sys.monitoring
        for index, tool in enumerate(self.tools):
            if monitoring.get_tool(tool) != NAME:
                continue  # taken over by someone else: theirs now
            monitoring.set_events(tool, 0)
            for code in self.known.values() if index else ():
                monitoring.set_local_events(tool, code, 0)
            for event in self.wanted[tool][1]:
                monitoring.register_callback(tool, event, None)
            monitoring.free_tool_id(tool)
        self.tools = []
        self.known = {}

    def _tool_wanted(self, tool_id: int, name: str) -> None:
        """`sys.monitoring.use_tool_id` while we record: our id is handed over (module docstring)."""
        if tool_id in self.tools:
            self._recover(exclude=tool_id)
        self._use_tool_id(tool_id, name)

    def _recover(self, exclude: int | None = None) -> None:
        """Start again on the tool ids still free (one, or none: stop); the current test is lost."""
        self._release()
        if self.context != SHARED:
            self.lost.add(self.context)
        tools = free_tool_ids(exclude)
        if tools:
            self._claim(tools)
            # The project's code our find tool disabled before would never report again, and what
            # the lost tool knew is forgotten: every code location reports once more.
            sys.monitoring.restart_events()

    def _after_test(self, nodeid: str) -> None:
        if self.tools and not self._intact():
            self._recover()

    def _intact(self) -> bool:
        """Our tools' names, events and callbacks are as we set them (callbacks are set again)."""
        monitoring = sys.monitoring
        for tool, (events, callbacks) in self.wanted.items():
            if monitoring.get_tool(tool) != NAME or monitoring.get_events(tool) != events:
                return False
            if any([monitoring.register_callback(tool, e, c) is not c for e, c in callbacks.items()]):
                return False
        return True

    # --- the end ------------------------------------------------------------------------------------

    def _data(self) -> dict[str, dict[str, list[int]]]:
        self._release()
        sys.monitoring.use_tool_id = self._use_tool_id  # type: ignore[assignment]
        found: dict[str, dict[str, set[int]]] = {}
        lines: dict[int, int] = {}  # id(code) -> its line; the lists keep every code alive
        for context, codes in self.by_context.items():
            for code in codes:
                line = lines.get(id(code))
                if line is None:
                    line = lines[id(code)] = code_line(code)
                found.setdefault(self.paths[code.co_filename], {}).setdefault(context, set()).add(line)
        return {path: {c: sorted(n) for c, n in sorted(by.items())} for path, by in sorted(found.items())}


def code_line(code: CodeType) -> int:
    """The line standing for a code object (module docstring): 0 for a module's code."""
    if code.co_name == "<module>":
        return 0
    return max((line for _, _, line in code.co_lines() if line is not None), default=code.co_firstlineno)
