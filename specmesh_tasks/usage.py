"""What `specmesh --help` and `specmesh --version` print.

The help is written for someone who has only this text: what specmesh does, how to run each task
and command on their repository, where the root comes from, and what the exit codes mean. The
commands it lists come from doit's registry, so a command only appears once it exists.
"""

from __future__ import annotations

from collections.abc import Iterable

# Our tasks, in the order `specmesh` with no task runs them: (name, one line).
TASKS = (
    ("gates", "check every gate rule over the specs (--format text|json|junit|sarif|github)"),
    ("plan", "render or update each approved feature's plan.md, keeping every human edit"),
    ("tasks", "materialize each feature's tasks.md from its plan's Work Breakdown, keeping progress"),
    ("test", "run only the tests affected by what changed (--all: every test)"),
)

# Our commands: (name, one line). Listed when doit's registry has them.
COMMANDS = (
    ("watch", "run the tasks once, then again on every save"),
    ("trace", "the traceability matrix: each requirement with its plans, tasks and tests"),
    ("impact", "what a change touches: features, plans, tasks and tests of IDs or of --since REF"),
    ("list", "the tasks (--all: every sub-task, plan:<Spec ID> and tasks:<Spec ID>)"),
)

_INTRO = """\
usage: specmesh [--root DIR] [TASK [TASK OPTIONS] ...]
       specmesh [--root DIR] COMMAND [OPTIONS]

specmesh builds a spec-driven repository like code: it checks the specs under .specify/specs/,
keeps each approved feature's plan.md and tasks.md in step with them, and runs the affected tests.
"""

_ROOT_AND_EXAMPLES = """\
The project root is the directory holding .specify/: --root DIR (before the task name), else the
SPECMESH_ROOT environment variable, else the nearest directory above the current one.

Options follow their task, on the group or on one sub-task:
  specmesh                                 gates, plan, tasks and test, in that order
  specmesh gates --format sarif --output reports/gates.sarif
  specmesh plan --check                    write nothing; exit 1 with a diff if a plan is stale
  specmesh plan:S-LOAN-001 --force         one feature; your edit is kept in plan.md.orig
  specmesh tasks --done-from-git           tick tasks named as [T-101] in the branch's commits
  specmesh test --since origin/main --junit reports/junit.xml
  specmesh trace --format html --output reports/trace.html
  specmesh impact --since origin/main --format markdown
  specmesh --root path/to/project watch plan tasks

Exit codes:
  0  all good
  1  failing findings, a blocked feature, an edit conflict, failed tests, or a busy run lock
  2  a bug in specmesh-tasks (with a traceback; please report it)
  3  a bad command line or configuration file (one line, no traceback)

More:
  specmesh help TASK        a task's options, one line each (specmesh help gates)
  specmesh help COMMAND     a command's options (specmesh help watch)
  specmesh help run         doit's own run options (-n N processes, -v N verbosity, -r REPORTER, ...)
  specmesh --version        the versions of specmesh-tasks, doit and Python
"""


def help_text(command_names: Iterable[str]) -> str:
    """The top-level help; `command_names` are the commands doit's registry knows."""
    from specmesh_tasks.trace.options import REPORT_COMMANDS

    known = set(command_names) | set(REPORT_COMMANDS)  # ours, not doit's: always there
    ours = [(name, line) for name, line in COMMANDS if name in known]
    others = sorted(known - {name for name, _ in COMMANDS} - {"run", "help"})
    width = max(len(name) for name, _ in (*TASKS, *ours))
    lines = [_INTRO, "Tasks (see `specmesh help TASK` for the options of each):"]
    lines += [f"  {name:<{width}}  {line}" for name, line in TASKS]
    lines += ["", "Commands:"]
    lines += [f"  {name:<{width}}  {line}" for name, line in ours]
    if others:
        lines.append(f"  doit's own: {', '.join(others)}")
    lines += ["", _ROOT_AND_EXAMPLES]
    return "\n".join(lines).rstrip("\n")


def version_line() -> str:
    """`specmesh-tasks 0.1.0 (doit 0.37.0, Python 3.12.1)`."""
    import platform

    from doit.version import VERSION

    from specmesh_tasks import __version__

    doit_version = ".".join(str(part) for part in VERSION)
    return f"specmesh-tasks {__version__} (doit {doit_version}, Python {platform.python_version()})"
