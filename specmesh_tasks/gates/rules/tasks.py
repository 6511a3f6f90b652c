"""SM420–SM449: the Work Breakdown of plan.md, tasks.md, and how the two agree.

The checks themselves are pure functions in `specmesh_tasks.materialize.checks` over one feature
at a time (a `TasksView`); this module registers them in the catalogue and builds the views once
per run from the files the context lists (`ctx.read_text` records them for the run cache).

A file without our format marker (a hand-written tasks.md, upstream's code-span form, a plan
another tool wrote) is reported once as unmanaged (SM420, SM401) and left out of the views: no
content rule reads it, since its lines are not ours to interpret.

SM449 tasks-missing-spec-reference (upstream spec-lint row 24) was seeded by the gates engineer.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import RepoIndex, repo_index, usable_spec_id
from specmesh_tasks.gates.rules.plan import mentions, sibling_spec
from specmesh_tasks.materialize import checks
from specmesh_tasks.materialize.checks import TasksView
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Location, Problem, Repo, SpecKind
from specmesh_tasks.parse import task_codes as codes

_PLAN = "plan.md"
_TASKS = "tasks.md"


@dataclass(frozen=True, slots=True)
class _Feature:
    view: TasksView  # the managed files only
    spec_id: str | None
    is_defined: Callable[[str], bool]
    unmanaged: tuple[Problem, ...] = ()  # SM420 for a tasks.md we do not manage


def _features(repo: Repo, ctx: RuleContext) -> list[_Feature]:
    """One view per folder holding a plan.md or a tasks.md, built once per run."""
    return ctx.shared("tasks-views", lambda: _build(repo, ctx))


def _build(repo: Repo, ctx: RuleContext) -> list[_Feature]:
    # The readers load only when the rules run: registering them (every gates run) stays cheap.
    from specmesh_tasks.materialize.facts import UseCaseFact
    from specmesh_tasks.parse.breakdown import parse_breakdown
    from specmesh_tasks.parse.plan import is_managed
    from specmesh_tasks.parse.tasks_md import parse_tasks_md

    index = repo_index(repo, ctx)
    plans, tasks = set(ctx.plan_files), set(ctx.tasks_files)
    folders = sorted({posixpath.dirname(p) for p in plans | tasks})
    allowed = {s.casefold() for s in ctx.settings.plan.allowed_statuses}
    found = []
    for folder in folders:
        plan_rel, tasks_rel = posixpath.join(folder, _PLAN), posixpath.join(folder, _TASKS)
        spec = index.spec_of_file.get(posixpath.join(folder, "spec.md"))
        plan_text = ctx.read_text(plan_rel) if plan_rel in plans else None
        tasks_text = ctx.read_text(tasks_rel) if tasks_rel in tasks else None
        doc = parse_tasks_md(tasks_text, tasks_rel) if tasks_text is not None else None
        unmanaged = doc is not None and not doc.managed
        feature = spec if spec is not None and spec.kind in (SpecKind.FEATURE, SpecKind.FIX) else None
        view = TasksView(
            feature_id=usable_spec_id(spec) if spec else None,
            feature_dir=folder,
            use_cases=tuple(UseCaseFact(uc.id, uc.priority) for uc in feature.use_cases) if feature else (),
            breakdown=parse_breakdown(plan_text, plan_rel) if plan_text is not None and is_managed(plan_text)
            else None,
            doc=None if unmanaged else doc,
            # `specmesh tasks` never writes over a tasks.md it does not manage.
            expects_tasks=not unmanaged and feature is not None
            and (feature.status or "").strip().casefold() in allowed,
        )
        reported = tuple(checks.check_unmanaged(replace(view, doc=doc))) if unmanaged else ()
        found.append(_Feature(view, view.feature_id, _resolver(index, spec.path if spec else tasks_rel), reported))
    return found


def _resolver(index: RepoIndex, source: str) -> Callable[[str], bool]:
    """`is_defined` as seen from one feature (area-less IDs resolve inside its folder)."""
    return lambda item: index.is_defined(item, source)


def _emit(repo: Repo, ctx: RuleContext, check: Callable[[_Feature], list[Problem]]) -> Iterator[Finding]:
    for feature in _features(repo, ctx):
        for problem in check(feature):
            yield finding(problem.code, problem.location, problem.message, feature.spec_id)


def _read(code: str) -> Callable[[_Feature], list[Problem]]:
    """The reader's problems of one code (Work Breakdown and tasks.md lines it could not read)."""
    return lambda f: [p for p in checks.reading_problems(f.view) if p.code == code]


