"""`doit test` / `specmesh test`: run only the tests a change affects (PRODUCT §7).

The task always runs (`uptodate: [False]`) and does the selection in its action, behind its own
per-file cache. Declaring the real dependencies as doit `file_dep`s would mean computing the
import closure of every test file while declaring tasks — on every `doit` call, including
`doit plan` — and doit would still check thousands of files per run. The action's own check is
one `stat` per file and no parse when nothing changed, so a no-op stays well under pytest's own
start-up (bench/README.md). Options: `affected.command`.
"""

from __future__ import annotations

from typing import Any

from doit import task_params
from doit.exceptions import TaskFailed

from specmesh_tasks.affected.command import PARAMS
from specmesh_tasks.errors import UserError
from specmesh_tasks.tasks.common import project_root, project_settings
from specmesh_tasks.tasks.group import command_task


@task_params(PARAMS)  # type: ignore[untyped-decorator]  # doit ships no type hints
def task_test(**options: Any) -> dict[str, Any]:
    """Run the tests affected by changed files, imported sources or cited requirements."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return command_task(run_test_action, options, _check_options)


def _check_options(options: dict[str, Any]) -> None:
    from specmesh_tasks.affected.command import check_options

    check_options(options, project_root(), project_settings())


def run_test_action(opts: dict[str, Any]) -> TaskFailed | None:
    """The action: select, run, record. A failed test is TaskFailed (exit 1), not a traceback."""
    from specmesh_tasks.affected.command import runner_options
    from specmesh_tasks.affected.run import run_affected

    try:
        code = run_affected(project_root(), project_settings(), runner_options(opts))
    except UserError as exc:
        return TaskFailed(str(exc))
    return TaskFailed("affected tests failed") if code else None
