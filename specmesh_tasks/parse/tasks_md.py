"""Reader of tasks.md in the three forms found in spec-mesh repositories.

Each list item is read by the task line grammar (`formats.task_lines`: ours with a checkbox, the
upstream code span, a plain checkbox without an ID); headings give the sections the tasks sit in;
the format marker on the line after the H1 tells a file we manage. The header is the `Key: value`
lines between the H1 and the first `---` or heading, read by the spec header grammar
(`formats.spec_header.header_fields`). Code blocks and HTML comments are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.formats.spec_header import header_fields
from specmesh_tasks.formats.task_lines import FORMAT_VERSION, LIST_ITEM, TaskItem, marker_version, parse_task_item
from specmesh_tasks.model.spec import HeaderField, Location, Problem
from specmesh_tasks.parse import task_codes
from specmesh_tasks.parse.mdlines import split_lines, visible_lines

_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")


@dataclass(frozen=True, slots=True)
class TaskLine:
    item: TaskItem
    line: int  # 1-based
    indent: int  # columns before the bullet
    section: int  # index into TasksDoc.headings of the enclosing heading, -1 before any


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    title: str
    line: int


@dataclass(frozen=True, slots=True)
class TasksDoc:
    """One parsed tasks.md."""

    path: str
    title: str
    h1_line: int  # 0 when the file has no H1
    marker_version: str  # "1" for ours, "" when there is no marker
    headers: tuple[HeaderField, ...]
    headings: tuple[Heading, ...]
    tasks: tuple[TaskLine, ...]
    problems: tuple[Problem, ...]
    line_count: int

    @property
    def managed(self) -> bool:
        """True when `specmesh tasks` may update this file (our marker, our version)."""
        return self.marker_version == FORMAT_VERSION

    def header(self, key: str) -> HeaderField | None:
        wanted = key.casefold()
        return next((h for h in self.headers if h.key.casefold() == wanted), None)

    def ids(self) -> list[str]:
        """Task IDs in file order (duplicates included)."""
        return [t.item.id for t in self.tasks if t.item.id]


def parse_tasks_md(text: str, rel_path: str) -> TasksDoc:
    """Parse tasks.md text (any line endings); never raises."""
    raw = split_lines(text)
    seen = visible_lines(raw, rel_path)
    problems = list(seen.problems)
    title, h1_line = _h1(seen.lines)
    version = marker_version(raw[h1_line]) if 0 < h1_line < len(raw) else ""
    headers = _headers(seen.lines, h1_line)
    headings: list[Heading] = []
    tasks: list[TaskLine] = []
    for number, line in enumerate(seen.lines, start=1):
        heading = _HEADING.match(line)
        if heading and number != h1_line:
            headings.append(Heading(len(heading.group("hashes")), heading.group("title"), number))
            continue
        bullet = LIST_ITEM.match(line)
        item = parse_task_item(bullet.group("body")) if bullet else None
        if bullet is None or item is None:
            continue
        if item.bad_id:
            problems.append(Problem(task_codes.TASK_LINE_UNREADABLE, Location(rel_path, number),
                                    f"'{item.bad_id}' is not a task ID (expected T-NNN, e.g. T-101)"))
            continue
        indent = len(bullet.group("indent").expandtabs(4))
        tasks.append(TaskLine(item, number, indent, len(headings) - 1))
    return TasksDoc(rel_path, title, h1_line, version, headers, tuple(headings),
                    tuple(tasks), tuple(problems), len(raw))


def _h1(lines: tuple[str, ...]) -> tuple[str, int]:
    for number, line in enumerate(lines, start=1):
        if line.startswith("# "):
            title = line[2:].strip()
            return (title[len("Tasks:"):].strip() if title.startswith("Tasks:") else title), number
    return "", 0


def _headers(lines: tuple[str, ...], h1_line: int) -> tuple[HeaderField, ...]:
    """The header lines after the H1, read by the spec header grammar (tasks.md shares its shape)."""
    return tuple(HeaderField(f.key, f.value, f.line) for f in header_fields(lines, h1_line))