@rule(
    code=codes.TASKS_UNMANAGED, name="unmanaged-tasks", severity="warning",
    summary="tasks.md has no `<!-- specmesh:tasks v1 -->` marker, so `specmesh tasks` never updates it",
    rationale="A tasks.md we did not write (by hand, or the upstream code-span format) is never "
              "modified, so new Work Breakdown tasks never reach it. `specmesh tasks --adopt` converts "
              "it, keeping every checkbox and word.",
    bad_example="# Tasks: Book lending\n\n- `[T-001] [P1] Set up the module`",
    good_example="# Tasks: Book lending\n<!-- specmesh:tasks v1 -->\n\n- [ ] [T-001] [P1] Set up the module",
    fix="Run `specmesh tasks --adopt` for that feature.",
)
def check_unmanaged_tasks(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: list(f.unmanaged))


@rule(
    code=codes.BREAKDOWN_MISSING, name="work-breakdown-missing", severity="warning",
    summary="plan.md has no §11 Work Breakdown with task groups, so no tasks can be materialized",
    rationale="tasks.md is made from the plan's Work Breakdown; without one there is nothing to track.",
    bad_example="## 11. Work Breakdown (Link to Tasks)\n\nTo be decided.",
    good_example="## 11. Work Breakdown (Link to Tasks)\n\n- Task group 1: Setup -> T-001, T-002",
    fix="Add `- Task group N: <summary> -> T-…` lines under §11 of plan.md.",
)
def check_breakdown_missing(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, _read(codes.BREAKDOWN_MISSING))


@rule(
    code=codes.BREAKDOWN_PLACEHOLDER, name="work-breakdown-placeholder", severity="warning",
    summary="a Work Breakdown line still holds the template's `[Summary] -> [Task IDs]` placeholder",
    rationale="The placeholder names no task, so the plan's work never reaches tasks.md.",
    bad_example="- Task group 1: [Summary] -> [Task IDs]",
    good_example="- Task group 1: Setup -> T-001, T-002",
    fix="Replace the placeholder with the group's summary and task IDs.",
)
def check_breakdown_placeholder(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, _read(codes.BREAKDOWN_PLACEHOLDER))


@rule(
    code=codes.BREAKDOWN_UNREADABLE, name="work-breakdown-unreadable", severity="warning",
    summary="a Work Breakdown line cannot be read as a task group or a task",
    rationale="A line the reader cannot read gives no tasks: the work it names is silently missing.",
    bad_example="- Task group 2: Borrowing -> T-1, T-2",
    good_example="- Task group 2: Borrowing -> T-101, T-102",
    fix="Write `- Task group N: <summary> -> T-101, T-102` (also `[T-101, T-102]`, `T-101..T-104`, "
        "`T-002.5`), with optional nested `- T-101: description` bullets.",
)
def check_breakdown_unreadable(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, _read(codes.BREAKDOWN_UNREADABLE))


