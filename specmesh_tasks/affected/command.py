"""The `test` command's options: what `doit test` / `specmesh test` take and check.

    specmesh test [--since REF] [--shard I/N] [--explain] [--junit FILE]
                  [--pytest-args "ARGS"] [--all] [--store-durations]

`check_options` refuses a bad value before anything runs (UserError: one line, exit 3);
`runner_options` turns doit's option values into `run.TestOptions`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.errors import UserError

if TYPE_CHECKING:
    from specmesh_tasks.affected.run import TestOptions
    from specmesh_tasks.config import Settings

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


def check_options(options: dict[str, Any], root: Path, settings: Settings) -> None:
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
        _check_revision(root, str(options["since"]))
    if options.get("junit") and settings.tests.command:
        raise UserError("error: --junit needs the pytest runner; tests.command is set in specmesh.yaml")


def _check_revision(root: Path, ref: str) -> None:
    """`git rev-parse` (a subprocess, not GitPython: this runs while tasks are declared)."""
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                              cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        raise UserError("error: --since needs git, which was not found") from None
    if done.returncode != 0:
        raise UserError(f"error: --since {ref}: not a revision git knows here")


def runner_options(opts: dict[str, Any]) -> TestOptions:
    """doit's option values as the runner's options."""
    from specmesh_tasks.affected.run import TestOptions

    return TestOptions(
        since=opts.get("since") or None,
        shard=opts.get("shard") or None,
        explain=bool(opts.get("explain")),
        junit=opts.get("junit") or None,
        pytest_args=str(opts.get("pytest_args") or ""),
        run_all=bool(opts.get("run_all")),
        store_durations=bool(opts.get("store_durations")),
    )


