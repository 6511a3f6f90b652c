"""`doit trace` / `doit impact`: the report commands as tasks of a user's own dodo (PRODUCT §10).

    from specmesh_tasks.dodo import *   # task_trace and task_impact come with the other tasks

They are not in the default task list: they run when named (`doit trace --format markdown`,
`doit run test trace`) or as a `task_dep` of the user's own tasks, always (`uptodate: [False]`),
writing the report to stdout or `--output FILE`. `specmesh trace` / `specmesh impact` are the same
reports as commands of `specmesh`, through the same functions and options (`trace/command.py`).
doit reads a task's options before its positional arguments: `doit impact --format json M-BOOK`.
`--fail-on` makes the task fail (exit 1); a bad option value is one line and exit 3 before anything
runs; an unknown ID or REF, found while running, fails the task with that one line (exit 1: doit
has no other way for an action to stop a run).
"""

from __future__ import annotations

from typing import Any

from doit import task_params
from doit.exceptions import TaskFailed

from specmesh_tasks.errors import UserError
from specmesh_tasks.tasks.common import project_root
from specmesh_tasks.tasks.group import command_task
from specmesh_tasks.trace.options import IMPACT_PARAMS, TRACE_PARAMS


@task_params(TRACE_PARAMS)  # type: ignore[untyped-decorator]  # doit ships no type hints
def task_trace(**options: Any) -> dict[str, Any]:
    """The traceability matrix: each requirement with its plan, tasks, tests and state."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare("trace", options, trace_action)


@task_params(IMPACT_PARAMS)  # type: ignore[untyped-decorator]
def task_impact(**options: Any) -> dict[str, Any]:
    """What a change touches (IDs as positional arguments, or --since REF)."""
    return {**_declare("impact", options, impact_action), "pos_arg": "ids"}


def _declare(name: str, options: dict[str, Any], action: Any) -> dict[str, Any]:
    from specmesh_tasks.trace.command import check_options

    return command_task(action, options, lambda opts: check_options(name, opts))


def trace_action(opts: dict[str, Any]) -> TaskFailed | None:
    """Build and write the matrix; `--fail-on` hits fail the task."""
    from specmesh_tasks.trace.command import run_trace

    return _outcome("trace", lambda: run_trace(project_root(), opts))


def impact_action(opts: dict[str, Any], ids: list[str]) -> TaskFailed | None:
    """Build and write the impact report of `ids` (doit's positional arguments)."""
    from specmesh_tasks.trace.command import run_impact

    return _outcome("impact", lambda: run_impact(project_root(), opts, ids or []))


def _outcome(name: str, run: Any) -> TaskFailed | None:
    try:
        code = run()
    except UserError as exc:
        return TaskFailed(str(exc))
    return TaskFailed(f"{name}: --fail-on matched (see above)") if code else None
