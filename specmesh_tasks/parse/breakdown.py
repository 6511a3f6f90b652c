"""Reader of plan.md §11 Work Breakdown (Link to Tasks).

Grammar of the section (found by number `11` or by a title containing "Work Breakdown"; code
blocks and HTML comments are skipped)::

    - Task group N: <summary> -> T-001, T-002          a group and its task IDs
    - Task group N: <summary> -> [T-001, T-002]        the same, in brackets
    - Task group N: <summary> -> T-101..T-104          a range (also `T-101–T-104`, `T-101..104`)
    - Task group N: <summary> -> T-002, T-002.5        decimal IDs for tasks slipped in later
      - T-101: description                             a task's description, nested under its group
      - [ ] [T-101] [P1] [UC-LOAN-001] description     or a full task line (priority, use case, tags)

The arrow may also be `→` or `=>`; a group may list its IDs only through nested task bullets. A
use case ID in the summary tags the group's tasks. Prose lines are ignored; a bullet that is
neither a group nor a task is reported with its line, and the template's own placeholder line
(`[Summary] -> [Task IDs]`) gives no tasks and a finding. Never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specmesh_tasks.formats.task_lines import (
    LIST_ITEM,
    TASK_ID,
    GroupLine,
    TaskItem,
    parse_task_item,
    task_group,
)
from specmesh_tasks.model.ids import SCAN_PATTERNS, IdKind
from specmesh_tasks.model.spec import Location, Problem
from specmesh_tasks.parse import task_codes as codes
from specmesh_tasks.parse.mdlines import split_lines, visible_lines

MAX_RANGE = 500  # a longer range is a typo (`T-101..T-1040`), not a plan

_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?:(?P<num>\d+(?:\.\d+)*)\.?[ \t]+)?(?P<title>.*?)[ \t#]*$")
_ARROW = re.compile(r"\s*(?:->|→|=>|⇒|⟶)\s*")
_RANGE = re.compile(r"(T-\d{3,}(?:\.\d+)?)\s*(?:\.\.\.?|–|—|〜|~|\s-\s|\bto\b)\s*(T-\d{3,}(?:\.\d+)?|\d{3,})")
_SEPARATORS = re.compile(r"[\s,、;；]+|\band\b|&")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_PLACEHOLDER = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True, slots=True)
class BreakdownTask:
    """One task of the Work Breakdown."""

    id: str
    description: str  # "" when the plan gives none
    priority: str | None = None
    use_case: str | None = None
    tags: tuple[str, ...] = ()  # further tags of a full task line (`Spec-First`, `2h`)
    line: int = 0


@dataclass(frozen=True, slots=True)
class TaskGroup:
    number: str  # "1", "2" ... as written ("" when unnumbered)
    summary: str
    use_case: str | None  # the one UC ID named in the summary, if exactly one
    tasks: tuple[BreakdownTask, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The Work Breakdown of one plan.md."""

    path: str
    section_line: int  # the §11 heading, 0 when the plan has none
    groups: tuple[TaskGroup, ...]
    problems: tuple[Problem, ...]

    def tasks(self) -> list[BreakdownTask]:
        """Every task in plan order."""
        return [t for g in self.groups for t in g.tasks]

    def task_ids(self) -> list[str]:
        return [t.id for g in self.groups for t in g.tasks]


@dataclass(slots=True)
class _Group:
    """A group while it is being read."""

    number: str
    summary: str
    line: int
    indent: int
    listed: list[tuple[str, int]] = field(default_factory=list)  # (id, line) from the arrow part
    nested: list[BreakdownTask] = field(default_factory=list)
    placeholder: bool = False


def parse_breakdown(text: str, rel_path: str) -> Breakdown:
    """Read §11 of a plan's text into task groups and problems with their lines."""
    lines = visible_lines(split_lines(text)).lines
    start, end = _find_section(lines)
    if not start:
        return Breakdown(rel_path, 0, (), (_problem(codes.BREAKDOWN_MISSING, rel_path, 0,
                                                    "plan has no §11 Work Breakdown section; no tasks"),))
    reader = _Reader(rel_path)
    for number in range(start + 1, end + 1):
        reader.feed(number, lines[number - 1])
    return reader.finish(start)


