"""The one pytest process of a `specmesh test` run: how it is started, fed and read back.

`specmesh test` starts `python -m specmesh_tasks.affected.runner ARGS` (this module's `main`:
what `python -m pytest` does, plus our marker plugin when its entry point is not installed) with
the directories holding the selected test files, a selection file and a results file. The child
plugin (`pytest_results`) prunes collection to the selection and writes the outcomes (and, when
recording, what each test executed) at the end of the session.

Directories, not file arguments: pytest re-collects a directory once per file argument given on
its command line (quadratic: 200 file arguments doubled the collection time of a 2,000-test run).

The child starts once the selection is known. Starting it earlier (before doit was imported, or
while the selection was computed) gained 0-3 % and was removed (bench/README.md).

One trick stays, because it pays: the child ends with `os._exit` once pytest has returned, the
`atexit` handlers have run and the standard streams are flushed (`exit_without_teardown`), so it
does not free every module and object of the pytest session one by one while `specmesh test`
waits for it. Measured A/B in one run on the bench project (one function changed, 10-20 pairs,
median of the pair ratios): whole-process wall time 0.90, 0.93 and 0.77 of the normal exit in
three runs, CPU time 0.81-0.87. The same exit for the `specmesh` command itself gained 0-4 % on
`gates`/`plan` no-op runs at 30 and 1000 features, so that process exits normally. What it
costs: a call to CPython's private `atexit._run_exitfuncs`, and the normal exit whenever
something may write after the program returns (another thread still running, a profiler or
tracer through `sys.setprofile`/`sys.settrace` or a `sys.monitoring` tool on 3.12+).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import posixpath
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn


class PytestChild:
    """A pytest subprocess over a selection (see the module docstring)."""

    def __init__(self, root: Path, arguments: Sequence[str], extra: Sequence[str], junit: str | None,
                 *, record: bool = False) -> None:
        self.root = root
        self.tmp = tempfile.TemporaryDirectory(prefix="specmesh-")
        self.results_file = Path(self.tmp.name) / "results.json"
        select_file = Path(self.tmp.name) / "select.json"
        select_file.write_text(json.dumps(selection_payload(root, arguments)), encoding="utf-8")
        command = [sys.executable, "-m", "specmesh_tasks.affected.runner",
                   "-p", "specmesh_tasks.affected.pytest_results", f"--specmesh-results={self.results_file}",
                   f"--specmesh-select={select_file}", *extra]
        if record:  # what each test executes (affected/recorder.py)
            command.append(f"--specmesh-record={root}")
        if junit:
            command.append(f"--junitxml={Path(junit).resolve()}")
        command += selection_dirs(arguments)
        sys.stdout.flush()
        sys.stderr.flush()
        self.process = subprocess.Popen(command, cwd=root, env=child_env())

    def wait(self) -> tuple[int, dict[str, Any]]:
        """Wait for the child; its exit code and the recorded results ({} when it wrote none)."""
        try:
            code = self.process.wait()
        except KeyboardInterrupt:  # the child got the same Ctrl-C: let it finish its own way
            self.process.wait()
            self.tmp.cleanup()
            raise
        try:
            results = json.loads(self.results_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            results = {}
        self.tmp.cleanup()
        return code, results if isinstance(results, dict) else {}


def selection_payload(root: Path, arguments: Sequence[str]) -> dict[str, Any]:
    """The selection as the child plugin reads it: absolute paths, whole files and test names."""
    files: list[str] = []
    nodes: dict[str, list[str]] = {}
    for arg in arguments:
        path, _, name = arg.partition("::")
        full = str(root / path)
        if name:
            nodes.setdefault(full, []).append(name)
        else:
            files.append(full)
    return {"files": sorted(files), "nodes": {k: sorted(v) for k, v in sorted(nodes.items())}}


def selection_dirs(arguments: Sequence[str]) -> list[str]:
    """The outermost directories holding the given files (`.` for files at the root)."""
    dirs = sorted({posixpath.dirname(a.partition("::")[0]) or "." for a in arguments})
    outer: list[str] = []
    for directory in dirs:
        if not any(directory == o or directory.startswith(o + "/") or o == "." for o in outer):
            outer.append(directory)
    return outer


def child_env() -> dict[str, str]:
    """Our plugins must be importable by the child even when run from a source checkout."""
    env = dict(os.environ)
    here = Path(__file__).resolve().parents[2]
    if here.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(here), env.get("PYTHONPATH", "")) if p)
    return env


# --- the child's side --------------------------------------------------------------------------


def main() -> None:
    """`python -m specmesh_tasks.affected.runner ARGS`: pytest over ARGS, exit with its code."""
    import pytest

    try:
        code = int(pytest.main([*marker_plugin(), *sys.argv[1:]]))
    except BrokenPipeError:  # our reader went away: pytest's own console entry says 1 then too
        code = 1
    exit_without_teardown(code)


def exit_without_teardown(code: int) -> NoReturn:
    """Exit with `code` after the exit handlers and a flush, skipping the interpreter's teardown
    (see the module docstring for the measured gain); the normal exit when anything may still
    need it."""
    if threading.active_count() > 1 or _observed():
        sys.exit(code)
    atexit._run_exitfuncs()  # what the normal exit would run first
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be shown
            stream.flush()
    os._exit(code)


def _observed() -> bool:
    """A profiler, tracer or monitoring tool is active (they write after the program returns)."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12+
    return monitoring is not None and any(monitoring.get_tool(i) is not None for i in range(6))


def marker_plugin() -> list[str]:
    """`-p specmesh_tasks.pytest_plugin` when our entry point is not installed; loading it twice
    would be an error. Asked in the child: pytest reads the installed metadata anyway."""
    from importlib.metadata import entry_points

    if any(ep.name == "specmesh" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "specmesh_tasks.pytest_plugin"]


if __name__ == "__main__":
    main()
