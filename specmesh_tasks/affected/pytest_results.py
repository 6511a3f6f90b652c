"""The pytest plugin `specmesh test` loads (`-p`) in its one pytest process: selection and outcomes.

Selection (`--specmesh-select FILE`, JSON `{"files": [abs paths], "nodes": {abs path: [test names]}}`):
`specmesh test` passes the directories that hold the selected files, and this plugin prunes the
collection to the selected files (`pytest_ignore_collect`) and tests (`modifyitems`). Passing 200
file arguments instead makes pytest re-collect their directory once per argument (quadratic: 2x
the collection time at 200 files; it does not deduplicate files given on the command line). A
selected file that pytest's `python_files` would not pick up is collected as a module anyway, as
pytest does for a file named on the command line. This runs in xdist workers too (they collect).

Outcomes (`--specmesh-results FILE`): one JSON file written at the end of the session by the
controlling process only. Under pytest-xdist the workers' reports reach the controller through
`pytest_runtest_logreport`, and a worker (which has `config.workerinput`) never writes.
`complete` is false when the run cannot vouch for every selected test (stopped early,
`-k`/`-m`/`--lf`/`--deselect`, items deselected by another plugin); `specmesh test` then records
failures only.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterable

    from specmesh_tasks.affected.recorder import BaseRecorder

_RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
RECORDER = "specmesh-recorder"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--specmesh-results", default=None, help="(internal) where specmesh test gets outcomes")
    parser.addoption("--specmesh-select", default=None, help="(internal) the tests specmesh test selected")
    parser.addoption("--specmesh-record", default=None, help="(internal) record what each test executes under ROOT")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    root = early_config.known_args_namespace.specmesh_record
    if root:  # before the conftests load: their imports are part of what the tests rely on
        # Test files count whole anyway: measuring them would only cost.
        selection = early_config.known_args_namespace.specmesh_select
        omit = _selected_files(Path(selection)) if selection else None
        early_config.pluginmanager.register(start_recorder(Path(root), omit), RECORDER)


def start_recorder(root: Path, omit: list[str] | None = None) -> BaseRecorder:
    """The recorder for this Python (see `recorder`), started. `SPECMESH_RECORDER=coverage`
    (internal: benchmarks and tests) takes coverage.py's on any Python."""
    if sys.version_info >= (3, 12) and os.environ.get("SPECMESH_RECORDER") != "coverage":
        from specmesh_tasks.affected.monitor import MonitorRecorder, free_tool_ids

        tools = free_tool_ids()
        if tools:
            return MonitorRecorder(root, tools, omit)
    from specmesh_tasks.affected.recorder import CoverageRecorder

    return CoverageRecorder(root, omit)


def _selected_files(select: Path) -> list[str]:
    data = json.loads(select.read_text(encoding="utf-8"))
    return sorted({*data.get("files", ()), *(data.get("nodes") or {})})


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    select = config.getoption("specmesh_select")
    if select:
        config.pluginmanager.register(_Selector(config, Path(select)), "specmesh-selector")
    path = config.getoption("specmesh_results")
    if path and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Outcomes(config, Path(path)), "specmesh-results")


class _Selector:
    """Keeps collection to the selected files and tests."""

    def __init__(self, config: pytest.Config, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.whole = {Path(p) for p in data.get("files", ())}
        self.nodes = {Path(p): tuple(names) for p, names in (data.get("nodes") or {}).items()}
        self.wanted = self.whole | set(self.nodes)
        self.ancestors = {parent for p in self.wanted for parent in p.parents}
        self.patterns = list(config.getini("python_files"))
        self.dropped = 0

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        # False (not None) also overrides `norecursedirs` for a directory holding selected tests.
        return not (collection_path in self.wanted or collection_path in self.ancestors)

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
        if file_path in self.wanted and file_path.suffix == ".py" and not self._matches(file_path):
            module: pytest.Module = pytest.Module.from_parent(parent, path=file_path)
            return module
        return None

    def _matches(self, path: Path) -> bool:
        return any(fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(str(path), p) for p in self.patterns)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item], config: pytest.Config) -> None:
        if not self.nodes:
            return
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            (keep if self._selected(item) else dropped).append(item)
        if dropped:
            self.dropped += len(dropped)  # ours: the recorder does not count them as narrowing the run
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def _selected(self, item: pytest.Item) -> bool:
        path = Path(item.path)
        if path in self.whole:
            return True
        name = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else ""
        base = "::".join(part.split("[", 1)[0] for part in name.split("::"))
        return any(base == n or base.startswith(n + "::") for n in self.nodes.get(path, ()))


class _Outcomes:
    """Outcomes, durations and (when recording) what each test executed: written at the end."""

    def __init__(self, config: pytest.Config, path: Path) -> None:
        self.config = config
        self.path = path
        self.outcomes: dict[str, str] = {}
        self.durations: dict[str, float] = {}
        self.deselected = 0
        self.record: dict[str, Any] = {}  # merged from xdist workers (`recorder.merge`)

    def _note(self, nodeid: str, outcome: str) -> None:
        if _RANK[outcome] >= _RANK.get(self.outcomes.get(nodeid, "passed"), 0):
            self.outcomes[nodeid] = outcome

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + float(report.duration)
        if report.when == "call":
            outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
            if hasattr(report, "wasxfail"):  # xfail / xpass are expected results, not failures
                outcome = "skipped" if report.skipped else "passed"
            self._note(report.nodeid, outcome)
        elif report.failed:
            self._note(report.nodeid, "error")
        elif report.skipped:
            self._note(report.nodeid, "skipped")
        else:
            self.outcomes.setdefault(report.nodeid, "passed")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._note(report.nodeid or ".", "error")

    def pytest_deselected(self, items: Iterable[Any]) -> None:
        self.deselected += len(list(items))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """An xdist worker ended: keep what it recorded."""
        part = getattr(node, "workeroutput", {}).get("specmesh_record")
        if part:
            from specmesh_tasks.affected.recorder import merge

            merge(self.record, part)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        payload = {
            "rootdir": str(self.config.rootpath),
            "exitstatus": int(exitstatus),
            "complete": self._complete(session, int(exitstatus)),
            "outcomes": dict(sorted(self.outcomes.items())),
            "durations": {k: round(v, 4) for k, v in sorted(self.durations.items())},
        }
        recorder = self.config.pluginmanager.get_plugin(RECORDER)
        if recorder is not None:
            from specmesh_tasks.affected.recorder import merge

            merge(self.record, recorder.finish())
            payload["record"] = self.record
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(payload, indent=0), encoding="utf-8")

    def _complete(self, session: pytest.Session, exitstatus: int) -> bool:
        option = self.config.option
        narrowed = any(getattr(option, name, None) for name in ("keyword", "markexpr", "lf", "deselect"))
        stopped = bool(session.shouldstop or session.shouldfail) or exitstatus not in (0, 1, 5)
        failures = sum(1 for o in self.outcomes.values() if o in ("failed", "error"))
        maxfail = int(getattr(option, "maxfail", 0) or 0)
        selector = self.config.pluginmanager.get_plugin("specmesh-selector")
        foreign = self.deselected - (selector.dropped if isinstance(selector, _Selector) else 0)
        return not (narrowed or stopped or foreign or (maxfail and failures >= maxfail))
