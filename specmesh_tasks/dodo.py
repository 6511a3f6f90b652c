"""The bundled doit tasks: `from specmesh_tasks.dodo import *` in your own dodo.py.

Exposes `task_gates`, `task_plan`, `task_tasks`, `task_test` (the default tasks), `task_trace` and
`task_impact` (the reports, run only when named) and `DOIT_CONFIG` (dependency file in
`.specify/.cache/`, json backend, continue after failures, the default task order, a reporter that
keeps stdout clean). Merge your own config with
`DOIT_CONFIG = {**specmesh_tasks.dodo.DOIT_CONFIG, "default_tasks": [...]}`.

The root is `SPECMESH_ROOT` if set, else the nearest directory above the current one holding
`.specify/`. Importing this module must stay cheap: no Markdown, jinja2, pydantic or git here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from doit.exceptions import InvalidDodoFile

from specmesh_tasks.doitdb import MD5Checker
from specmesh_tasks.reporter import SpecmeshReporter
from specmesh_tasks.tasks.common import project_root, project_settings
from specmesh_tasks.tasks.gates import task_gates
from specmesh_tasks.tasks.plan import task_plan
from specmesh_tasks.tasks.reports import task_impact, task_trace
from specmesh_tasks.tasks.tasks import task_tasks
from specmesh_tasks.tasks.test import task_test

__all__ = ["DOIT_CONFIG", "task_gates", "task_impact", "task_plan", "task_tasks", "task_test", "task_trace"]

DEFAULT_TASKS = ["gates", "plan", "tasks", "test"]


def _dep_file() -> str:
    """doit's dependency file inside the cache directory (created now: doit would not)."""
    from specmesh_tasks.state import cache_dir

    try:
        root = project_root()
    except InvalidDodoFile:
        # No project here: `specmesh --help` must still work; task creators report the problem.
        return str(Path(tempfile.gettempdir()) / "specmesh-no-root.doit.json")
    project_settings()  # a bad specmesh.yaml is one line and exit 3, before any task runs
    return str(cache_dir(root) / "doit.json")


DOIT_CONFIG: dict[str, Any] = {
    "dep_file": _dep_file(),
    "backend": "specmesh-json",  # doit's json backend, written only when a value changed
    "check_file_uptodate": MD5Checker,  # doit's md5 checker, tolerant of a file deleted mid-run
    "continue": True,
    "default_tasks": DEFAULT_TASKS,
    "reporter": SpecmeshReporter,
}
