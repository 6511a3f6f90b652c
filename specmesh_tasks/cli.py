"""The `specmesh` command: doit's own command line with the bundled tasks loaded.

    specmesh [--root DIR] [doit arguments ...]

`--root DIR` (anywhere before the task name) is taken out before doit sees the arguments and
becomes SPECMESH_ROOT. Everything else is doit's: `specmesh list`, `specmesh help plan`,
`specmesh plan --check`, `specmesh gates --format json > r.json`.

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

from specmesh_tasks.errors import SpecmeshError, UserError

# Our doit plugins, also registered through the API so that a source checkout whose installed
# metadata predates them still finds them (an installed entry point of the same name wins).
PLUGINS = {
    "COMMAND": {"watch": "specmesh_tasks.watch.command:Watch"},
    "REPORTER": {"progress": "specmesh_tasks.reporter_progress:ProgressReporter"},
}


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run doit over the bundled tasks; returns the exit code."""
    _default_sigpipe()
    try:
        root, args = split_root(sys.argv[1:] if argv is None else argv)
        if root is not None:
            if not os.path.isdir(root):
                raise UserError(f"error: --root {root}: not a directory")
            os.environ["SPECMESH_ROOT"] = os.path.abspath(root)
        from doit.cmd_base import ModuleTaskLoader
        from doit.doit_cmd import DoitMain
        from doit.exceptions import InvalidDodoFile

        try:
            from specmesh_tasks import dodo
        except InvalidDodoFile as exc:  # e.g. a bad specmesh.yaml, found while loading
            print(f"ERROR: {exc}", file=sys.stderr)
            return 3
        code = DoitMain(ModuleTaskLoader(dodo), config_filenames=(), extra_config=PLUGINS).run(args)
        return int(code or 0)  # some doit commands (forget, clean) return None on success
    except SpecmeshError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _default_sigpipe() -> None:
    """`specmesh list | head` ends quietly, as Unix tools do, instead of a BrokenPipeError."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
