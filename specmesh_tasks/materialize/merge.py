"""Merge the Work Breakdown into an existing managed tasks.md, by task ID, keeping progress.

What the merge may do, and nothing else:
- add each Work Breakdown task the file lacks, inside its group's section, next to its plan
  neighbours (a group the file lacks becomes a new section after the previous group's);
- replace our own untouched placeholder `[TODO: describe T-101]` with the description the plan
  gives now (the only edit to an existing line: no person wrote that text);
- update `Total Tasks:` (and `Estimated Hours:` when every task carries an hours tag like `[2h]`).
Existing task lines, hand-added tasks, orphans, headings and every other line stay as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.formats.spec_header import line_like, with_value
from specmesh_tasks.formats.task_lines import placeholder, task_group
from specmesh_tasks.materialize.facts import FeatureFacts
from specmesh_tasks.materialize.render import group_heading, task_line
from specmesh_tasks.parse.breakdown import Breakdown, BreakdownTask, TaskGroup
from specmesh_tasks.parse.tasks_md import TaskLine, TasksDoc, parse_tasks_md

_HOURS = re.compile(r"^(\d+(?:\.\d+)?)h$")


@dataclass(frozen=True, slots=True)
class MergeResult:
    text: str
    added: tuple[str, ...]  # task IDs added
    filled: tuple[str, ...]  # task IDs whose placeholder got the plan's description
    total: int  # task IDs after the merge (an ID on two lines counts once)


@dataclass(frozen=True, slots=True)
class _Section:
    heading: int  # 1-based line of the heading
    end: int  # last line of the section (inclusive)
    level: int


def merge_tasks(text: str, breakdown: Breakdown, facts: FeatureFacts, rel: str = "tasks.md") -> MergeResult:
    """Add the missing tasks and refresh the header counts; `text` uses LF line endings."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    doc = parse_tasks_md("\n".join(lines), rel)
    filled = _fill_placeholders(lines, doc, breakdown)
    present = set(doc.ids())
    added: list[str] = []
    for position, group in enumerate(breakdown.groups, start=1):
        missing = [t for t in group.tasks if t.id not in present]
        for task in missing:
            doc = parse_tasks_md("\n".join(lines), rel)
            _insert_task(lines, doc, breakdown, position, group, task, facts)
            present.add(task.id)
            added.append(task.id)
    doc = parse_tasks_md("\n".join(lines), rel)
    total = _update_counts(lines, doc)
    return MergeResult("\n".join(lines) + "\n", tuple(added), tuple(filled), total)


def _fill_placeholders(lines: list[str], doc: TasksDoc, breakdown: Breakdown) -> list[str]:
    described = {t.id: t.description for t in breakdown.tasks() if t.description}
    filled = []
    for task in doc.tasks:
        task_id = task.item.id
        if task_id not in described or task.item.description != placeholder(task_id or ""):
            continue
        raw = lines[task.line - 1].rstrip()
        if raw.endswith(placeholder(task_id or "")):
            lines[task.line - 1] = raw[: -len(placeholder(task_id or ""))] + described[task_id or ""]
            filled.append(task_id or "")
    return filled


def _sections(doc: TasksDoc) -> list[_Section]:
    """Every heading's span: up to the next heading of the same or a higher level."""
    spans = []
    for i, heading in enumerate(doc.headings):
        nxt = next((h.line for h in doc.headings[i + 1 :] if h.level <= heading.level), doc.line_count + 1)
        spans.append(_Section(heading.line, nxt - 1, heading.level))
    return spans


def _insert_task(lines: list[str], doc: TasksDoc, breakdown: Breakdown, position: int, group: TaskGroup,
                 task: BreakdownTask, facts: FeatureFacts) -> None:
    line = task_line(task, group, facts)
    sections = _sections(doc)
    home = _group_section(doc, sections, group)
    if home is not None:
        _insert_in_section(lines, doc, home, group, task, line)
        return
    level = next((s.level for s in sections if _is_group_heading(doc, s)), 2)
    block = [group_heading(group, position, level), "", line]
    before = _neighbour_section(doc, sections, breakdown, position, backwards=True)
    after = _neighbour_section(doc, sections, breakdown, position, backwards=False)
    if before is not None:
        _insert_block_after(lines, before.end, block)
    elif after is not None:
        _insert_block_before(lines, after.heading, block)
    else:
        last = max((s for s in sections if _tasks_in(doc, s)), key=lambda s: s.end, default=None)
        _insert_block_after(lines, last.end if last else len(lines), block)


