"""Helpers of the task creators: feature sub-tasks and their options, sub-task names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from doit.task import Task

from specmesh_tasks.doitdb import MD5Checker, QuietJsonDB
from specmesh_tasks.headers import SpecEntry
from specmesh_tasks.tasks.common import subtask_names
from specmesh_tasks.tasks.group import FeatureTask, feature_task
from specmesh_tasks.tasks.plan import PARAMS as PLAN_PARAMS
from specmesh_tasks.tasks.tasks import PARAMS as TASKS_PARAMS


def _action(*_args: Any) -> None:
    pass


def _status_after(tmp_path: Path, args: list[str]) -> str:
    """doit's verdict on an up-to-date `tasks:S-A-001` once it has read the options given after
    its name (as TaskControl does while selecting tasks)."""
    from doit.dependency import Dependency

    tmp_path.mkdir()
    spec = tmp_path / "spec.md"
    spec.write_text("x", encoding="utf-8")
    deps = Dependency(QuietJsonDB, str(tmp_path / "doit.json"), checker_cls=MD5Checker)

    def task() -> FeatureTask:
        return feature_task("tasks", "S-A-001", [(_action, [])], [str(spec)], [], "tasks.md of a", TASKS_PARAMS)

    done = task()
    done.init_options()
    deps.save_success(done)
    again = task()
    again.init_options(args)
    try:
        return str(deps.get_status(again, {again.name: again}).status)
    finally:
        deps.close()


def test_a_flag_given_after_a_sub_task_makes_it_run_even_when_up_to_date(tmp_path: Path) -> None:
    assert _status_after(tmp_path / "a", []) == "up-to-date"
    assert _status_after(tmp_path / "b", ["--check", "tasks:S-B-002"]) == "run"
    assert _status_after(tmp_path / "c", ["--done-from-git", "--ref", "main"]) == "run"
    assert _status_after(tmp_path / "d", ["--ref", "main"]) == "up-to-date"  # a value alone asks for no work
    made = feature_task("plan", "S-A-001", [], [], [], "d", PLAN_PARAMS, run=True)
    assert isinstance(made, Task) and made.subtask_of == "plan" and made.uptodate == [(False, None, None)]


def _entry(rel: str, spec_id: str | None) -> SpecEntry:
    return SpecEntry(f"/r/{rel}", rel, "feature", spec_id, "Approved", "T")


def test_sub_task_names_stay_unique() -> None:
    entries = [
        _entry(".specify/specs/features/a/spec.md", "S-A-001"),
        _entry(".specify/specs/features/b/spec.md", "S-DUP-001"),
        _entry(".specify/specs/features/c/spec.md", "S-DUP-001"),
        _entry(".specify/specs/features/d/spec.md", "S-{AREA}-001"),
        _entry(".specify/specs/features/e/spec.md", None),
        _entry(".specify/specs/other/e/spec.md", None),
    ]
    assert list(subtask_names(entries).values()) == [
        "S-A-001", "S-DUP-001@b", "S-DUP-001@c", "S-_AREA_-001@d", "e@e", "e@e.2",
    ]


def test_declaring_tasks_imports_neither_the_model_nor_the_reader(example_copy: Path) -> None:
    """The no-op path: the header scan needs no model classes and no Markdown reader."""
    code = (
        "import sys\n"
        "from doit.loader import load_tasks\n"
        "import specmesh_tasks.dodo as d\n"
        "load_tasks({k: getattr(d, k) for k in dir(d)}, command_names=(), allow_delayed=True)\n"
        "print(sorted(m for m in sys.modules if m.startswith('specmesh_tasks.')))\n"
    )
    env = {**os.environ, "SPECMESH_ROOT": str(example_copy)}
    for _ in range(2):  # the first run fills the caches
        done = subprocess.run([sys.executable, "-c", code], env=env, cwd=example_copy, capture_output=True,
                              text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    for heavy in ("specmesh_tasks.model.spec", "specmesh_tasks.parse", "specmesh_tasks.materialize"):
        assert f"'{heavy}" not in loaded, loaded
