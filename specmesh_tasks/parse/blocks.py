"""Items defined by a heading: use cases, older `### FR-001:` requirements, masters and APIs.

Grammar: a heading whose text starts with an ID (`### UC-LOAN-001: Title`, `### M-BOOK: Book`,
`### API-BOOK-LIST-001: List books`; `:`, `：`, `-` or a space after the ID) opens a block that
runs to the next heading of the same or a higher level. Inside it, bold fields
`**Priority:** P1`, `**Actor:** Member`, `**Purpose:** …` (colon inside or after the bold), and
under `**Acceptance Criteria:**` the list items (`- [ ] x`, `- [x] x`, `- x`, `1. x`) up to the
next bold field.
"""

from __future__ import annotations

import re

from specmesh_tasks.formats.task_lines import list_item
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Section, SpecKind
from specmesh_tasks.parse.context import Collected, SpecContext
from specmesh_tasks.parse.records import new_domain_item, new_requirement_row, new_use_case
from specmesh_tasks.parse.scan import ids_in, leading_id

# The values' trailing whitespace is stripped by the callers (a lazy `(.*?)\s*$` is slower).
_FIELD = re.compile(r"\s*(?:[-*+]\s+)?\*\*([^*]+?)\s*[:：]?\s*\*\*\s*[:：]?\s*(.*)")
_PRIORITY = re.compile(r"\bP\d\b")
_TITLE_SEP = re.compile(r"^[`*_]*\s*[:：\-–—]?\s*")
_FEATURE_KINDS = (SpecKind.FEATURE, SpecKind.FIX)


def extract_blocks(ctx: SpecContext, out: Collected) -> None:
    """Every ID-titled section of the spec that is the home of that ID."""
    for section in ctx.index.sections:
        if section.number:
            continue
        lead = leading_id(section.title.lstrip("`*_ "))
        if lead is None:
            continue
        item_id, kind = lead
        if ctx.kind in _FEATURE_KINDS and kind is IdKind.USE_CASE:
            _use_case(ctx, section, item_id, out)
        elif ctx.kind in _FEATURE_KINDS and kind in (IdKind.FR, IdKind.SC, IdKind.FR_RULE):
            _requirement(ctx, section, item_id, kind, out)
        elif ctx.kind is SpecKind.DOMAIN and kind in (IdKind.MASTER, IdKind.API):
            _domain_item(ctx, section, item_id, kind, out)


def item_title(section: Section, item_id: str) -> str:
    """`UC-LOAN-001: 本を借りる` -> `本を借りる`."""
    text = section.title.lstrip("`*_ ")
    rest = text[len(item_id):] if text.startswith(item_id) else text
    return _TITLE_SEP.sub("", rest, count=1).strip().rstrip("*`_").strip()


def bold_fields(ctx: SpecContext, section: Section) -> list[tuple[str, str, int]]:
    """(lower-cased name, value, 0-based line) of the bold fields of a block, outside code."""
    found = []
    doc = ctx.doc
    for i in range(section.start, section.end):
        line = doc.visible[i]
        if "**" in line and not doc.code[i]:
            match = _FIELD.match(line)
            if match is not None:
                found.append((match.group(1).strip().casefold(), match.group(2), i))
    return found


def _field_value(fields: list[tuple[str, str, int]], *names: str) -> str | None:
    for name, value, _i in fields:
        if name in names:
            return value.strip() or None
    return None


def _priority(value: str | None) -> str | None:
    """`P1` from `P1` / `**P1**`; None for the template's `[P1 | P2 | P3]`."""
    if value is None or "|" in value:
        return None
    found = _PRIORITY.findall(value)
    return found[0] if len(found) == 1 else value


def _acceptance(ctx: SpecContext, section: Section, fields: list[tuple[str, str, int]]) -> tuple[str, ...]:
    start = next((i for name, _v, i in fields if name.startswith("acceptance")), None)
    if start is None:
        return ()
    stop = next((i for _n, _v, i in fields if i > start), section.end)
    items = []
    doc = ctx.doc
    for i in range(start + 1, stop):
        if doc.code[i]:
            continue
        found = list_item(doc.visible[i])
        if found is not None:
            item = found.text.rstrip()
            if item:
                items.append(item)
    return tuple(items)


def _use_case(ctx: SpecContext, section: Section, item_id: str, out: Collected) -> None:
    fields = bold_fields(ctx, section)
    title = item_title(section, item_id)
    actor = _field_value(fields, "actor", "actors", "アクター")
    use_case = new_use_case(item_id, title, _priority(_field_value(fields, "priority", "優先度")),
                       actor, _acceptance(ctx, section, fields), ctx.loc(section.start),
                       section.end, section.digest)
    out.use_cases.append(use_case)
    out.define(ctx, item_id, IdKind.USE_CASE, title, section.start, section.end, section.digest, ctx.spec_id)


def _requirement(ctx: SpecContext, section: Section, item_id: str, kind: IdKind, out: Collected) -> None:
    fields = bold_fields(ctx, section)
    title = item_title(section, item_id)
    block = "\n".join(ctx.doc.visible[section.start:section.end])
    ucs = tuple(dict.fromkeys(t.id for t in ids_in(block) if t.kind is IdKind.USE_CASE))
    parent = ucs[0] if ucs and kind is not IdKind.FR_RULE else ctx.spec_id
    out.define(ctx, item_id, kind, title, section.start, section.end, section.digest, parent)
    out.requirements.append(new_requirement_row(
        item_id, kind, title, ucs, _priority(_field_value(fields, "priority", "優先度")),
        ctx.loc(section.start), section.digest))


def _domain_item(ctx: SpecContext, section: Section, item_id: str, kind: IdKind, out: Collected) -> None:
    fields = bold_fields(ctx, section)
    title = item_title(section, item_id)
    purpose = _field_value(fields, "purpose", "目的") or _next_paragraph(ctx, fields, "purpose", section)
    item = new_domain_item(item_id, kind, title, purpose, ctx.loc(section.start), section.end, section.digest)
    (out.masters if kind is IdKind.MASTER else out.apis).append(item)
    out.define(ctx, item_id, kind, title, section.start, section.end, section.digest, ctx.spec_id)


def _next_paragraph(ctx: SpecContext, fields: list[tuple[str, str, int]], name: str, section: Section) -> str:
    """The first non-blank line after a bold field written alone on its line."""
    for field_name, _value, i in fields:
        if field_name == name:
            for j in range(i + 1, section.end):
                text = ctx.doc.visible[j].strip()
                if text:
                    return "" if text.startswith("**") else text
    return ""
