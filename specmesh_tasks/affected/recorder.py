"""What each test executed, recorded in `specmesh test`'s pytest process with coverage.py.

`tests.granularity: recorded` runs the child with `--specmesh-record=ROOT`. Then this recorder
starts coverage.py before the initial conftests load (so the imports of the session are seen),
measuring the project's files under ROOT, and switches coverage's dynamic context to each test's
node ID for the test's whole protocol (setup, call, teardown). Everything else is the shared
context "": collection (every import of a test module and what its module-level code calls),
pytest hooks between tests, and the set-up of fixtures broader than a function (their value is
used by tests that never run their code). At the end of the session the executed lines become
plain data, `{"lines": {abs path: {context: [line, ...]}}, "tests": [...], "spawned": [...],
"lost": [...]}` (`tests`: the node IDs this process recorded, passed or not):

- `spawned`: tests that started a process (`subprocess`, `os.system`, `os.exec*`, `os.fork`,
  `os.posix_spawn`, seen through audit hooks): the child's code is not measured, so their records
  cannot be trusted and `specmesh test` keeps them under the static rule;
- `lost`: tests that called `sys.settrace` (a test or a library tracing or debugging code
  itself), or after which the trace function was another: their lines may be incomplete, so the
  same; coverage is restarted for the next test.

Under pytest-xdist every worker records its own tests and hands its data to the controller at
the end (`workeroutput`); the controller (`pytest_results`) writes it with the outcomes, so only
the controlling process ever writes.

Why coverage.py: it is the standard, well-kept tracer, and its C tracer costs a few percent on
a test run (bench/README.md). Its `sys.monitoring` core (3.12+) does not support dynamic
contexts (coverage 7.18: "it doesn't yet support dynamic contexts"), so the C tracer is used on
every Python version; switching is one setting once coverage supports it.
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


class Recorder:
    """A coverage.py session over the project's files, one context per test (module docstring)."""

    def __init__(self, root: Path, omit: list[str] | None = None) -> None:
        import coverage

        self.root = root
        self.cov = coverage.Coverage(data_file=None, source=[str(root)], omit=omit, config_file=False,
                                     branch=False)
        self.cov.set_option("run:core", "ctrace")  # the only core with dynamic contexts (see above)
        self.cov.set_option("run:disable_warnings", list(_QUIET))
        self.context = SHARED
        self.tests: set[str] = set()
        self.spawned: set[str] = set()
        self.lost: set[str] = set()
        self.active = True
        self.cov.start()
        self.tracer = sys.gettrace()
        sys.addaudithook(self._audit)
        self._settrace = sys.settrace
        sys.settrace = self._settrace_seen  # restored by `finish`

    def _settrace_seen(self, function: Any) -> None:
        """`sys.settrace` called during a test: the lines it runs untraced are lost. (coverage.py
        itself calls it in each new thread to install its tracer there.)"""
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if self.context != SHARED and not str(caller).startswith("coverage"):
            self.lost.add(self.context)
        self._settrace(function)

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self.active and self.context != SHARED and event in _PROCESS_EVENTS:
            self.spawned.add(self.context)

    def _switch(self, context: str) -> str:
        previous, self.context = self.context, context
        self.cov.switch_context(context)
        return previous

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        self.tests.add(item.nodeid)
        self._switch(item.nodeid)
        yield
        if sys.gettrace() is not self.tracer:  # someone replaced our tracer during this test
            self.lost.add(item.nodeid)
            self.cov.stop()
            self.cov.start()
            self.tracer = sys.gettrace()
        # No switch back to the shared context until the next test: nothing of the project runs
        # between two tests' protocols that a test could depend on, and every switch costs
        # coverage.py a pass over every file it measures.

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any) -> Generator[None, None, None]:
        if fixturedef.scope == "function":
            yield
            return
        previous = self._switch(SHARED)  # a value many tests use: its code is shared
        yield
        self._switch(previous)

    def finish(self) -> dict[str, Any]:
        """Stop measuring; the executed lines by file and context, as plain data."""
        self.active = False
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
        return {"lines": lines, "tests": sorted(self.tests), "spawned": sorted(self.spawned),
                "lost": sorted(self.lost)}

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        output = getattr(session.config, "workeroutput", None)
        if output is not None:  # an xdist worker: the controller writes (see pytest_results)
            output["specmesh_record"] = self.finish()


def merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    """Add one process's recording (an xdist worker's) to `into`."""
    lines = into.setdefault("lines", {})
    for path, by_context in (part.get("lines") or {}).items():
        mine = lines.setdefault(path, {})
        for context, found in by_context.items():
            mine[context] = sorted(set(mine.get(context, ())) | set(found))
    for key in ("tests", "spawned", "lost"):
        into[key] = sorted(set(into.get(key, ())) | set(part.get(key) or ()))
