"""Reader of tasks.md in the three forms found in spec-mesh repositories.

Grammar (one task per list item; code blocks and HTML comments are ignored)::

    - [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Description      ours / NICK-Q (`[x]`, `[X]` done)
    - `[T-001] [P1] [UC-001] [S-LEADS-001] Description`            upstream spec-mesh code span
    - [x] Description                                              a plain checkbox, no task ID

After the ID come bracket tags in any order: a priority `P0`..`P3`, a use case `UC-…`, a spec
`S-…`/`F-…`, or any one-word tag (`Spec-First`, `2h`); the rest of the line is the description.
A managed file carries `<!-- specmesh:tasks v1 -->` on the line right after its H1. The header is
the `Key: value` lines between the H1 and the first `---` or heading, read by the spec header
grammar (`formats.spec_header.header_fields`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.formats.spec_header import header_fields
from specmesh_tasks.model.ids import IdKind, kind_of
from specmesh_tasks.model.spec import HeaderField, Location, Problem
from specmesh_tasks.parse import task_codes
from specmesh_tasks.parse.mdlines import split_lines, visible_lines

FORMAT_VERSION = "1"
MARKER = f"<!-- specmesh:tasks v{FORMAT_VERSION} -->"
TASK_ID = re.compile(r"T-\d{3,}(?:\.\d+)?")
PLACEHOLDER = re.compile(r"^\[TODO(?::[^\]]*)?\]$")

_MARKER = re.compile(r"^\s*<!--\s*specmesh:tasks\s+v(\d+)\b[^>]*-->\s*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+(?P<body>.*)$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)(?P<rest>.*)$")
_BRACKET_ID = re.compile(r"^\[(?P<id>T-[^\]\s]*)\]")
_BARE_ID = re.compile(r"^(?:\*\*|__)?(?P<id>T-\d(?:[\w.]*\w)?)(?:\*\*|__)?(?=$|[\s:：.,;)—–-])")
_AFTER_BARE = re.compile(r"^\s*(?:[:：—–]|-(?=\s))?\s*")
_TAG = re.compile(r"^\s*\[(?P<tag>[^\]\[\n]+)\]")
_WORD_TAG = re.compile(r"^[A-Za-z0-9][\w.+-]{0,30}$")
_PRIORITY = re.compile(r"^P[0-9]$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")


@dataclass(frozen=True, slots=True)
class TaskItem:
    """The content of one list item read as a task."""

    id: str | None  # None for a plain checkbox without a task ID
    done: bool | None  # None when the item has no checkbox (the code-span form)
    priority: str | None
    use_case: str | None
    spec: str | None
    tags: tuple[str, ...]  # every bracket tag after the ID, as written, in order
    description: str
    style: str  # "checkbox", "code-span" or "bare"
    bad_id: str = ""  # a token shaped like a task ID that is not one (`T-1`), else ""

    @property
    def unfilled(self) -> bool:
        """True when the description is empty or still our placeholder."""
        return not self.description or bool(PLACEHOLDER.match(self.description))


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


def parse_task_item(body: str, *, bare: bool = False) -> TaskItem | None:
    """Read a list item's text (after `- `) as a task; None when it is not one.

    Without a checkbox or code span, an item is a task only when `bare` is set (the Work
    Breakdown's `- T-101: text`); in tasks.md such bullets are notes that mention a task.
    """
    done: bool | None = None
    rest = body.strip()
    box = _CHECKBOX.match(rest)
    if box:
        done, rest = box.group("mark") in "xX", box.group("rest").strip()
    style = "checkbox" if box else "bare"
    if rest.startswith("`"):
        inner = _code_span(rest)
        if inner is not None and inner[0].lstrip().startswith(("[T-", "T-")):
            rest, style = (inner[0].strip() + " " + inner[1]).strip(), "code-span"
    if style == "bare" and not bare:
        return None
    found = _read_id(rest)
    if found is None:
        if done is None:
            return None
        return TaskItem(None, done, None, None, None, (), rest, style)
    task_id, rest, bad = found
    return _with_tags(task_id or None, done, rest, style, bad)


def _code_span(text: str) -> tuple[str, str] | None:
    """`` `inner` trailing `` -> (inner, trailing); None when the span is not closed."""
    ticks = len(text) - len(text.lstrip("`"))
    close = text.find("`" * ticks, ticks)
    if close < 0:
        return None
    return text[ticks:close], text[close + ticks :].strip()


def _read_id(text: str) -> tuple[str, str, str] | None:
    """(valid id or "", text after it, malformed id or "") when the text starts with a task ID."""
    match = _BRACKET_ID.match(text)
    rest_start = match.end() if match else 0
    if not match:
        match = _BARE_ID.match(text)
        if not match:
            return None
        rest_start = match.end()
        rest_start += _AFTER_BARE.match(text[rest_start:]).end()  # type: ignore[union-attr]
    token = match.group("id")
    if TASK_ID.fullmatch(token):
        return token, text[rest_start:], ""
    return "", text[rest_start:], token


def _with_tags(task_id: str | None, done: bool | None, rest: str, style: str, bad: str) -> TaskItem:
    priority = use_case = spec = None
    tags: list[str] = []
    while True:
        match = _TAG.match(rest)
        if not match:
            break
        tag = match.group("tag").strip()
        kind = kind_of(tag)
        if _PRIORITY.match(tag) and priority is None:
            priority = tag
        elif kind is IdKind.USE_CASE and use_case is None:
            use_case = tag
        elif kind in (IdKind.FEATURE, IdKind.FIX) and spec is None:
            spec = tag
        elif kind is None and not _WORD_TAG.match(tag):
            break  # `[TODO: describe T-101]` and other bracketed prose belong to the description
        tags.append(tag)
        rest = rest[match.end() :]
    return TaskItem(task_id, done, priority, use_case, spec, tuple(tags), rest.strip(), style, bad)


def parse_tasks_md(text: str, rel_path: str) -> TasksDoc:
    """Parse tasks.md text (any line endings); never raises."""
    raw = split_lines(text)
    seen = visible_lines(raw, rel_path)
    problems = list(seen.problems)
    title, h1_line = _h1(seen.lines)
    marker = _MARKER.match(raw[h1_line]) if 0 < h1_line < len(raw) else None
    headers = _headers(seen.lines, h1_line)
    headings: list[Heading] = []
    tasks: list[TaskLine] = []
    for number, line in enumerate(seen.lines, start=1):
        heading = _HEADING.match(line)
        if heading and number != h1_line:
            headings.append(Heading(len(heading.group("hashes")), heading.group("title"), number))
            continue
        bullet = _BULLET.match(line)
        item = parse_task_item(bullet.group("body")) if bullet else None
        if bullet is None or item is None:
            continue
        if item.bad_id:
            problems.append(Problem(task_codes.TASK_LINE_UNREADABLE, Location(rel_path, number),
                                    f"'{item.bad_id}' is not a task ID (expected T-NNN, e.g. T-101)"))
            continue
        indent = len(bullet.group("indent").expandtabs(4))
        tasks.append(TaskLine(item, number, indent, len(headings) - 1))
    return TasksDoc(rel_path, title, h1_line, marker.group(1) if marker else "", headers, tuple(headings),
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
