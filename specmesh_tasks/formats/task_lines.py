"""One line of tasks.md: the task line grammar, read and written here.

Grammar (one task per list item; the readers skip code blocks and HTML comments)::

    - [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Description      ours / NICK-Q (`[x]`, `[X]` done)
    - `[T-001] [P1] [UC-001] [S-LEADS-001] Description`            upstream spec-mesh code span
    - [x] Description                                              a plain checkbox, no task ID
    - T-101: Description                                           bare: a Work Breakdown task only

A task group is named the same way in plan.md's Work Breakdown and in tasks.md's headings
(`task_group`)::

    - Task group 2: Cancel a loan -> T-201, T-202                  a Work Breakdown group line
    ## Task group 2: Cancel a loan                                 its section in tasks.md

"Task group" in any case, bold allowed (`**Task group 2:**`), then a number (`2`, `2.1`, `2a`, or
one letter before a separator), then an optional separator (`:`, `：`, `.`, `)`, or a dash
followed by a space), then the rest: the summary, and in the plan the arrow and the task IDs.

A list item starts with `-`, `*`, `+` or `1.` / `1)`. A task ID is `T-` and at least three digits,
with an optional `.N` for a task slipped in later (`T-002.5`). After the ID come bracket tags in
any order: a priority `P0`..`P9`, a use case `UC-…`, a spec `S-…`/`F-…`, or any one-word tag
(`Spec-First`, `2h`); the rest of the line is the description. A description the plan does not
give yet is the placeholder `[TODO: describe T-101]`. A file we manage carries the format marker
`<!-- specmesh:tasks v1 -->` on the line right after its H1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from specmesh_tasks.model.ids import IdKind, kind_of

FORMAT_VERSION = "1"
MARKER = f"<!-- specmesh:tasks v{FORMAT_VERSION} -->"
TASK_ID = re.compile(r"T-\d{3,}(?:\.\d+)?")
PLACEHOLDER = re.compile(r"^\[TODO(?::[^\]]*)?\]$")
LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+(?P<body>.*)$")

_MARKER = re.compile(r"^\s*<!--\s*specmesh:tasks\s+v(\d+)\b[^>]*-->\s*$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)(?P<rest>.*)$")
_BRACKET_ID = re.compile(r"^\[(?P<id>T-[^\]\s]*)\]")
_BARE_ID = re.compile(r"^(?:\*\*|__)?(?P<id>T-\d(?:[\w.]*\w)?)(?:\*\*|__)?(?=$|[\s:：.,;)—–-])")
_AFTER_BARE = re.compile(r"^\s*(?:[:：—–]|-(?=\s))?\s*")
_TAG = re.compile(r"^\s*\[(?P<tag>[^\]\[\n]+)\]")
_WORD_TAG = re.compile(r"^[A-Za-z0-9][\w.+-]{0,30}$")
_PRIORITY = re.compile(r"^P[0-9]$")
_OPEN_BOX = re.compile(r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)\[ \]")
_MENTION = re.compile(r"\[(T-\d{3,}(?:\.\d+)?)\]")
# The separator after the number: `:`, `：`, `.`, `)`, or a dash only before a space (so that
# `Task group 1 -> T-001` has none).
_GROUP = re.compile(
    r"^(?:\*\*|__)?task[ \t]+group\b[ \t]*"
    r"(?P<num>\d+(?:\.\d+)*[a-z]?|[a-z](?=[ \t]*(?:[:：.)]|[-—–](?=[ \t])|$)))?"
    r"(?:\*\*|__)?[ \t]*(?:[:：.)]|[-—–](?=[ \t]))?[ \t]*(?:\*\*|__)?[ \t]*(?P<rest>.*)$",
    re.IGNORECASE,
)


def marker_version(line: str) -> str:
    """The format version of a `<!-- specmesh:tasks vN -->` line ("" when it is not one)."""
    match = _MARKER.match(line)
    return match.group(1) if match else ""


def placeholder(task_id: str) -> str:
    """The visible stand-in for a description the plan does not give yet (the gates report it)."""
    return f"[TODO: describe {task_id}]"


def ticked(line: str) -> str:
    """`line` with its unchecked box checked (`- [ ] …` -> `- [x] …`); other lines as they are."""
    return _OPEN_BOX.sub(r"\1[x]", line, count=1)


def task_mentions(text: str) -> list[str]:
    """The task IDs named in brackets in `text` (a commit message: `fix date math [T-102]`)."""
    return _MENTION.findall(text)


def task_line(tags: list[str | None], description: str) -> str:
    """`- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Description` (empty tags left out)."""
    return "- [ ] " + " ".join(f"[{tag}]" for tag in tags if tag) + " " + description


class ListItem(NamedTuple):
    """A Markdown list item's line, read by `list_item`."""

    indent: str
    checked: bool | None  # None: no checkbox
    text: str  # after the bullet and the checkbox


def list_item(line: str) -> ListItem | None:
    """A line read as a list item (`- text`, `* [x] text`, `1. text`, `2) text`); None when it is not one.
    The one list-item grammar: task lines, the Work Breakdown and the spec prose a plan quotes."""
    item = LIST_ITEM.match(line)
    if item is None:
        return None
    box = _CHECKBOX.match(item.group("body"))
    if box is None:
        return ListItem(item.group("indent"), None, item.group("body"))
    return ListItem(item.group("indent"), box.group("mark") != " ", box.group("rest"))


class GroupLine(NamedTuple):
    """A task group's line or heading, read by `task_group`."""

    number: str  # as written ("" when unnumbered)
    rest: str  # after the separator: the summary (and in the plan the arrow and the task IDs)


def task_group(text: str) -> GroupLine | None:
    """A list item's text or a heading's title read as a task group (see the module grammar)."""
    match = _GROUP.match(text)
    return GroupLine(match.group("num") or "", match.group("rest")) if match else None


def checkbox_form(line: str) -> str:
    """An upstream code-span task in our checkbox form, the same words:
    `` - `[T-001] text` trailing `` -> `- [ ] [T-001] text trailing` (a `[x]` before it is kept).
    Any other line is returned as it is."""
    item = LIST_ITEM.match(line)
    if item is None:
        return line
    body = item.group("body")
    box = _CHECKBOX.match(body)
    rest = box.group("rest") if box else body
    span = _code_span(rest) if rest.startswith("`") else None
    if span is None:
        return line
    words = " ".join(part for part in (span[0].strip(), span[1]) if part)
    mark = f"[{box.group('mark')}]" if box else "[ ]"
    return f"{line[:item.start('body')]}{mark} {words}"


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
