"""`doit test` / `specmesh test`: run only the tests a change affects (PRODUCT §7).

    specmesh test [--since REF] [--shard I/N] [--explain] [--junit FILE]
                  [--pytest-args "ARGS"] [--all] [--store-durations]

The task always runs (`uptodate: [False]`) and does the selection in its action, behind its own
per-file cache. Declaring the real dependencies as doit `file_dep`s would mean computing the
import closure of every test file while declaring tasks — on every `doit` call, including
`doit plan` — and doit would still check thousands of files per run. The action's own check is
one `stat` per file and no parse when nothing changed, so a no-op stays well under pytest's own
start-up (bench/README.md).
"""

from __future__ import annotations

from typing import Any

from doit import task_params
from doit.exceptions import TaskFailed

from specmesh_tasks.errors import UserError
from specmesh_tasks.tasks.common import as_doit_error, project_root, project_settings

PARAMS: list[dict[str, Any]] = [
    {"name": "since", "long": "since", "type": str, "default": "",
     "help": "select everything changed between REF and the working tree (ignores the cache)"},
    {"name": "shard", "long": "shard", "type": str, "default": "",
     "help": "run shard I of N (for example 1/4) of the selected tests"},
    {"name": "explain", "long": "explain", "type": bool, "default": False,
     "help": "print why each test file was selected"},
    {"name": "junit", "long": "junit", "type": str, "default": "",
     "help": "write a JUnit XML report of the run to FILE"},
    {"name": "pytest_args", "long": "pytest-args", "type": str, "default": "",
     "help": 'arguments passed to pytest, e.g. "-n auto -x"'},
    {"name": "run_all", "long": "all", "type": bool, "default": False,
     "help": "run every test, affected or not"},
    {"name": "store_durations", "long": "store-durations", "type": bool, "default": False,
     "help": "record test durations in .specify/test-durations.json (balances --shard)"},
]


@task_params(PARAMS)  # type: ignore[untyped-decorator]  # doit ships no type hints
def task_test(**options: Any) -> dict[str, Any]:
    """Run the tests affected by changed files, imported sources or cited requirements."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare(options)


def _declare(options: dict[str, Any]) -> dict[str, Any]:
    try:
        check_options(options)
    except UserError as exc:  # one line and exit 3 while loading, as for any bad option
        raise as_doit_error(exc) from None
    return {
        "actions": [(run_test_action, [], {"opts": dict(options)})],
        "uptodate": [False],
        "verbosity": 2,
    }


def check_options(options: dict[str, Any]) -> None:
    """Reject bad option values before any task runs (UserError)."""
    import shlex

    if options.get("shard"):
        from specmesh_tasks.affected.shard import parse_shard

        parse_shard(str(options["shard"]))
    try:
        shlex.split(str(options.get("pytest_args") or ""))
    except ValueError as exc:
        raise UserError(f"error: --pytest-args: {exc}") from None
    if options.get("since"):
        _check_revision(str(options["since"]))
    if options.get("junit") and project_settings().tests.command:
        raise UserError("error: --junit needs the pytest runner; tests.command is set in specmesh.yaml")


def _check_revision(ref: str) -> None:
    """`git rev-parse` (a subprocess, not GitPython: this runs while tasks are declared)."""
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                              cwd=project_root(), capture_output=True, text=True, check=False)
    except OSError:
        raise UserError("error: --since needs git, which was not found") from None
    if done.returncode != 0:
        raise UserError(f"error: --since {ref}: not a revision git knows here")


def run_test_action(opts: dict[str, Any]) -> TaskFailed | None:
    """The action: select, run, record. A failed test is TaskFailed (exit 1), not a traceback."""
    from specmesh_tasks.affected.run import TestOptions, run_affected

    options = TestOptions(
        since=opts.get("since") or None,
        shard=opts.get("shard") or None,
        explain=bool(opts.get("explain")),
        junit=opts.get("junit") or None,
        pytest_args=str(opts.get("pytest_args") or ""),
        run_all=bool(opts.get("run_all")),
        store_durations=bool(opts.get("store_durations")),
    )
    try:
        code = run_affected(project_root(), project_settings(), options)
    except UserError as exc:
        return TaskFailed(str(exc))
    return TaskFailed("affected tests failed") if code else None
