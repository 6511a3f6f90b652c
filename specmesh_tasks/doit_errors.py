"""doit's complaints about a command line, said in one line with a near miss where there is one.

doit reports a mistyped option as `ERROR: Error parsing Task: option --formt not recognized
(parsing options: [CmdOption({...}), ...]). Got: ['--formt', 'json']`, and an unknown task over
three lines. The `specmesh` command says instead:

    unknown option --formt for gates; did you mean --format?
    option --format for gates needs a value
    unknown task or command 'gatse'; did you mean 'gates'?

The wording comes from the failed parse (Python's getopt message names the option) and from the
options each task and command declares; the `error: ` prefix is added by whoever prints it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from specmesh_tasks.suggest import closest, did_you_mean

# What Python's getopt says (doit passes its message on): the option, then the problem.
_GETOPT = re.compile(r"option (-{1,2}[^\s=]+) (not recognized|requires argument|"
                     r"must not have an argument|not a unique prefix)")


def option_names(options: Sequence[Any]) -> list[str]:
    """`--format`, `-v`, `--no-x` of doit option definitions (dicts or CmdOption objects)."""
    names: list[str] = []
    for option in options:
        get = option.get if isinstance(option, dict) else lambda key, o=option: getattr(o, key, "")
        names += [f"--{get('long')}"] if get("long") else []
        names += [f"-{get('short')}"] if get("short") else []
        names += [f"--{get('inverse')}"] if get("inverse") else []
    return names


def bad_option(message: str, args: Sequence[str], command: str,
               command_options: Sequence[str], task_options: Mapping[str, Sequence[str]]) -> str:
    """One line for a command line doit could not parse (`message` is doit's).

    Args:
        args: the command's arguments as typed (after the command name, if one was typed).
        command: `run` when no command was named.
        task_options: task name (no sub-task part) -> its option names.
    """
    found = _GETOPT.search(message)
    if found is None:
        return one_line(message.split(" (parsing options:", 1)[0])
    option, problem = found.groups()
    owner = _owner(option, args, task_options)
    valid = task_options[owner.split(":", 1)[0]] if owner else command_options
    where = f" for {owner}" if owner else ("" if command == "run" else f" for {command}")
    see = f"specmesh help {owner.split(':', 1)[0] if owner else command}"
    if problem == "requires argument":
        return f"option {option}{where} needs a value"
    if problem == "must not have an argument":
        return f"option {option}{where} takes no value"
    if problem == "not a unique prefix":
        matches = sorted(name for name in valid if name.startswith(option))
        return f"option {option}{where} is ambiguous: {', '.join(matches)}"
    near = closest(option, valid)
    return f"unknown option {option}{where}; " + (f"did you mean {near}?" if near else f"see `{see}`")


def unknown_name(name: str, known: Sequence[str]) -> str:
    """One line for a task or command doit does not know, with a near miss if there is one."""
    return f"unknown task or command '{name}'{did_you_mean(name, known)}"


def one_line(message: str) -> str:
    """doit's message with its lines joined (`Type "specmesh list" …` hints included)."""
    return " ".join(part.strip() for part in message.strip().splitlines() if part.strip())


def _owner(option: str, args: Sequence[str], task_options: Mapping[str, Sequence[str]]) -> str | None:
    """The task whose options `option` was given among (None: the command's own options)."""
    at = next((i for i, arg in enumerate(args) if _is_spelling_of(arg, option)), None)
    if at is None:
        return None
    for arg in reversed(args[:at]):
        if not arg.startswith("-") and arg.split(":", 1)[0] in task_options:
            return arg
    return None


def _is_spelling_of(arg: str, option: str) -> bool:
    """`arg` as typed is `option` (getopt names the full option for a unique prefix typed)."""
    if option.startswith("--"):
        typed = arg.split("=", 1)[0]
        return typed.startswith("--") and len(typed) > 2 and option.startswith(typed)
    return arg.startswith("-") and not arg.startswith("--") and option[1:] in arg[1:]
