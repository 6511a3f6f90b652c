"""The one pytest process of a `specmesh test` run, which may start before the selection is known.

Starting pytest costs about as much as selecting (interpreter, `import pytest`, plugin loading:
~0.4 s measured). When a cheap stat pass says something changed, `specmesh test` starts the child
first and computes the selection meanwhile on the other core; the child's plugin
(`pytest_results`) waits in `pytest_configure`, before printing anything, until the selection
file appears. If in the end nothing is selected, the child is killed unseen. The arguments are
the directories holding the candidate test files; the plugin prunes collection to the selection.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class PytestChild:
    """A pytest subprocess fed with a selection file (see the module docstring)."""

    def __init__(self, root: Path, directories: Sequence[str], extra: Sequence[str],
                 junit: str | None) -> None:
        self.root = root
        self.tmp = tempfile.TemporaryDirectory(prefix="specmesh-")
        self.results_file = Path(self.tmp.name) / "results.json"
        self.select_file = Path(self.tmp.name) / "select.json"
        command = [sys.executable, "-m", "specmesh_tasks.affected.pytest_main",
                   "-p", "specmesh_tasks.affected.pytest_results", f"--specmesh-results={self.results_file}",
                   f"--specmesh-select={self.select_file}", *extra]
        if junit:
            command.append(f"--junitxml={Path(junit).resolve()}")
        command += list(directories)
        sys.stdout.flush()
        sys.stderr.flush()
        self.process = subprocess.Popen(command, cwd=root, env=child_env())

    def run(self, arguments: Sequence[str]) -> tuple[int, dict[str, Any]]:
        """Hand the selection over, wait; the exit code and the recorded results."""
        self.send(arguments)
        return self.wait()

    def send(self, arguments: Sequence[str]) -> None:
        """Hand the selection over: the child starts collecting."""
        staged = self.select_file.with_suffix(".tmp")
        staged.write_text(json.dumps(selection_payload(self.root, arguments)), encoding="utf-8")
        os.replace(staged, self.select_file)  # the child polls for the name: it must appear whole

    def wait(self) -> tuple[int, dict[str, Any]]:
        """Wait for the child; its exit code and the recorded results."""
        try:
            code = self.process.wait()
        except KeyboardInterrupt:
            self.abort()
            raise
        try:
            results = json.loads(self.results_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            results = {}
        self.tmp.cleanup()
        return code, results

    def abort(self) -> None:
        """Stop a child that has nothing to run (it is still waiting, so it printed nothing)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.tmp.cleanup()


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
