"""In-text markers and in-place suppressions.

Grammar (case-sensitive, outside HTML comments, fenced code and code spans):
`[NEEDS CLARIFICATION]` / `[NEEDS CLARIFICATION: question]`, `[DEFERRED: reason]` (also bare),
`[HUMAN_CHECKPOINT]` (also `[HUMAN_CHECKPOINT] Spec Approval`), `[TODO]` / `[TODO: text]`,
`[USER FEEDBACK: …]`, `[PENDING OVERVIEW CHANGE: …]`. In a vision, domain or screen spec, each
unchecked `- [ ]` item inside its *Open Questions* section is an OPEN_QUESTION (other checklists
are not). `<!-- specmesh: ignore CODE[,CODE] -->` is a SUPPRESS marker whose text is the codes
(comma-joined): it is the one marker that lives in an HTML comment.
"""

from __future__ import annotations

import re

from specmesh_tasks.model.spec import Marker, MarkerKind, SpecKind
from specmesh_tasks.parse.context import SpecContext
from specmesh_tasks.parse.inline import code_span_ranges, in_ranges
from specmesh_tasks.parse.records import new_marker

_MARKER = re.compile(
    r"\[(NEEDS CLARIFICATION|DEFERRED|HUMAN_CHECKPOINT|TODO|USER FEEDBACK|PENDING OVERVIEW CHANGE)"
    r"(?:\s*[:：][^\]\n]*)?\]"
)
_KINDS = {
    "NEEDS CLARIFICATION": MarkerKind.NEEDS_CLARIFICATION,
    "DEFERRED": MarkerKind.DEFERRED,
    "HUMAN_CHECKPOINT": MarkerKind.HUMAN_CHECKPOINT,
    "TODO": MarkerKind.TODO,
    "USER FEEDBACK": MarkerKind.USER_FEEDBACK,
    "PENDING OVERVIEW CHANGE": MarkerKind.PENDING_OVERVIEW_CHANGE,
}
_SUPPRESS = re.compile(r"\s*specmesh\s*:\s*ignore\s+([A-Za-z0-9_\-]+(?:\s*[,\s]\s*[A-Za-z0-9_\-]+)*)\s*$")
_OPEN_BOX = re.compile(r"\s*[-*+]\s+\[ \]\s*(.*?)\s*$")
_OVERVIEW = (SpecKind.VISION, SpecKind.DOMAIN, SpecKind.SCREEN)
_OPEN_QUESTION_TITLES = ("open question", "未解決", "未決")


def find_markers(ctx: SpecContext, text: str) -> list[Marker]:
    """Every marker of the file, in line order; `text` is the file's comment-free lines joined."""
    found: list[Marker] = []
    if "[" in text:
        found.extend(_text_markers(ctx, text))
    if ctx.kind in _OVERVIEW:
        found.extend(_open_questions(ctx))
    found.extend(_suppressions(ctx))
    found.sort(key=lambda m: m.location.line)
    return found


def _text_markers(ctx: SpecContext, text: str) -> list[Marker]:
    doc, out = ctx.doc, []
    line, pos = 1, 0
    for match in _MARKER.finditer(text):
        start = match.start()
        line += text.count("\n", pos, start)
        pos = start
        if doc.code[line - 1]:
            continue
        row = doc.visible[line - 1]
        if "`" in row:
            column = start - (text.rfind("\n", 0, start) + 1)
            if in_ranges(column, code_span_ranges(row)):
                continue
        kind = _KINDS[match.group(1)]
        out.append(new_marker(kind, match.group(0), ctx.loc(line), ctx.index.label(line)))
    return out


def _open_questions(ctx: SpecContext) -> list[Marker]:
    out, seen = [], set()
    for section in ctx.index.sections:
        title = section.title.casefold()
        if not any(t in title for t in _OPEN_QUESTION_TITLES):
            continue
        for i in range(section.start, section.end):
            if ctx.doc.code[i] or i in seen:
                continue
            seen.add(i)
            match = _OPEN_BOX.match(ctx.doc.visible[i])
            if match is not None:
                out.append(new_marker(MarkerKind.OPEN_QUESTION, match.group(0).strip(), ctx.loc(i + 1),
                                  ctx.index.label(i + 1)))
    return out


def _suppressions(ctx: SpecContext) -> list[Marker]:
    out = []
    for comment in ctx.doc.comments:
        if "specmesh" not in comment.text:
            continue
        match = _SUPPRESS.match(comment.text)
        if match is not None:
            codes = ",".join(c for c in re.split(r"[\s,]+", match.group(1)) if c)
            line = comment.line
            out.append(new_marker(MarkerKind.SUPPRESS, codes, ctx.loc(line), ctx.index.label(line)))
    return out
