"""The shapes of our tasks: for `plan` and `tasks`, one sub-task per feature, a note for a skipped
one and the always-run summary task that reports for all of them; for `gates`, `test`, `trace`
and `impact`, one always-run task whose options are checked while it is declared."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from doit.task import Task

from specmesh_tasks.errors import UserError

if TYPE_CHECKING:
    from specmesh_tasks.headers import SpecEntry


class FeatureTask(Task):  # type: ignore[misc]  # doit ships no type hints
    """A feature's sub-task (`plan:S-LOAN-001`) that also runs when it is up to date if a flag
    given after its own name asks for work (`plan:S-LOAN-001 --check`).

    doit parses the options given after a task's name in `init_options` (while selecting the
    tasks, before any is checked) and ignores them for a task that is up to date; the creator
    only receives the group's options (`plan --check`). An `uptodate` callable on every sub-task
    would do the same at twice the cost of a run where nothing changed (doit-notes.md).
    """

    def init_options(self, args: Sequence[str] | None = None) -> Any:
        rest = super().init_options(args)
        if args and any(value is True for value in self.options.values()):
            self.uptodate.append((False, None, None))  # doit's own form of `uptodate: [False]`
        return rest


def feature_task(group: str, name: str, actions: list[Any], file_dep: list[str], targets: list[str], doc: str,
                 params: list[dict[str, Any]], *, run: bool = False) -> FeatureTask:
    """`<group>:<name>`, shown as a sub-task of `group`; `run=True`: not up to date (a group
    option asked for work)."""
    return FeatureTask(f"{group}:{name}", actions, file_dep=file_dep, targets=targets, doc=doc,
                       uptodate=[False] if run else [], subtask_of=group, params=params)


def skipped_task(group: str, name: str, entry: SpecEntry, note: str, params: list[dict[str, Any]]) -> FeatureTask:
    """The sub-task of a feature whose status is not planned: prints `note`, exit 0."""
    status = entry.status or "no status"
    return feature_task(group, name, [(note_action, [note])], [entry.file], [], f"(skipped: status {status})",
                        params)


def summary_task(group: str, doc: str | None, action: tuple[Any, list[Any]], task_dep: list[str]) -> dict[str, Any]:
    """The always-run task named `group` that runs after its sub-tasks and reports for them.

    A task with an action, not a doit group: a group would depend on the failing summary. The
    sub-tasks carry `subtask_of=group`, so `doit list` shows them only with `--all`.
    """
    return {"basename": group, "doc": doc, "actions": [action], "task_dep": task_dep, "uptodate": [False]}


def note_action(message: str) -> None:
    """Print one line on stderr (doit captures an action's stdout)."""
    print(message, file=sys.stderr)


def command_task(action: Any, options: dict[str, Any], check: Any) -> dict[str, Any]:
    """One always-run task calling `action(opts=options)`; `check(options)` runs now, so a bad
    value is one line and exit 3 before any task runs (doit's loading error)."""
    from specmesh_tasks.tasks.common import as_doit_error

    try:
        check(options)
    except UserError as exc:
        raise as_doit_error(exc) from None
    return {"actions": [(action, [], {"opts": dict(options)})], "uptodate": [False], "verbosity": 2}