@rule(
    code=codes.DUPLICATE_TASK_ID, name="duplicate-task-id", severity="error",
    summary="the same task ID is defined twice in a Work Breakdown or in a tasks.md",
    rationale="Progress is kept by task ID: two tasks with one ID cannot be told apart.",
    bad_example="- [ ] [T-101] Write the test\n- [ ] [T-101] Implement it",
    good_example="- [ ] [T-101] Write the test\n- [ ] [T-102] Implement it",
    fix="Give one of them a free ID (a decimal such as `T-101.5` fits between two).",
)
def check_duplicate_task_ids(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: _read(codes.DUPLICATE_TASK_ID)(f) + checks.check_duplicates(f.view))


@rule(
    code=codes.TASK_NOT_MATERIALIZED, name="task-missing-from-tasks", severity="warning",
    summary="a task of the plan's Work Breakdown is not in tasks.md",
    rationale="Work planned but absent from the task list is work nobody tracks.",
    bad_example="plan.md: - Task group 1: Setup -> T-001, T-002\ntasks.md: - [ ] [T-001] Set up",
    good_example="plan.md: - Task group 1: Setup -> T-001, T-002\n"
                 "tasks.md: - [ ] [T-001] Set up\n- [ ] [T-002] Configure",
    fix="Run `specmesh tasks` (it adds the missing tasks and keeps everything else).",
)
def check_tasks_not_materialized(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_not_materialized(f.view))


@rule(
    code=codes.ORPHAN_TASK, name="orphan-task", severity="warning",
    summary="a task of tasks.md is not in the plan's Work Breakdown",
    rationale="It was added by hand or left the plan; `specmesh tasks` keeps it, so the plan and the "
              "task list drift apart unless someone decides.",
    bad_example="plan.md: - Task group 1: Setup -> T-001\n"
                "tasks.md: - [ ] [T-001] Set up\n- [ ] [T-009] Extra",
    good_example="plan.md: - Task group 1: Setup -> T-001, T-009\n"
                 "tasks.md: - [ ] [T-001] Set up\n- [ ] [T-009] Extra",
    fix="Add the task to the Work Breakdown, or delete it from tasks.md.",
)
def check_orphan_tasks(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_orphans(f.view))


@rule(
    code=codes.USE_CASE_WITHOUT_TASK, name="use-case-without-task", severity="warning",
    summary="a use case of the feature spec has no task",
    rationale="A use case no task names is not being built (or its tasks do not say so).",
    bad_example="spec.md: ### UC-LOAN-002: Return a book\ntasks.md: (no task cites UC-LOAN-002)",
    good_example="tasks.md: - [ ] [T-201] [P1] [UC-LOAN-002] [S-LOAN-001] Implement returns",
    fix="Add a task group for the use case to the Work Breakdown and run `specmesh tasks`.",
)
def check_use_cases_have_tasks(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_use_cases(f.view))


@rule(
    code=codes.TASK_UNKNOWN_REFERENCE, name="task-unknown-reference", severity="error",
    summary="a task cites an ID that is defined nowhere (or a task ID this tasks.md lacks)",
    rationale="A task tagged with a use case, requirement or API that does not exist cannot be traced.",
    bad_example="- [ ] [T-101] [UC-LOAN-009] Borrow endpoint",
    good_example="- [ ] [T-101] [UC-LOAN-001] Borrow endpoint",
    fix="Correct the ID, or define it in its spec first.",
)
def check_task_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_unknown_references(f.view, f.is_defined))


@rule(
    code=codes.PHANTOM_COMPLETION, name="phantom-completion", severity="error",
    summary="a task marked done names a file that does not exist",
    rationale="A ticked task whose file is missing was not done (agents tick boxes optimistically). "
              "Checked on the task lines of a managed tasks.md only, a path looked up from the root and "
              "from the feature's folder; an unmanaged tasks.md gets SM420 alone.",
    bad_example="- [x] [T-102] Implement borrowing in lending/loans.py   (no such file)",
    good_example="- [x] [T-102] Implement borrowing in lending/loans.py   (the file exists)",
    fix="Untick the task, or correct the path it names (root- or feature-relative).",
)
def check_phantom_completion(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_phantom_completion(f.view, ctx.exists))


