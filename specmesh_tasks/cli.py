"""The `specmesh` command: doit's own command line with the bundled tasks loaded.

    specmesh [--root DIR] [doit arguments ...]

`--root DIR` (anywhere before the task name) is taken out before doit sees the arguments and
becomes SPECMESH_ROOT. Everything else is doit's: `specmesh list`, `specmesh help plan`,
`specmesh plan --check`, `specmesh gates --format json > r.json`.

When the command line starts with one of our task names, only the task creators those tasks need
are declared (`specmesh test` does not declare a thousand plan sub-tasks first), and the run
holds the project's run lock (`.specify/.cache/lock`) so it never interleaves with a watcher.

Exit codes (doit's):
    0  all good (for gates: no failing item)
    1  findings that fail, a blocked feature, a conflict, a failed test, a busy lock
    2  a bug in our code (doit prints the traceback)
    3  a bad command line or configuration file: one line, no traceback
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from specmesh_tasks.errors import SpecmeshError, UserError


def split_root(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """Take `--root DIR` / `--root=DIR` out of the arguments that come before the task name."""
    args, root, rest = list(argv), None, []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--root":
            if i + 1 >= len(args):
                raise UserError("error: --root needs a directory")
            root, i = args[i + 1], i + 2
            continue
        if arg.startswith("--root="):
            root, i = arg.split("=", 1)[1], i + 1
            continue
        rest.append(arg)
        i += 1
    return root, rest


# The creators each of our tasks needs: `tasks:X` depends on `plan:X` (plan.md is its file_dep).
CREATORS = {
    "gates": ("task_gates",),
    "plan": ("task_plan",),
    "tasks": ("task_plan", "task_tasks"),
    "test": ("task_test",),
    "trace": ("task_trace",),  # `specmesh run trace`: the task (`specmesh trace` is the command)
    "impact": ("task_impact",),
}
RUN_COMMANDS = frozenset({"run"})


def creators_for(args: Sequence[str]) -> tuple[str, ...] | None:
    """The task creators a run needs when it starts with our task names (after doit's run options:
    `specmesh -q plan`, `-n 2 test`); None means all of them."""
    typed = list(args)
    words = _without_run_options(typed[1:] if typed[:1] and typed[0] in RUN_COMMANDS else typed)
    if not words or words[0].split(":", 1)[0] not in CREATORS:
        return None
    needed: set[str] = set()
    for word in words:
        base = word.split(":", 1)[0]
        if not word.startswith("-") and base in CREATORS:
            needed.update(CREATORS[base])
    return tuple(sorted(needed))


def _without_run_options(words: list[str]) -> list[str] | None:
    """`words` after the leading options of doit's `run` (`--reporter quiet`, `-n 2`, `-v2`,
    `--db-file=F`); None when a leading word is not one of them."""
    takes_value, flags = _run_options()
    while words and words[0].startswith("-"):
        word, name = words[0], words[0].split("=", 1)[0]
        if name in flags or (name in takes_value and "=" in words[0]):
            words = words[1:]
        elif name in takes_value:
            words = words[2:]
        elif not word.startswith("--") and word[:2] in takes_value:  # `-n2`
            words = words[1:]
        else:
            return None
    return words


def _run_options() -> tuple[frozenset[str], frozenset[str]]:
    """(options that take a value, flags) of doit's `run` command, as `-n` and `--process`."""
    from doit.cmd_base import DoitCmdBase
    from doit.cmd_run import Run

    takes_value: set[str] = set()
    flags: set[str] = set()
    for option in (*DoitCmdBase.base_options, *Run.cmd_options):
        names = {f"-{option['short']}" if option.get("short") else "",
                 f"--{option['long']}" if option.get("long") else "",
                 f"--{option['inverse']}" if option.get("inverse") else ""} - {""}
        (flags if option["type"] is bool else takes_value).update(names)
    return frozenset(takes_value), frozenset(flags)


def quiet_to_reporter(args: list[str]) -> list[str]:
    """`specmesh -q TASK …` (or `--quiet`) is a run with the `quiet` reporter: no progress display."""
    if args[:1] in (["-q"], ["--quiet"]) and is_run(args[1:]):
        return ["--reporter", "quiet", *args[1:]]
    return args


ABOUT = (["help"], ["--help"], ["-h"], ["--version"])


def is_about(args: Sequence[str]) -> bool:
    """`specmesh --help`, `-h`, `help` or `--version`: answered without a project."""
    return list(args) in ABOUT


def is_report(args: Sequence[str]) -> bool:
    """`specmesh trace …` / `specmesh impact …`: our report commands (they take the run lock
    themselves); `specmesh run trace` is the doit task of that name."""
    from specmesh_tasks.trace.options import REPORT_COMMANDS

    return bool(args) and args[0] in REPORT_COMMANDS


def is_run(args: Sequence[str]) -> bool:
    """True when doit will execute tasks (no command, `run`, or a task name first)."""
    return not args or args[0] in RUN_COMMANDS or creators_for(args) is not None or args[0].startswith("-")


def main(argv: Sequence[str] | None = None) -> int:
    """Run doit over the bundled tasks; returns the exit code."""
    _default_sigpipe()
    try:
        root, args = split_root(sys.argv[1:] if argv is None else argv)
        if root is not None:
            if not os.path.isdir(root):
                raise UserError(f"error: --root {root}: not a directory")
            os.environ["SPECMESH_ROOT"] = os.path.abspath(root)
        args = quiet_to_reporter(args)
        if is_about(args):
            from specmesh_tasks.doit_main import SpecmeshMain

            return SpecmeshMain({}).run(args)  # help and version need no project
        if is_report(args):
            from specmesh_tasks.trace.command import main as report_main

            return report_main(args)  # our own commands: no doit, no tasks declared
        if not is_run(args):
            return _run_doit(args)
        project = _project_root()
        with _project_lock(project):
            return _run_doit(args)
    except SpecmeshError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _run_doit(args: list[str]) -> int:
    """doit's command line over the bundled tasks (only the creators `args` needs, for a run)."""
    from doit.exceptions import InvalidDodoFile

    from specmesh_tasks.doit_main import SpecmeshMain

    try:
        from specmesh_tasks import dodo
    except InvalidDodoFile as exc:  # e.g. a bad specmesh.yaml, found while loading
        print(f"error: {exc}", file=sys.stderr)
        return 3
    from specmesh_tasks.gctune import tune_for_run

    tune_for_run()
    needed = creators_for(args)
    namespace = {name: getattr(dodo, name) for name in (needed or dodo.__all__)}
    namespace["DOIT_CONFIG"] = dodo.DOIT_CONFIG
    return SpecmeshMain(namespace).run(args)


def _project_root() -> Path | None:
    """The project's root, or None when there is none (doit's run then reports that)."""
    from specmesh_tasks.discover import find_root

    try:
        return find_root()
    except UserError:
        return None


def _project_lock(root: Path | None) -> AbstractContextManager[None]:
    """The run lock of the project, or nothing when there is no project."""
    import contextlib

    from specmesh_tasks.state import run_lock

    return contextlib.nullcontext() if root is None else run_lock(root)


def _default_sigpipe() -> None:
    """`specmesh list | head` ends quietly, as Unix tools do, instead of a BrokenPipeError."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def console_main() -> None:
    """The `specmesh` console script."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    console_main()
