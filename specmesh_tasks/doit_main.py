"""doit's command line as `specmesh` runs it: our help, our version, one-line errors.

`SpecmeshMain` is doit's `DoitMain` with three changes:
- `--help`, `-h` and `help` with no name print `usage.help_text`; `help TASK` is doit's task help.
- `--version` prints `specmesh-tasks X.Y.Z (doit A.B.C, Python 3.x)`.
- a command line doit rejects (unknown option, unknown task, bad value) prints one line starting
  with `error: ` (`doit_errors` says what) and exits 3, where doit would print `ERROR: ` and, for
  an option, the repr of every option it knows.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from doit.cmd_base import ModuleTaskLoader
from doit.cmd_help import Help
from doit.cmdparse import CmdParseError
from doit.doit_cmd import DoitMain
from doit.exceptions import InvalidCommand, InvalidDodoFile, InvalidTask
from doit.plugin import PluginDict

from specmesh_tasks import doit_errors, usage

# Our doit plugins, also registered through the API so that a source checkout whose installed
# metadata predates them still finds them (an installed entry point of the same name wins).
PLUGINS = {
    "COMMAND": {"watch": "specmesh_tasks.watch.command:Watch"},
    "REPORTER": {"progress": "specmesh_tasks.reporter_progress:ProgressReporter",
                 "quiet": "specmesh_tasks.reporter_progress:QuietReporter"},
    "BACKEND": {"specmesh-json": "specmesh_tasks.doitdb:QuietJsonDB"},
}

# The errors doit treats as the user's (it prints them without a traceback, exit 3).
USER_ERRORS = (CmdParseError, InvalidCommand, InvalidDodoFile, InvalidTask)


class SpecmeshHelp(Help):  # type: ignore[misc]  # doit ships no type hints
    """doit's `help` command, with our text where doit would print its own usage."""

    name = "help"

    def print_usage(self, cmds: Mapping[str, Any]) -> None:
        print(usage.help_text(cmds))


class SpecmeshMain(DoitMain):  # type: ignore[misc]
    """doit's command line over the tasks in `namespace`, speaking for specmesh."""

    BIN_NAME = "specmesh"
    DOIT_CMDS = tuple(SpecmeshHelp if command is Help else command for command in DoitMain.DOIT_CMDS)

    def __init__(self, namespace: dict[str, Any]) -> None:
        super().__init__(ModuleTaskLoader(namespace), config_filenames=(), extra_config=PLUGINS)
        self.task_options = {
            name.removeprefix("task_"): doit_errors.option_names(getattr(creator, "_task_creator_params", ()))
            for name, creator in namespace.items() if name.startswith("task_")
        }

    def run(self, all_args: Sequence[str]) -> int:
        args = list(all_args)
        if args[:1] in (["--help"], ["-h"]):
            args = ["help", *args[1:]]
        elif len(args) == 2 and args[1] in ("--help", "-h"):  # `specmesh gates --help`
            args = ["help", args[0]]
        if args[:1] == ["--version"]:
            print(usage.version_line())
            return 0
        return int(DoitMain.run(self, args) or 0)  # some commands (forget, clean) return None

    def get_cmds(self) -> PluginDict:
        return _Commands(DoitMain.get_cmds(self), self)

    def explain(self, command: Any, args: Sequence[str], error: Exception) -> str:
        """The one line (without `error: `) for a user error doit raised in `command`."""
        if isinstance(error, CmdParseError):
            # `--root DIR` is ours (taken out before doit parses), so a typo of it is a near miss too
            own = [*doit_errors.option_names(command.get_options()), "--root"]
            return doit_errors.bad_option(str(error), args, command.get_name(), own, self.task_options)
        if isinstance(error, InvalidCommand) and error.not_found is not None:
            tasks = [task.name for task in getattr(command, "task_list", None) or ()]
            return doit_errors.unknown_name(error.not_found, [*tasks, *self.get_cmds().keys()])
        return doit_errors.one_line(str(error))


class _Commands(PluginDict):  # type: ignore[misc]
    """doit's command registry, handing out commands that report user errors in one line."""

    def __init__(self, commands: PluginDict, main: SpecmeshMain) -> None:
        super().__init__(commands)
        self._main = main
        self._loaded: dict[str, type] = {}

    def get_plugin(self, key: str) -> type:
        if key not in self._loaded:
            self._loaded[key] = _speaking_plainly(PluginDict.get_plugin(self, key), self._main)
        return self._loaded[key]


def _speaking_plainly(command: Any, main: SpecmeshMain) -> type:
    """`command` whose user errors print as one `error: ` line and exit 3."""

    def parse_execute(self: Any, in_args: Sequence[str]) -> Any:
        try:
            return command.parse_execute(self, in_args)
        except USER_ERRORS as error:
            print(f"error: {main.explain(self, in_args, error)}", file=sys.stderr)
            return 3

    speaking: type = type(command.__name__, (command,), {"parse_execute": parse_execute})
    return speaking
