"""The compact progress reporter: one updating line on a TTY, plain lines otherwise."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
from doit.exceptions import TaskFailed

from specmesh_tasks.reporter_progress import ProgressReporter, WatchReporter, count_selected


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _fail() -> TaskFailed:
    return TaskFailed("plan.md:12: generated block 'usecases' was edited")


def run_tasks(tmp_path: Path, reporter: ProgressReporter) -> int:
    src = tmp_path / "src.txt"
    src.write_text("x")

    def task_fresh() -> dict[str, Any]:
        return {"actions": [lambda: True], "file_dep": [str(src)]}

    def task_plan() -> dict[str, Any]:
        for name in ("a", "b"):
            yield {"name": name, "actions": [lambda: True], "uptodate": [False]}

    def task_broken() -> dict[str, Any]:
        return {"actions": [_fail], "verbosity": 0}

    config = {"dep_file": str(tmp_path / "db.json"), "backend": "json", "continue": True}
    namespace: dict[str, Any] = {"task_fresh": task_fresh, "task_plan": task_plan, "task_broken": task_broken}
    namespace["DOIT_CONFIG"] = {**config, "reporter": "zero"}
    DoitMain(ModuleTaskLoader(namespace), config_filenames=()).run(["fresh"])  # now up to date
    namespace["DOIT_CONFIG"] = {**config, "reporter": reporter}
    return int(DoitMain(ModuleTaskLoader(namespace), config_filenames=()).run([]))


def test_plain_lines_name_what_ran_and_failed_then_a_summary(tmp_path: Path) -> None:
    out = io.StringIO()
    code = run_tasks(tmp_path, ProgressReporter(None, {}, stream=out))
    text = out.getvalue()
    assert code == 1
    assert ".  plan:a\n.  plan:b\n.  broken\n" in text
    assert "fresh" not in text  # up to date: not listed
    assert "TaskFailed - taskid:broken\nplan.md:12: generated block 'usecases' was edited\n" in text
    assert text.rstrip().splitlines()[-1].startswith("4 tasks: 2 ran, 1 up to date, 1 failed (")
    assert "\r" not in text


def test_a_terminal_gets_one_updating_line(tmp_path: Path) -> None:
    term = FakeTerminal()
    code = run_tasks(tmp_path, ProgressReporter(None, {}, stream=term))
    text = term.getvalue()
    assert code == 1
    assert "\r\x1b[K[" in text and "/4] " in text
    assert ".  plan:a" not in text
    lines = [line.rsplit("\r\x1b[K", 1)[-1] for line in text.split("\n")[:-1]]
    assert "TaskFailed - taskid:broken" in lines
    assert lines[-1].startswith("4 tasks: 2 ran, 1 up to date, 1 failed (")


def test_the_watch_flavour_has_no_summary(tmp_path: Path) -> None:
    out = io.StringIO()
    run_tasks(tmp_path, WatchReporter(None, {}, stream=out))
    assert "tasks:" not in out.getvalue() and ".  broken" in out.getvalue()


class _Task:
    def __init__(self, actions: list[Any], task_dep: list[str]) -> None:
        self.actions, self.task_dep, self.setup_tasks = actions, task_dep, []


def test_the_total_counts_dependencies_once_and_skips_groups() -> None:
    tasks = {
        "plan": _Task([], ["plan:a", "plan:b"]), "plan:a": _Task([1], []), "plan:b": _Task([1], ["_index"]),
        "_index": _Task([1], []), "tasks:a": _Task([1], ["plan:a"]), "other": _Task([1], []),
    }
    assert count_selected(tasks, ["plan", "tasks:a"]) == 4
