"""`doit watch` / `specmesh watch [TASK [OPTIONS]] ...`: re-run the tasks when a file changes.

One process keeps doit and the task definitions loaded. It runs the requested tasks once (default:
the dodo's `default_tasks`, `gates plan tasks test` for the bundled set), prints
`watching <root> (N files)`, then waits for saves under the root. Each burst of saves becomes one
cycle: per-process caches are reset, the tasks are declared again (new and deleted specs are
picked up) and doit runs the groups the changed paths concern (`changes.py`); doit's own
up-to-date check decides what actually runs. Each cycle holds the run lock, so a manual run can
slip in between cycles. Failing tasks and broken specs are reported and the watch goes on;
Ctrl-C and SIGTERM end it with status 0.

Registered as a doit command plugin (entry point group `doit.COMMAND`, name `watch`).
"""

from __future__ import annotations

import os
import signal
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from doit.cmd_base import DoitCmdBase
from doit.cmd_run import Run
from doit.exceptions import InvalidCommand, InvalidDodoFile

from specmesh_tasks.errors import SpecmeshError
from specmesh_tasks.watch.changes import is_ignored
from specmesh_tasks.watch.loop import LoopSettings, Stop, WatchLoop
from specmesh_tasks.watch.request import Segment, split_request, watch_order

WATCH_REPORTER = "specmesh-watch"

opt_step = {
    "name": "step", "long": "step", "type": int, "default": 10,
    "help": "milliseconds without a new save that end a burst of saves [default: %(default)s]",
}
opt_debounce = {
    "name": "debounce", "long": "debounce", "type": int, "default": 1000,
    "help": "longest a burst is collected before it runs, in milliseconds [default: %(default)s]",
}
opt_reporter = {
    "name": "watch_reporter", "short": "r", "long": "reporter", "type": str, "default": "",
    "help": f"doit reporter for each cycle [default: {WATCH_REPORTER}: executed tasks and failures only]",
}
opt_verbosity = {
    "name": "watch_verbosity", "short": "v", "long": "verbosity", "type": int, "default": -1,
    "help": "doit verbosity for each cycle (0, 1, 2) [default: the dodo's]",
}


class Watch(DoitCmdBase):  # type: ignore[misc]  # doit ships no type hints
    """doit command: run the tasks, then again on every save that concerns them."""

    name = "watch"
    doc_purpose = "run tasks, then run them again whenever a file they read changes"
    doc_usage = "[TASK [TASK OPTIONS] ...]"
    doc_description = (
        "Keeps doit loaded, runs the tasks once and prints `watching <root> (N files)`. Spec, "
        "matrix and config changes re-run gates, plan, tasks and test; a plan.md edit re-runs "
        "tasks and gates; a test or source change re-runs test. doit's up-to-date check decides "
        "what actually runs. Ctrl-C (or SIGTERM) stops it with status 0."
    )
    cmd_options = (opt_step, opt_debounce, opt_reporter, opt_verbosity)

    def _execute(self, pos_args: list[str], step: int, debounce: int, watch_reporter: str,
                 watch_verbosity: int) -> int:
        self.root = _find_root()
        request = self._request(pos_args)
        run_options = ["--reporter", watch_reporter or WATCH_REPORTER]
        if watch_verbosity >= 0:
            run_options += ["--verbosity", str(watch_verbosity)]
        runner = Run(task_loader=self.loader, config=self.run_config(), bin_name=self.bin_name,
                     opt_vals=self.loader_options())
        settings = LoopSettings(request, run_options, max(step, 1), max(debounce, step, 1))
        with _stop_on_signals():
            try:
                WatchLoop(self.root, runner, settings, _say).run(count_files)
            except SpecmeshError as exc:  # the file watcher itself failed
                _say(str(exc))
                return exc.exit_code
        return 0  # a signal ended the loop

    def _request(self, pos_args: list[str]) -> tuple[Segment, ...] | None:
        """The requested segments (None: doit's own default, every task); unknown names are
        a command-line error (exit 3) before anything runs."""
        names = {task.name for task in self.task_list}
        targets = {target for task in self.task_list for target in task.targets}
        args = pos_args or list(self.sel_tasks or [])
        request = split_request(args, names) if args else None
        for segment in request or ():
            if segment.task not in names and segment.task not in targets:
                raise InvalidCommand(not_found=segment.task)
        return watch_order(request) if request else None

    def loader_options(self) -> dict[str, Any]:
        """Loader options (`-f`, `-d`) made absolute: the first load changed directory."""
        from doit import loader

        options = dict(self.opt_vals)
        base = getattr(loader, "initial_workdir", None) or os.getcwd()
        for key in ("dodoFile", "cwdPath"):
            if isinstance(options.get(key), str):
                options[key] = os.path.join(base, options[key])
        return options

    def run_config(self) -> dict[str, Any]:
        """doit's configuration plus the watch reporter, for the cycles' `run` command."""
        config: dict[str, Any] = defaultdict(dict, {k: dict(v) for k, v in self.config.items()})
        config["REPORTER"].setdefault(WATCH_REPORTER, "specmesh_tasks.reporter_progress:WatchReporter")
        return config


def _find_root() -> Path:
    from specmesh_tasks.tasks.common import project_root

    try:
        return project_root()
    except SpecmeshError as exc:
        raise InvalidDodoFile(str(exc).removeprefix("error: ")) from None


def count_files(root: Path) -> int:
    """Files under the root the watcher would react to."""
    from specmesh_tasks.discover import walk_files
    from specmesh_tasks.fsutil import rel_posix

    return sum(1 for path in walk_files(root) if not is_ignored(rel_posix(path, root)))


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM both stop the watch cleanly: the interrupt is caught here, further
    signals are ignored while shutting down (no traceback), and the old handlers come back."""
    sigs = (signal.SIGINT, signal.SIGTERM)
    try:
        previous = {sig: signal.signal(sig, _raise_interrupt) for sig in sigs}
    except ValueError:  # not the main thread (API use): leave signals alone
        previous = {}
    try:
        yield
    except (KeyboardInterrupt, Stop):
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        _say("watch: stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