def _find_section(lines: tuple[str, ...]) -> tuple[int, int]:
    """(heading line, last line) of §11, by number first, then by title; (0, 0) when absent."""
    headings = [(n, m) for n, line in enumerate(lines, start=1) if (m := _HEADING.match(line))]
    chosen = next(((n, m) for n, m in headings if m.group("num") == "11"
                   and len(m.group("hashes")) == 2), None)
    if chosen is None:
        chosen = next(((n, m) for n, m in headings if "work breakdown" in m.group("title").casefold()), None)
    if chosen is None:
        return 0, 0
    line, match = chosen
    level = len(match.group("hashes"))
    end = next((n - 1 for n, m in headings if n > line and len(m.group("hashes")) <= level), len(lines))
    return line, end


class _Reader:
    """Line-by-line state machine over the section's lines."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.groups: list[_Group] = []
        self.problems: list[Problem] = []
        self.last_task: tuple[int, int] | None = None  # (indent, index in current group's nested)

    def feed(self, number: int, line: str) -> None:
        if not line.strip():
            self.last_task = None
            return
        bullet = LIST_ITEM.match(line)
        if bullet is None:
            self._prose(number, line)
            return
        indent = len(bullet.group("indent").expandtabs(4))
        body = bullet.group("body").strip()
        group = task_group(body)
        if group is not None:
            self._group(number, group, indent)
            return
        self._item(number, body, indent)

    def _prose(self, number: int, line: str) -> None:
        """A non-bullet line: a group written without a bullet, a continuation, or prose."""
        stripped = line.strip()
        named = task_group(stripped)
        if named is not None and _ARROW.search(stripped):
            self._group(number, named, 0)
            return
        group = self.groups[-1] if self.groups else None
        if group and self.last_task and line[:1].isspace():
            index = self.last_task[1]
            task = group.nested[index]
            joined = f"{task.description} {stripped}".strip()
            group.nested[index] = BreakdownTask(task.id, joined, task.priority, task.use_case, task.tags,
                                                task.line)

    def _group(self, number: int, named: GroupLine, indent: int) -> None:
        parts = _ARROW.split(named.rest)
        summary = _clean_summary(parts[0] if len(parts) > 1 else named.rest)
        group = _Group(named.number, summary, number, indent)
        self.groups.append(group)
        self.last_task = None
        if len(parts) > 1:
            ids_text = " ".join(parts[1:]) if len(parts) > 2 else parts[1]
            self._read_ids(group, number, ids_text)

    def _read_ids(self, group: _Group, number: int, text: str) -> None:
        text = _TRAILING_NOTE.sub("", text).strip()
        if not TASK_ID.search(text) and (_PLACEHOLDER.search(text) or _PLACEHOLDER.fullmatch(group.summary)):
            group.placeholder = True
            return
        ids, bad = expand_ids(text)
        group.listed.extend((task_id, number) for task_id in ids)
        for token in bad:
            self.problems.append(_problem(codes.BREAKDOWN_UNREADABLE, self.rel, number,
                                          f"cannot read '{token}' as a task ID or range (e.g. T-101, "
                                          "T-101..T-104, T-002.5)"))

    def _item(self, number: int, body: str, indent: int) -> None:
        group = self.groups[-1] if self.groups else None
        item = parse_task_item(body, bare=True)
        if group is None:
            self.problems.append(_problem(codes.BREAKDOWN_UNREADABLE, self.rel, number,
                                          "bullet before any 'Task group N: <summary> -> T-…' line"))
            return
        under_task = bool(self.last_task and indent > self.last_task[0])
        if under_task:
            return  # a note (or a task merely mentioned) under a task: not ours to read
        message = _unreadable(item, indent > group.indent)
        if message:
            self.problems.append(_problem(codes.BREAKDOWN_UNREADABLE, self.rel, number, message))
            return
        if item is None or item.id is None:
            return  # a nested note under the group
        group.nested.append(_task_from_item(item, number))
        self.last_task = (indent, len(group.nested) - 1)

    def finish(self, section_line: int) -> Breakdown:
        groups: list[TaskGroup] = []
        seen: dict[str, int] = {}
        for raw in self.groups:
            if raw.placeholder and not raw.nested:
                self.problems.append(_problem(
                    codes.BREAKDOWN_PLACEHOLDER, self.rel, raw.line,
                    "Work Breakdown line still holds the template placeholder "
                    "('[Summary] -> [Task IDs]'); it gives no tasks"))
                continue
            combined = _combine(raw)
            tasks = self._dedupe(combined, seen)
            if not tasks:
                if combined or any(p.location.line == raw.line for p in self.problems):
                    continue  # already reported: duplicates or unreadable IDs
                self.problems.append(_problem(codes.BREAKDOWN_UNREADABLE, self.rel, raw.line,
                                              f"task group {raw.number or '?'} names no task IDs"))
                continue
            use_case = _single_use_case(raw.summary)
            groups.append(TaskGroup(raw.number, raw.summary, use_case, tuple(tasks), raw.line))
        if not groups and not any(p.code == codes.BREAKDOWN_PLACEHOLDER for p in self.problems):
            self.problems.append(_problem(codes.BREAKDOWN_MISSING, self.rel, section_line,
                                          "the Work Breakdown has no task groups; no tasks"))
        return Breakdown(self.rel, section_line, tuple(groups), tuple(sorted(self.problems, key=_by_line)))

    def _dedupe(self, tasks: list[BreakdownTask], seen: dict[str, int]) -> list[BreakdownTask]:
        kept = []
        for task in tasks:
            if task.id in seen:
                self.problems.append(_problem(codes.DUPLICATE_TASK_ID, self.rel, task.line,
                                              f"{task.id} is already listed at line {seen[task.id]}"))
                continue
            seen[task.id] = task.line
            kept.append(task)
        return kept


def expand_ids(text: str) -> tuple[list[str], list[str]]:
    """`[T-001, T-003..T-005]` -> (['T-001', 'T-003', 'T-004', 'T-005'], unreadable tokens)."""
    text = text.replace("`", " ").replace("[", " ").replace("]", " ")
    ids: list[str] = []
    bad: list[str] = []
    pos = 0
    for match in _RANGE.finditer(text):
        _split_ids(text[pos : match.start()], ids, bad)
        expanded = _expand_range(match.group(1), match.group(2))
        if expanded is None:
            bad.append(match.group(0))
        ids.extend(expanded or [])
        pos = match.end()
    _split_ids(text[pos:], ids, bad)
    return ids, bad


def _split_ids(text: str, ids: list[str], bad: list[str]) -> None:
    for token in _SEPARATORS.split(text):
        if token:
            (ids if TASK_ID.fullmatch(token) else bad).append(token)


def _expand_range(first: str, last: str) -> list[str] | None:
    """`T-101`, `T-104` (or `104`) -> the IDs between; None when it is not a sensible range."""
    if "." in first or "." in last:
        return None
    digits = first[2:]
    end_digits = last[2:] if last.startswith("T-") else last
    low, high = int(digits), int(end_digits)
    if high < low or high - low >= MAX_RANGE:
        return None
    return [f"T-{n:0{len(digits)}d}" for n in range(low, high + 1)]


def _numeric(task_id: str) -> float:
    return float(task_id[2:])


def _combine(group: _Group) -> list[BreakdownTask]:
    """The arrow's IDs in order, filled in by nested bullets; nested-only IDs slotted in by number."""
    if not group.listed:
        return list(group.nested)
    nested = {t.id: t for t in group.nested}
    ordered = [nested.get(task_id) or BreakdownTask(task_id, "", line=line) for task_id, line in group.listed]
    listed = {task_id for task_id, _ in group.listed}
    for task in group.nested:
        if task.id in listed:
            continue
        at = next((i for i, t in enumerate(ordered) if _numeric(t.id) > _numeric(task.id)), len(ordered))
        ordered.insert(at, task)
    return ordered