def _group_section(doc: TasksDoc, sections: list[_Section], group: TaskGroup) -> _Section | None:
    """Where a group lives: the section holding most of its tasks, else its heading by summary or number."""
    ids = {t.id for t in group.tasks}
    counts: dict[int, int] = {}
    for task in doc.tasks:
        if task.item.id in ids and task.section >= 0:
            counts[task.section] = counts.get(task.section, 0) + 1
    if counts:
        best = max(sorted(counts), key=lambda i: counts[i])
        return sections[best]  # the innermost heading: a subsection if the person made one
    headed = [(s, task_group(doc.headings[i].title)) for i, s in enumerate(sections)]
    for section, named in headed:
        if named and named.rest.strip().casefold() == group.summary.casefold() != "":
            return section
    for section, named in headed:
        if named and group.number and named.number == group.number:
            return section
    return None


def _is_group_heading(doc: TasksDoc, section: _Section) -> bool:
    heading = next(h for h in doc.headings if h.line == section.heading)
    return task_group(heading.title) is not None


def _tasks_in(doc: TasksDoc, section: _Section) -> list[TaskLine]:
    return [t for t in doc.tasks if section.heading < t.line <= section.end]


def _neighbour_section(doc: TasksDoc, sections: list[_Section], breakdown: Breakdown, position: int,
                       *, backwards: bool) -> _Section | None:
    """The section of the nearest group before (or after) this one that the file has."""
    others = breakdown.groups[: position - 1][::-1] if backwards else breakdown.groups[position:]
    for other in others:
        found = _group_section(doc, sections, other)
        if found is not None:
            return found
    return None


def _insert_in_section(lines: list[str], doc: TasksDoc, section: _Section, group: TaskGroup,
                       task: BreakdownTask, line: str) -> None:
    order = [t.id for t in group.tasks]
    at = order.index(task.id)
    earlier, later = set(order[:at]), set(order[at + 1 :])
    inside = _tasks_in(doc, section)
    anchor = next((t for t in reversed(inside) if t.item.id in earlier), None)
    if anchor is not None:
        lines.insert(_block_end(lines, anchor), _indent_like(lines, anchor) + line)
        return
    follower = next((t for t in inside if t.item.id in later), None)
    if follower is not None:
        lines.insert(follower.line - 1, _indent_like(lines, follower) + line)
        return
    if inside:
        last = inside[-1]
        lines.insert(_block_end(lines, last), _indent_like(lines, last) + line)
        return
    _insert_block_after(lines, section.end, [line])


def _block_end(lines: list[str], task: TaskLine) -> int:
    """0-based index just after a task line and the lines nested under it."""
    index = task.line
    while index < len(lines) and lines[index].strip() and _indent(lines[index]) > task.indent:
        index += 1
    return index


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _indent_like(lines: list[str], task: TaskLine) -> str:
    raw = lines[task.line - 1]
    return raw[: len(raw) - len(raw.lstrip())]


def _insert_block_after(lines: list[str], last_line: int, block: list[str]) -> None:
    """Insert after the last non-blank line at or before `last_line`, separated by blank lines."""
    index = min(last_line, len(lines))
    while index > 0 and not lines[index - 1].strip():
        index -= 1
    chunk = ["", *block]
    if index < len(lines) and lines[index].strip():
        chunk.append("")
    lines[index:index] = chunk


def _insert_block_before(lines: list[str], heading_line: int, block: list[str]) -> None:
    index = heading_line - 1
    chunk = [*block, ""]
    if index > 0 and lines[index - 1].strip():
        chunk.insert(0, "")
    lines[index:index] = chunk


def _update_counts(lines: list[str], doc: TasksDoc) -> int:
    """Refresh `Total Tasks:` (and `Estimated Hours:` when every task is estimated).

    A task ID on two lines (a line pasted twice) is one task: counted, and estimated, once.
    """
    firsts = {t.item.id: t for t in reversed(doc.tasks) if t.item.id}
    with_id = [t for t in doc.tasks if t.item.id and firsts[t.item.id] is t]
    total = len(with_id)
    _set_header(lines, doc, "Total Tasks", str(total))
    hours = [_hours(t) for t in with_id]
    if with_id and all(h is not None for h in hours):
        value = f"{sum(h for h in hours if h is not None):g}"
        if not _set_header(lines, doc, "Estimated Hours", value):
            field = doc.header("Total Tasks")
            if field is not None:  # a line like the Total Tasks one, right under it
                lines.insert(field.line, line_like(lines[field.line - 1], field.key, "Estimated Hours", value))
    return total


def _set_header(lines: list[str], doc: TasksDoc, key: str, value: str) -> bool:
    """Set a header field's value in place, in the form the line is written in (plain, bold, a
    table row); False when the file has no such field."""
    field = doc.header(key)
    if field is None:
        return False
    if field.value.strip() != value:
        lines[field.line - 1] = with_value(lines[field.line - 1], value)
    return True


def _hours(task: TaskLine) -> float | None:
    for tag in task.item.tags:
        match = _HOURS.match(tag)
        if match:
            return float(match.group(1))
    return None
