"""The tasks family's checks (SM420–SM449) as pure functions over one feature's files.

Each check takes a `TasksView` (what the spec, the plan's Work Breakdown and tasks.md say) and
returns `Problem`s; `specmesh_tasks.gates.rules.tasks` registers them in the gates' catalogue.
Nothing here reads files: the caller passes `is_defined` and `exists` so the gates can record
what a finding depends on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from specmesh_tasks.model.ids import SCAN_PATTERNS, IdKind
from specmesh_tasks.model.spec import Location, Problem
from specmesh_tasks.parse import task_codes as codes

if TYPE_CHECKING:  # the readers are not needed to register the gates that use these checks
    from specmesh_tasks.materialize.facts import UseCaseFact
    from specmesh_tasks.parse.breakdown import Breakdown
    from specmesh_tasks.parse.tasks_md import TaskLine, TasksDoc

IsDefined = Callable[[str], bool]
Exists = Callable[[str], bool]

# A file path in a description: at least one directory and an extension (`src/loan/service.py`,
# `./web/app.tsx`). Bare names (`service.py`) are too ambiguous to check.
_PATH = re.compile(r"(?<![\w/.:@-])(?:\.{1,2}/)?(?:[\w@+-][\w@.+-]*/)+"
                   r"[\w@+-][\w@.+-]*\.[A-Za-z][A-Za-z0-9]{0,7}(?![\w/])")
_CITED_KINDS = tuple(k for k in SCAN_PATTERNS if k is not IdKind.TASK)


@dataclass(frozen=True, slots=True)
class TasksView:
    """One feature as the tasks checks see it."""

    feature_id: str | None
    feature_dir: str  # root-relative
    use_cases: tuple[UseCaseFact, ...]
    breakdown: Breakdown | None  # None when the feature has no plan.md
    doc: TasksDoc | None  # None when the feature has no tasks.md
    expects_tasks: bool = True  # a feature whose status lets `specmesh tasks` materialize it

    @property
    def tasks_rel(self) -> str:
        return f"{self.feature_dir}/tasks.md" if self.feature_dir else "tasks.md"


def reading_problems(view: TasksView) -> list[Problem]:
    """What the readers reported: unreadable Work Breakdown lines, placeholders, bad task lines."""
    found = list(view.breakdown.problems) if view.breakdown else []
    return found + (list(view.doc.problems) if view.doc else [])


def check_unmanaged(view: TasksView) -> list[Problem]:
    doc = view.doc
    if doc is None or doc.managed:
        return []
    if doc.marker_version:
        message = f"tasks.md carries format v{doc.marker_version}, unknown to this specmesh; not updated"
    else:
        message = "tasks.md is not managed by specmesh (no format marker); run `specmesh tasks --adopt`"
    return [_at(codes.TASKS_UNMANAGED, doc.path, doc.h1_line, message)]


def check_duplicates(view: TasksView) -> list[Problem]:
    doc = view.doc
    if doc is None:
        return []
    first: dict[str, int] = {}
    found = []
    for task in doc.tasks:
        task_id = task.item.id
        if task_id is None:
            continue
        if task_id in first:
            found.append(_at(codes.DUPLICATE_TASK_ID, doc.path, task.line,
                             f"{task_id} is already defined at line {first[task_id]}"))
        else:
            first[task_id] = task.line
    return found


def check_not_materialized(view: TasksView) -> list[Problem]:
    planned = view.breakdown.task_ids() if view.breakdown else []
    if not planned:
        return []
    if view.doc is None:
        if not view.expects_tasks or view.breakdown is None:
            return []
        return [_at(codes.TASK_NOT_MATERIALIZED, view.breakdown.path, view.breakdown.section_line,
                    "the Work Breakdown has tasks but there is no tasks.md; run `specmesh tasks`")]
    present = set(view.doc.ids())
    missing = [t for t in planned if t not in present]
    if not missing:
        return []
    return [_at(codes.TASK_NOT_MATERIALIZED, view.doc.path, 0,
                f"Work Breakdown tasks missing from tasks.md: {', '.join(missing)}; run `specmesh tasks`")]


def check_orphans(view: TasksView) -> list[Problem]:
    if view.doc is None or view.breakdown is None or not view.breakdown.groups:
        return []
    planned = set(view.breakdown.task_ids())
    return [_at(codes.ORPHAN_TASK, view.doc.path, t.line,
                f"{t.item.id} is not in the Work Breakdown of {view.breakdown.path}")
            for t in view.doc.tasks if t.item.id and t.item.id not in planned]


def check_use_cases(view: TasksView) -> list[Problem]:
    """Every use case of the spec has a task (by tag, in a description, or in its group's heading)."""
    if not view.use_cases or (view.doc is None and not (view.breakdown and view.breakdown.groups)):
        return []
    covered = _covered_by_doc(view.doc) if view.doc is not None else _covered_by_plan(view.breakdown)
    where = view.doc.path if view.doc is not None else view.breakdown.path  # type: ignore[union-attr]
    return [_at(codes.USE_CASE_WITHOUT_TASK, where, 0, f"{uc.id} has no task")
            for uc in view.use_cases if uc.id not in covered]


def _covered_by_doc(doc: TasksDoc) -> set[str]:
    text = []
    for task in doc.tasks:
        text.extend([*task.item.tags, task.item.description])
        if task.section >= 0:
            text.append(doc.headings[task.section].title)
    return set(SCAN_PATTERNS[IdKind.USE_CASE].findall(" ".join(text)))


def _covered_by_plan(breakdown: Breakdown | None) -> set[str]:
    if breakdown is None:
        return set()
    text = []
    for group in breakdown.groups:
        text.append(group.summary)
        text.extend(f"{t.use_case or ''} {t.description}" for t in group.tasks)
    return set(SCAN_PATTERNS[IdKind.USE_CASE].findall(" ".join(text)))


def check_unknown_references(view: TasksView, is_defined: IsDefined) -> list[Problem]:
    """IDs a task cites (tags and description) must be defined; task IDs must be in this file."""
    doc = view.doc
    if doc is None:
        return []
    own_tasks = set(doc.ids())
    found = []
    for task in doc.tasks:
        text = " ".join([*task.item.tags, task.item.description])
        for cited in _cited_ids(text):
            if cited == view.feature_id or is_defined(cited):
                continue
            found.append(_at(codes.TASK_UNKNOWN_REFERENCE, doc.path, task.line,
                             f"{task.item.id or 'task'} cites {cited}, which is defined nowhere"))
        for cited in SCAN_PATTERNS[IdKind.TASK].findall(task.item.description):
            if cited not in own_tasks:
                found.append(_at(codes.TASK_UNKNOWN_REFERENCE, doc.path, task.line,
                                 f"{task.item.id or 'task'} cites {cited}, which is not a task of this file"))
    return found


def _cited_ids(text: str) -> list[str]:
    found: list[str] = []
    for kind in _CITED_KINDS:
        found.extend(m.group(0) for m in SCAN_PATTERNS[kind].finditer(text))
    return list(dict.fromkeys(found))


def check_phantom_completion(view: TasksView, exists: Exists) -> list[Problem]:
    """A task ticked `[x]` that names a file path which does not exist (root- or feature-relative)."""
    doc = view.doc
    if doc is None:
        return []
    found = []
    for task in doc.tasks:
        if not task.item.done:
            continue
        for path in named_paths(task.item.description):
            local = f"{view.feature_dir}/{path}" if view.feature_dir else path
            if not exists(path) and not exists(local):
                found.append(_at(codes.PHANTOM_COMPLETION, doc.path, task.line,
                                 f"{task.item.id or 'task'} is marked done but {path} does not exist"))
    return found


def named_paths(description: str) -> list[str]:
    """File paths a description names (see `_PATH`), without a leading `./` or `/`; URLs skipped."""
    text = description.replace("`", " ")
    paths = []
    for match in _PATH.finditer(text):
        if "://" in text[max(0, match.start() - 12) : match.start() + 3]:
            continue
        paths.append(match.group(0).removeprefix("./").lstrip("/"))
    return list(dict.fromkeys(paths))


def check_count(view: TasksView) -> list[Problem]:
    doc = view.doc
    field = doc.header("Total Tasks") if doc else None
    if doc is None or field is None:
        return []
    actual = len(set(doc.ids()))  # a duplicated ID is one task (the duplicate has its own finding)
    if field.value.strip() == str(actual):
        return []
    return [_at(codes.TASK_COUNT_STALE, doc.path, field.line,
                f"Total Tasks says {field.value.strip() or 'nothing'} but the file has {actual} tasks")]


def check_unfilled(view: TasksView) -> list[Problem]:
    doc = view.doc
    if doc is None:
        return []
    return [_at(codes.TASK_DESCRIPTION_UNFILLED, doc.path, t.line,
                f"{t.item.id} has no description yet (describe it here or in the plan's Work Breakdown)")
            for t in doc.tasks if t.item.id and t.item.unfilled]


def check_description_drift(view: TasksView) -> list[Problem]:
    if view.doc is None or view.breakdown is None:
        return []
    planned = {t.id: t.description for t in view.breakdown.tasks() if t.description}
    return [_at(codes.TASK_DESCRIPTION_DIFFERS, view.doc.path, t.line,
                f"{t.item.id} differs from the Work Breakdown: {planned[t.item.id or '']!r}")
            for t in view.doc.tasks if _differs(t, planned)]


def _differs(task: TaskLine, planned: dict[str, str]) -> bool:
    task_id = task.item.id or ""
    return task_id in planned and not task.item.unfilled and task.item.description != planned[task_id]


def check_all(view: TasksView, is_defined: IsDefined, exists: Exists) -> list[Problem]:
    """Every tasks check on one feature, sorted by file and line."""
    found = reading_problems(view)
    for check in (check_unmanaged, check_duplicates, check_not_materialized, check_orphans, check_use_cases,
                  check_count, check_unfilled, check_description_drift):
        found.extend(check(view))
    found.extend(check_unknown_references(view, is_defined))
    found.extend(check_phantom_completion(view, exists))
    return sorted(found, key=lambda p: (p.location.file, p.location.line, p.code, p.message))


def _at(code: str, file: str, line: int, message: str) -> Problem:
    return Problem(code, Location(file, line), message)
