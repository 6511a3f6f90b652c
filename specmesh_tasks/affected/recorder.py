"""What each test executed, recorded in `specmesh test`'s pytest process.

`tests.granularity: recorded` runs the child with `--specmesh-record=ROOT`. Then a recorder starts
before the initial conftests load (so the imports of the session are seen), watching the
project's files under ROOT, and attributes what runs to each test's node ID for the test's whole
protocol (setup, call, teardown). Everything else is the shared context "": collection (every
import of a test module and what its module-level code calls), pytest hooks between tests, and
the set-up of fixtures broader than a function (their value is used by tests that never run
their code). At the end of the session what ran becomes plain data, `{"lines": {abs path:
{context: [line, ...]}}, "tests": [...], "spawned": [...], "lost": [...]}` (`tests`: the node IDs
this process recorded, passed or not):

- `spawned`: tests that started a process (`subprocess`, `os.system`, `os.exec*`, `os.fork`,
  `os.posix_spawn`, seen through audit hooks): the child's code is not seen, so their records
  cannot be trusted and `specmesh test` keeps them under the static rule;
- `lost`: tests during which the recorder itself was disturbed (see each recorder): their
  records may be incomplete, so the same.

Two recorders give the same data, chosen by `pytest_results.start_recorder`:

- on Python 3.12+, `monitor.MonitorRecorder` over `sys.monitoring`: one event per function per
  test, nothing for code outside the project after its first call in a test. A first (recording)
  `specmesh test` on the bench project (2,000 tests, CPython 3.12.1, whole process, CPU time,
  median of 3 alternating pairs) took 0.51x the CPU time of the same run with coverage.py's
  tracer, and 1.38x plain pytest's (bench/README.md);
- on Python 3.10 and 3.11 (and on 3.12+ when no `sys.monitoring` tool id is free),
  `CoverageRecorder`: coverage.py's C tracer with one dynamic context per test. coverage.py's
  own `sys.monitoring` core does not support dynamic contexts (coverage 7.18: "it doesn't yet
  support dynamic contexts"), and before 3.12 a tracer is all Python offers.

Under pytest-xdist every worker records its own tests and hands its data to the controller at
the end (`workeroutput`); the controller (`pytest_results`) writes it with the outcomes, so only
the controlling process ever writes.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

SHARED = ""
_PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.fork", "os.forkpty",
                             "os.posix_spawn", "os.spawn", "os.startfile"})
_QUIET = ("module-not-measured", "module-not-imported", "no-data-collected", "already-imported",
          "couldnt-parse", "trace-changed", "no-ctracer", "no-sysmon", "no-sysmon-context",
          "dynamic-conflict", "module-not-python")


class BaseRecorder:
    """The pytest hooks both recorders share: one context per test, shared broader fixtures,
    tests that start a process. A recorder implements `_switch`, `_after_test` and `_data`."""

    name = ""

    def __init__(self) -> None:
        self.context = SHARED
        self.tests: set[str] = set()
        self.spawned: set[str] = set()
        self.lost: set[str] = set()
        self.active = True
        self.result: dict[str, Any] | None = None
        sys.addaudithook(self._audit)

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self.active and self.context != SHARED and event in _PROCESS_EVENTS:
            self.spawned.add(self.context)

    def _switch(self, context: str) -> str:
        """Attribute what runs from now on to `context`; the previous context."""
        raise NotImplementedError

    def _after_test(self, nodeid: str) -> None:
        """A test's protocol ended: mark it lost if the recorder was disturbed, and recover."""

    def _data(self) -> dict[str, dict[str, list[int]]]:
        """Stop recording; {abs path: {context: [line, ...]}}."""
        raise NotImplementedError

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        self.tests.add(item.nodeid)
        self._switch(item.nodeid)
        yield
        self._after_test(item.nodeid)
        # No switch back to the shared context until the next test: nothing of the project runs
        # between two tests' protocols that a test could depend on, and a switch costs.

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any) -> Generator[None, None, None]:
        if fixturedef.scope == "function":
            yield
            return
        previous = self._switch(SHARED)  # a value many tests use: its code is shared
        yield
        self._switch(previous)

    def finish(self) -> dict[str, Any]:
        """Stop recording (once); what ran by file and context, as plain data."""
        if self.result is None:
            self.active = False
            self.result = {"lines": self._data(), "tests": sorted(self.tests), "spawned": sorted(self.spawned),
                           "lost": sorted(self.lost), "recorder": self.name}
        return self.result

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        output = getattr(session.config, "workeroutput", None)
        if output is not None:  # an xdist worker: the controller writes (see pytest_results)
            output["specmesh_record"] = self.finish()


class CoverageRecorder(BaseRecorder):
    """A coverage.py session over the project's files, one dynamic context per test.

    `lost`: tests that called `sys.settrace` (a test or a library tracing or debugging code
    itself), or after which the trace function was another: coverage's tracer was not called for
    some lines; coverage is restarted for the next test.
    """

    name = "coverage"

    def __init__(self, root: Path, omit: list[str] | None = None) -> None:
        import coverage

        super().__init__()
        self.root = root
        self.cov = coverage.Coverage(data_file=None, source=[str(root)], omit=omit, config_file=False,
                                     branch=False)
        self.cov.set_option("run:core", "ctrace")  # the only core with dynamic contexts (see above)
        self.cov.set_option("run:disable_warnings", list(_QUIET))
        self.cov.start()
        self.tracer = sys.gettrace()
        self._settrace = sys.settrace
        sys.settrace = self._settrace_seen  # restored by `_data`

    def _settrace_seen(self, function: Any) -> None:
        """`sys.settrace` called during a test: the lines it runs untraced are lost. (coverage.py
        itself calls it in each new thread to install its tracer there.)"""
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if self.context != SHARED and not str(caller).startswith("coverage"):
            self.lost.add(self.context)
        self._settrace(function)

    def _switch(self, context: str) -> str:
        previous, self.context = self.context, context
        self.cov.switch_context(context)  # a pass over every measured file
        return previous

    def _after_test(self, nodeid: str) -> None:
        if sys.gettrace() is not self.tracer:  # someone replaced our tracer during this test
            self.lost.add(nodeid)
            self.cov.stop()
            self.cov.start()
            self.tracer = sys.gettrace()

    def _data(self) -> dict[str, dict[str, list[int]]]:
        sys.settrace = self._settrace
        self.cov.stop()
        data = self.cov.get_data()
        lines: dict[str, dict[str, list[int]]] = {}
        for path in data.measured_files():
            by_context: dict[str, list[int]] = {}
            for line, contexts in (data.contexts_by_lineno(path) or {}).items():
                for context in contexts:
                    by_context.setdefault(context, []).append(line)
            if by_context:
                lines[path] = {c: sorted(found) for c, found in sorted(by_context.items())}
        return lines


def merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    """Add one process's recording (an xdist worker's) to `into`."""
    lines = into.setdefault("lines", {})
    for path, by_context in (part.get("lines") or {}).items():
        mine = lines.setdefault(path, {})
        for context, found in by_context.items():
            mine[context] = sorted(set(mine.get(context, ())) | set(found))
    for key in ("tests", "spawned", "lost"):
        into[key] = sorted(set(into.get(key, ())) | set(part.get(key) or ()))
    into["recorder"] = part.get("recorder") or into.get("recorder", "")