@rule(
    code=codes.TASK_COUNT_STALE, name="task-count-stale", severity="warning",
    summary="the `Total Tasks:` header disagrees with the number of task IDs",
    rationale="Progress reports read the header; a wrong count misstates how much work is left.",
    bad_example="Total Tasks: 3\n\n- [ ] [T-001] Set up\n- [ ] [T-002] Configure",
    good_example="Total Tasks: 2\n\n- [ ] [T-001] Set up\n- [ ] [T-002] Configure",
    fix="Run `specmesh tasks` (managed files), or correct the number.",
)
def check_task_count(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_count(f.view))


@rule(
    code=codes.TASK_DESCRIPTION_UNFILLED, name="task-description-unfilled", severity="warning",
    summary="a task has no description yet (`[TODO: describe T-101]`)",
    rationale="A task nobody described cannot be picked up by a person or an agent.",
    bad_example="- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-101]",
    good_example="- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the failing borrow test",
    fix="Describe it in tasks.md, or as `- T-101: description` under its group in the Work Breakdown "
        "(then `specmesh tasks` fills the placeholder).",
)
def check_task_descriptions(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_unfilled(f.view))


@rule(
    code=codes.TASK_DESCRIPTION_DIFFERS, name="task-description-differs", severity="info",
    summary="a task's description in tasks.md differs from the one in the Work Breakdown",
    rationale="tasks.md keeps the person's words; this says the plan says something else now.",
    bad_example="plan.md: - T-101: Write the borrow test\ntasks.md: - [ ] [T-101] Write the return test",
    good_example="plan.md: - T-101: Write the borrow test\ntasks.md: - [ ] [T-101] Write the borrow test",
    fix="Nothing has to change; align the two texts if the difference is a mistake.",
)
def check_task_description_drift(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, lambda f: checks.check_description_drift(f.view))


@rule(
    code=codes.TASK_LINE_UNREADABLE, name="task-line-unreadable", severity="warning",
    summary="a tasks.md line looks like a task but its ID cannot be read",
    rationale="A task whose ID cannot be read is invisible to progress keeping and to the other checks.",
    bad_example="- [ ] [T-1] Set up",
    good_example="- [ ] [T-001] Set up",
    fix="Write the ID as `T-` and three or more digits (optionally a decimal: `T-002.5`).",
)
def check_task_lines(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    yield from _emit(repo, ctx, _read(codes.TASK_LINE_UNREADABLE))


@rule(
    code="SM449", name="tasks-missing-spec-reference", severity="warning",
    summary="a managed tasks.md mentions neither its feature's Spec ID nor any of its use cases",
    rationale="Tasks that cite nothing of their spec cannot be traced back to requirements. (An "
              "unmanaged tasks.md gets SM420 only: its text is not ours to interpret.)",
    bad_example="features/sloan001-book-lending/tasks.md:\n# Tasks: Book lending\n"
                "<!-- specmesh:tasks v1 -->\n\n- [ ] [T-001] Write the code",
    good_example="features/sloan001-book-lending/tasks.md:\n# Tasks: Book lending\n"
                 "<!-- specmesh:tasks v1 -->\n\n- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Borrow endpoint",
    fix="Tag the tasks with the Spec ID and use case IDs.",
)
def check_tasks_cite_spec(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    for doc in (f.view.doc for f in _features(repo, ctx)):
        spec = sibling_spec(doc.path, repo, ctx) if doc is not None else None
        sid = usable_spec_id(spec) if spec else None
        text = ctx.read_text(doc.path) if doc is not None else None
        if doc is None or spec is None or not sid or text is None:
            continue
        ids = [sid, *(d.id for d in spec.definitions if d.kind is IdKind.USE_CASE)]
        if not any(mentions(text, item) for item in ids):
            yield finding("SM449", Location(doc.path, 1),
                          f"tasks.md references neither {sid} nor any of its use cases", sid)