def _unreadable(item: TaskItem | None, nested: bool) -> str:
    """Why a bullet under a group cannot be read as a task, or "" when it can (or is a note)."""
    if item is not None and item.bad_id:
        return f"'{item.bad_id}' is not a task ID (expected T-NNN, e.g. T-101 or T-002.5)"
    if item is not None and item.id is None:
        return "task line without a task ID (write it as '- [ ] [T-NNN] description')"
    if item is None and not nested:
        return "not a 'Task group N: <summary> -> T-…' line"
    return ""


def _task_from_item(item: TaskItem, line: int) -> BreakdownTask:
    assert item.id is not None
    extra = tuple(t for t in item.tags if t not in (item.priority, item.use_case, item.spec))
    return BreakdownTask(item.id, item.description, item.priority, item.use_case, extra, line)


def _clean_summary(text: str) -> str:
    return text.strip().strip("*_").strip()


def _single_use_case(summary: str) -> str | None:
    found = list(dict.fromkeys(m.group(0) for m in SCAN_PATTERNS[IdKind.USE_CASE].finditer(summary)))
    return found[0] if len(found) == 1 else None


def _problem(code: str, rel: str, line: int, message: str) -> Problem:
    return Problem(code, Location(rel, line), message)


def _by_line(problem: Problem) -> tuple[int, str]:
    return problem.location.line, problem.code
