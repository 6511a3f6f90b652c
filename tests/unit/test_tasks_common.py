"""Helpers of the task creators: fast sub-task construction, sub-task options, sub-task names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from doit.task import Task

from specmesh_tasks.discover import SpecEntry
from specmesh_tasks.tasks.common import SubTasks, subtask_names, subtask_options
from specmesh_tasks.tasks.plan import PARAMS as PLAN_PARAMS
from specmesh_tasks.tasks.tasks import PARAMS as TASKS_PARAMS


def _action(*_args: Any) -> None:
    pass


def test_a_fast_sub_task_is_the_task_doit_would_build() -> None:
    make = SubTasks("plan", PLAN_PARAMS)
    actions = [(_action, ["/r", "a/spec.md", "S-A-001"], {"group_check": False})]
    for run in (False, True):
        fast = make.make("S-A-001", actions, ["/r/a/spec.md", "/r/deps.json"], ["/r/a/plan.md"],
                         "plan.md of S-A-001", run=run)
        real = Task("plan:S-A-001", actions, file_dep=["/r/a/spec.md", "/r/deps.json"], targets=["/r/a/plan.md"],
                    uptodate=[False] if run else [], subtask_of="plan", doc="plan.md of S-A-001",
                    params=PLAN_PARAMS)
        assert sorted(vars(fast)) == sorted(vars(real))  # including attributes a doit release adds
        for name, value in vars(real).items():
            mine = vars(fast)[name]
            assert type(mine) is type(value), name
            assert (vars(mine) if hasattr(value, "__dict__") else mine) == (
                vars(value) if hasattr(value, "__dict__") else value), name


def test_fast_sub_tasks_share_no_mutable_state() -> None:
    make = SubTasks("tasks", TASKS_PARAMS)
    one = make.make("A", [(_action, [])], ["/a"])
    two = make.make("B", [(_action, [])], ["/b"])
    for name, value in vars(one).items():
        if name != "params" and not isinstance(value, (type(None), bool, int, str, tuple, frozenset)):
            assert value is not vars(two)[name], name
    one.task_dep.append("x")
    one.values["k"] = 1
    assert two.task_dep == [] and two.values == {}
    assert one.params is two.params is TASKS_PARAMS  # as doit's constructor shares them


def test_a_name_doit_refuses_is_refused_as_doit_would() -> None:
    from doit.exceptions import InvalidTask

    with pytest.raises(InvalidTask):
        SubTasks("plan", PLAN_PARAMS).make("S-A-001@a=b", [], [])


@pytest.mark.parametrize(("argv", "expected"), [
    (["specmesh", "plan:S-A-001", "--check"], {"S-A-001": {"check": True}}),
    (["specmesh", "plan:S-A-001", "--force", "--adopt", "plan:S-B-002"],
     {"S-A-001": {"force": True, "adopt": True}, "S-B-002": {}}),
    (["specmesh", "plan:S-A-001", "--for"], {"S-A-001": {"force": True}}),  # getopt's unique prefix
    (["specmesh", "plan:S-A-001", "--x", "--check"], {"S-A-001": {}}),  # doit refuses --x anyway
    (["specmesh", "plan", "--check", "tasks:S-A-001", "--check"], {}),
])
def test_plan_sub_task_options_are_read_as_doit_reads_them(argv: list[str], expected: dict[str, Any]) -> None:
    assert subtask_options(argv, "plan", PLAN_PARAMS) == expected


def test_tasks_sub_task_options_with_values() -> None:
    argv = ["specmesh", "tasks:S-A-001", "--done-from-git", "--ref", "main", "tasks:S-B-002", "--ref=v1", "--check"]
    assert subtask_options(argv, "tasks", TASKS_PARAMS) == {
        "S-A-001": {"done_from_git": True, "ref": "main"},
        "S-B-002": {"ref": "v1", "check": True},
    }


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
