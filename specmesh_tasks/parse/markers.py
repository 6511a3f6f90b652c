"""The reader step that finds a spec's markers (grammar: `formats.spec_markers`).

Markers are looked for in the comment-free text, skipping fenced code and code spans; open
questions only in vision, domain and screen specs; suppressions in the file's HTML comments, each
a SUPPRESS marker whose text is its codes, comma-joined.
"""

from __future__ import annotations

from specmesh_tasks.formats import spec_markers as grammar
from specmesh_tasks.model.spec import Marker, MarkerKind, SpecKind
from specmesh_tasks.parse.context import SpecContext
from specmesh_tasks.parse.inline import code_span_ranges, in_ranges
from specmesh_tasks.parse.records import new_marker

_KINDS = {
    grammar.NEEDS_CLARIFICATION: MarkerKind.NEEDS_CLARIFICATION,
    grammar.DEFERRED: MarkerKind.DEFERRED,
    grammar.HUMAN_CHECKPOINT: MarkerKind.HUMAN_CHECKPOINT,
    grammar.TODO: MarkerKind.TODO,
    grammar.USER_FEEDBACK: MarkerKind.USER_FEEDBACK,
    grammar.PENDING_OVERVIEW_CHANGE: MarkerKind.PENDING_OVERVIEW_CHANGE,
}
_OVERVIEW = (SpecKind.VISION, SpecKind.DOMAIN, SpecKind.SCREEN)


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
    for match in grammar.MARKER.finditer(text):
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
        if not grammar.is_open_question_section(section.title):
            continue
        for i in range(section.start, section.end):
            if ctx.doc.code[i] or i in seen:
                continue
            seen.add(i)
            match = grammar.OPEN_QUESTION_ITEM.match(ctx.doc.visible[i])
            if match is not None:
                out.append(new_marker(MarkerKind.OPEN_QUESTION, match.group(0).strip(), ctx.loc(i + 1),
                                  ctx.index.label(i + 1)))
    return out


def _suppressions(ctx: SpecContext) -> list[Marker]:
    out = []
    for comment in ctx.doc.comments:
        if "specmesh" not in comment.text:
            continue
        found = grammar.suppressed_codes(comment.text, whole=True)
        if found:
            codes = ",".join(found)
            line = comment.line
            out.append(new_marker(MarkerKind.SUPPRESS, codes, ctx.loc(line), ctx.index.label(line)))
    return out
