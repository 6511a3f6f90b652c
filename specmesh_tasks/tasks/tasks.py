"""`doit tasks`: one `tasks:<Spec ID>` sub-task per feature and fix, materializing its tasks.md.

Each sub-task depends on that feature's plan.md and spec.md only (plan.md is the target of
`plan:<ID>`, so doit runs the plan first) and has tasks.md as its target. Declaring them reads no
Markdown: the spec entries come from the header cache.

Options (doit parameters, on the group and on one sub-task): `--check` (exit 1 with a unified
diff when tasks.md would change; writes nothing), `--adopt` (convert an unmanaged tasks.md),
`--done-from-git` with `--ref REF` (tick tasks named `[T-101]` in commits on the feature's branch).
An option that asks for work makes the sub-tasks run even when their files did not change.
`tasks --check` over the group is one always-run task that checks every feature and fails once
with every diff: a failing sub-task would make doit end the group with exit 2 instead of 1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doit import task_params
from doit.exceptions import InvalidTask, TaskFailed
from doit.task import Task

from specmesh_tasks.errors import SpecmeshError
from specmesh_tasks.tasks.common import (
    SubTasks,
    features,
    listed_files,
    project_root,
    project_settings,
    subtask_options,
)
from specmesh_tasks.tasks.plan import PLAN_BEGIN_TASK, plan_summary_reported
from specmesh_tasks.tasks.plan import summary_action as plan_summary

if TYPE_CHECKING:
    from specmesh_tasks.discover import SpecEntry

BASENAME = "tasks"
PARAMS: list[dict[str, Any]] = [
    {"name": "check", "long": "check", "type": bool, "default": False,
     "help": "show what would change as a unified diff and exit 1; write nothing"},
    {"name": "adopt", "long": "adopt", "type": bool, "default": False,
     "help": "convert a tasks.md not written by specmesh, keeping every word"},
    {"name": "done_from_git", "long": "done-from-git", "type": bool, "default": False,
     "help": "tick tasks named as [T-101] in commit messages on the feature's branch"},
    {"name": "ref", "long": "ref", "type": str, "default": "",
     "help": "with --done-from-git: count commits since REF (default: merge base with the default branch)"},
]
Flags = tuple[bool, bool, bool, str]  # (check, adopt, done_from_git, ref): pickles under `doit -n`
_WORK = ("check", "adopt", "done_from_git")


@task_params(PARAMS)  # type: ignore[untyped-decorator]
def task_tasks(check: bool = False, adopt: bool = False, done_from_git: bool = False,
               ref: str = "") -> Iterator[dict[str, Any] | Task]:
    """Materialize each feature's tasks.md from its plan's Work Breakdown, keeping progress."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare(check, adopt, done_from_git, ref)


def _declare(check: bool, adopt: bool, done_from_git: bool, ref: str) -> Iterator[dict[str, Any] | Task]:
    try:
        root = project_root()
        entries, names = features()
        allowed = frozenset(s.casefold() for s in project_settings().plan.allowed_statuses)
    except SpecmeshError as exc:
        yield {"basename": BASENAME, "actions": [(_fail, [str(exc)])], "uptodate": [False]}
        return
    group: Flags = (check, adopt, done_from_git, ref)
    own = subtask_options(sys.argv, BASENAME, PARAMS)
    _validate_git(root, group, own)
    if check:
        yield from _check_mode(root, entries, names, allowed, group)
        return
    root_str = str(root)
    planned = [names[e.rel] for e in entries if (e.status or "").strip().casefold() in allowed]
    # `tasks` is an always-run summary task, not a doit group: `tasks:X` pulls in `plan:X`, and a
    # blocked plan must end the run with exit 1 (reported here), not fail as a dependency (exit 2).
    yield {
        "basename": BASENAME,
        "doc": task_tasks.__doc__,
        "actions": [(summary_action, [root_str, planned])],
        "task_dep": [PLAN_BEGIN_TASK, *(f"{BASENAME}:{names[e.rel]}" for e in entries)],
        "uptodate": [False],
    }
    group_work = check or adopt or done_from_git
    files = listed_files()
    make = SubTasks(BASENAME, PARAMS)
    for entry in entries:
        name = names[entry.rel]
        task = _subtask(root_str, entry, name, allowed, group, files)
        mine = own.get(name)
        run = group_work or bool(mine and any(mine.get(k) for k in _WORK))
        yield make.make(name, task["actions"], task["file_dep"], task.get("targets", ()), task["doc"], run=run)


def summary_action(root: str, planned: list[str]) -> TaskFailed | None:
    """Report the plans that blocked (or conflicted) while their tasks were materialized."""
    if plan_summary_reported():
        return None  # `plan` ran in this same invocation and already reported them
    return plan_summary(root, planned)


