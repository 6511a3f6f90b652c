"""`doit tasks`: one `tasks:<Spec ID>` sub-task per feature and fix, materializing its tasks.md.

Each sub-task depends on that feature's plan.md and spec.md only (plan.md is the target of
`plan:<ID>`, so doit runs the plan first) and has tasks.md as its target; doit records them as the
action read them (`doitdb.read_inputs`), so an edit during the action makes the next run materialize
again. Declaring them reads no Markdown: the spec entries come from the header cache.

Options (doit parameters, on the group and on one sub-task): `--check` (exit 1 with a unified
diff when tasks.md would change; writes nothing), `--adopt` (convert an unmanaged tasks.md),
`--done-from-git` with `--ref REF` (tick tasks named `[T-101]` in commits on the feature's branch).
An option that asks for work makes the sub-tasks run even when their files did not change.
`tasks --check` over the group is one always-run task that checks every feature and fails once
with every diff: the sub-tasks would run their plans first, which writes plan.md.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from doit import task_params
from doit.exceptions import InvalidTask, TaskFailed

from specmesh_tasks.errors import SpecmeshError
from specmesh_tasks.tasks.common import features, is_planned, listed_files, project_root
from specmesh_tasks.tasks.group import FeatureTask, feature_task, skipped_task, summary_task
from specmesh_tasks.tasks.plan import FIRST_TASKS

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


@task_params(PARAMS)  # type: ignore[untyped-decorator]
def task_tasks(check: bool = False, adopt: bool = False, done_from_git: bool = False,
               ref: str = "") -> Iterator[dict[str, Any] | FeatureTask]:
    """Materialize each feature's tasks.md from its plan's Work Breakdown, keeping progress."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare((check, adopt, done_from_git, ref))


def _declare(group: Flags) -> Iterator[dict[str, Any] | FeatureTask]:
    try:
        root = str(project_root())
        entries, names = features()
        planned = [e for e in entries if is_planned(e)]
    except SpecmeshError as exc:
        yield {"basename": BASENAME, "actions": [(_fail, [str(exc)])], "uptodate": [False]}
        return
    if group[2]:
        _validate_ref(Path(root), group[3])
    if group[0]:
        checked = [(e.folder, names[e.rel]) for e in planned]
        yield {"basename": BASENAME, "actions": [(check_all, [root, checked, group])], "uptodate": [False],
               "doc": "materialize tasks.md from plan §11 (checking)", "verbosity": 2}
    else:
        # A summary task, not a doit group: `tasks:X` pulls in `plan:X`, and a blocked plan must end
        # the run with exit 1 (reported here), not fail as a dependency (exit 2).
        yield summary_task(BASENAME, task_tasks.__doc__, (summary_action, [root, [names[e.rel] for e in planned]]),
                           [*FIRST_TASKS, *(f"{BASENAME}:{names[e.rel]}" for e in entries)])
    files = listed_files()
    for entry in entries:
        name = names[entry.rel]
        if not is_planned(entry):
            note = f"{BASENAME}:{name}: skipped (status {entry.status or 'missing'} is not planned, so no tasks)"
            yield skipped_task(BASENAME, name, entry, note, PARAMS)
            continue
        plan = f"{entry.folder}/plan.md"
        # A plan.md that does not exist yet cannot be a file_dep: when its plan is blocked and never
        # written, doit fails at saving success (exit 2). Without one, the sub-task notes "no plan
        # yet"; the plan's appearance later changes the file_dep list, which makes it run again.
        inputs = [plan, entry.file] if plan in files else [entry.file]
        yield feature_task(BASENAME, name, [(run_subtask, [root, entry.folder, name, group, inputs])], inputs,
                           [f"{entry.folder}/tasks.md"], f"tasks.md of {entry.folder.rsplit('/', 1)[-1]}", PARAMS,
                           run=any(group[:3]))


def summary_action(root: str, planned: list[str]) -> TaskFailed | None:
    """Report the plans that blocked (or conflicted) while their tasks were materialized, unless
    the `plan` summary of this run reported them already."""
    from specmesh_tasks import runlog
    from specmesh_tasks.tasks.plan import summary_action as plan_summary

    return None if runlog.reported(Path(root)) else plan_summary(root, planned)


def run_subtask(root: str, feature_dir: str, name: str, group: Flags, inputs: list[str], check: bool = False,
                adopt: bool = False, done_from_git: bool = False, ref: str = "") -> TaskFailed | dict[str, Any]:
    """The action of `tasks:<name>`: group options or its own, then materialize and report. doit
    records the inputs as this action read them."""
    from specmesh_tasks.doitdb import read_inputs
    from specmesh_tasks.materialize.gitdone import GitError
    from specmesh_tasks.materialize.options import Options
    from specmesh_tasks.materialize.run import materialize_feature

    seen = read_inputs(inputs)  # before anything is read: a later edit makes the next run materialize again
    options = Options(*group).merged(Options(check, adopt, done_from_git, ref))
    try:
        outcome = materialize_feature(Path(root), Path(feature_dir), options)
    except GitError as exc:
        return TaskFailed(str(exc))
    _report(name, outcome.notes, outcome.action, outcome.tasks_rel)
    if outcome.diff:
        return TaskFailed(f"{outcome.tasks_rel} would change (`specmesh tasks` updates it):\n{outcome.diff}")
    return seen


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


def _validate_ref(root: Path, ref: str) -> None:
    """A bad `--ref` or a tree outside git is a bad command line: one line, exit 3."""
    from specmesh_tasks.materialize.gitdone import GitError, branch_log

    try:
        branch_log(root, ref)
    except GitError as exc:
        raise InvalidTask(str(exc)) from None


def _report(name: str, notes: Sequence[str], action: str, rel: str) -> None:
    for note in notes:
        print(f"{BASENAME}:{name}: {note}", file=sys.stderr)
    if action in ("created", "updated"):
        print(f"{BASENAME}:{name}: {action} {rel}", file=sys.stderr)


def _fail(message: str) -> TaskFailed:
    return TaskFailed(message)
