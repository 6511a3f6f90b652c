"""`doit gates` / `specmesh gates`: every gate rule over the whole tree (PRODUCT §5).

The task always runs (`uptodate: [False]`) and always reports (`gates.command`); its own cache
(`.specify/.cache/gates.json`) makes a run where nothing changed a walk and some stats. Its
`file_dep` are the spec, matrix and config files only — never plan.md or tasks.md, which are other
tasks' targets (doit would regenerate every plan before checking). Exit 1 (TaskFailed) when a
checked file fails.
"""

from __future__ import annotations

from typing import Any

from doit import task_params
from doit.exceptions import TaskFailed

from specmesh_tasks.gates.command import PARAMS
from specmesh_tasks.tasks.common import project_root, project_settings, spec_listing
from specmesh_tasks.tasks.group import command_task


@task_params(PARAMS)  # type: ignore[untyped-decorator]  # doit ships no type hints
def task_gates(**options: Any) -> dict[str, Any]:
    """Check every gate rule over the spec tree (clarify, structure, matrix, plan/tasks, traceability)."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return {**command_task(gates_action, options, _check_options), "file_dep": gate_inputs()}


def _check_options(options: dict[str, Any]) -> None:
    from specmesh_tasks.gates.command import check_options

    check_options(options, project_settings())


def gate_inputs() -> list[str]:
    """The spec, matrix and config files (from this run's listing: no header is needed here)."""
    from specmesh_tasks.config import config_path
    from specmesh_tasks.discover import SPEC_FILE_NAMES, pick_matrix

    root = project_root()
    listing = spec_listing()
    files = listing.named(SPEC_FILE_NAMES)
    matrix = pick_matrix(root, listing)
    if matrix is not None:
        files.append(matrix)
    config = config_path(root)
    if config.is_file():
        files.append(str(config))
    return sorted(set(files))


def gates_action(opts: dict[str, Any]) -> TaskFailed | None:
    """Run the gates, write the report, fail when a checked file fails. (A spec deleted while this
    runs is no error: see `doitdb.MD5Checker`.)"""
    from specmesh_tasks.gates.command import write_report

    # The listing was taken while declaring the task: not walked again.
    report = write_report(project_root(), project_settings(), opts, spec_listing())
    if not report.ok:
        return TaskFailed(f"gates: {report.summary.failed} of {report.summary.specs} checked files failed")
    return None