def _subtask(root: str, entry: SpecEntry, name: str, allowed: frozenset[str], flags: Flags,
             files: frozenset[str]) -> dict[str, Any]:
    """The task dict of one feature (without its name: the caller names it). Plain strings and
    no `stat`: this runs for every feature on every run, changed or not."""
    feature_dir = entry.folder
    folder = feature_dir[feature_dir.rfind("/") + 1:]
    status = entry.status
    if (status or "").strip().casefold() not in allowed:
        note = f"{BASENAME}:{name}: skipped (status {status or 'missing'} is not planned, so no tasks)"
        return {"actions": [(_note, [note])], "file_dep": [entry.file], "doc": f"skipped: {folder}"}
    plan = f"{feature_dir}/plan.md"
    return {
        "actions": [(run_subtask, [root, feature_dir, name, flags])],
        # A plan.md that does not exist yet cannot be a file_dep: when its plan is blocked and never
        # written, doit fails at saving success (exit 2). Without one, the sub-task notes "no plan
        # yet"; the plan's appearance later changes the file_dep list, which makes it run again.
        # (Whether it exists comes from this run's listing of the spec tree.)
        "file_dep": [plan, entry.file] if plan in files else [entry.file],
        "targets": [f"{feature_dir}/tasks.md"],
        "doc": f"tasks.md of {folder}",
    }


def _check_mode(root: Path, entries: Sequence[SpecEntry], names: dict[str, str], allowed: frozenset[str],
                group: Flags) -> Iterator[dict[str, Any]]:
    """`tasks --check`: the sub-tasks stay declared (for their names); one task checks them all."""
    checked: list[tuple[str, str]] = []
    files = listed_files()
    for entry in entries:
        name = names[entry.rel]
        task = _subtask(str(root), entry, name, allowed, (False, False, False, ""), files)
        task["basename"] = f"{BASENAME}:{name}"
        yield task
        if (entry.status or "").strip().casefold() in allowed:
            checked.append((entry.folder, name))
    yield {"basename": BASENAME, "actions": [(check_all, [str(root), checked, group])],
           "uptodate": [False], "doc": "materialize tasks.md from plan §11 (checking)", "verbosity": 2}


def run_subtask(root: str, feature_dir: str, name: str, group: Flags,
                check: bool = False, adopt: bool = False, done_from_git: bool = False,
                ref: str = "") -> TaskFailed | None:
    """The action of `tasks:<name>`: group options or its own, then materialize and report."""
    from specmesh_tasks.materialize.gitdone import GitError
    from specmesh_tasks.materialize.options import Options

    options = Options(*group).merged(Options(check, adopt, done_from_git, ref))
    from specmesh_tasks.materialize.run import materialize_feature

    try:
        outcome = materialize_feature(Path(root), Path(feature_dir), options)
    except GitError as exc:
        return TaskFailed(str(exc))
    _report(name, outcome.notes, outcome.action, outcome.tasks_rel)
    if outcome.diff:
        return TaskFailed(f"{outcome.tasks_rel} would change (`specmesh tasks` updates it):\n{outcome.diff}")
    return None


def check_all(root: str, checked: list[tuple[str, str]], group: Flags) -> TaskFailed | None:
    """The action of `tasks --check`: every feature checked, one failure listing every diff."""
    from specmesh_tasks.materialize.gitdone import GitError
    from specmesh_tasks.materialize.options import Options
    from specmesh_tasks.materialize.run import materialize_feature

    diffs = []
    for feature_dir, name in checked:
        try:
            outcome = materialize_feature(Path(root), Path(feature_dir), Options(*group))
        except GitError as exc:
            return TaskFailed(str(exc))
        _report(name, outcome.notes, outcome.action, outcome.tasks_rel)
        if outcome.diff:
            diffs.append(outcome.diff)
    if diffs:
        return TaskFailed(f"{len(diffs)} tasks.md would change (run `specmesh tasks` to update):\n"
                          + "".join(diffs))
    return None


def _validate_git(root: Path, group: Flags, own: dict[str, dict[str, Any]]) -> None:
    """A bad `--ref` or a tree outside git is a bad command line: one line, exit 3."""
    refs = [group[3]] if group[2] else []
    refs += [mine.get("ref") or group[3] for mine in own.values() if mine.get("done_from_git")]
    if not refs:
        return
    from specmesh_tasks.materialize.gitdone import GitError, branch_log

    for ref in refs:
        try:
            branch_log(root, ref)
        except GitError as exc:
            raise InvalidTask(str(exc)) from None


def _report(name: str, notes: Sequence[str], action: str, rel: str) -> None:
    for note in notes:
        print(f"{BASENAME}:{name}: {note}", file=sys.stderr)
    if action in ("created", "updated"):
        print(f"{BASENAME}:{name}: {action} {rel}", file=sys.stderr)


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str) -> TaskFailed:
    return TaskFailed(message)
