"""References and placeholders: every ID occurrence that is not its definition.

An occurrence is a definition only when an extractor claimed it (its home heading or first
cell, or the `Spec ID:` header line); the first occurrence of that ID on that line is skipped and
every other one is a Reference (deduplicated per ID and line), except on the lines of history
records (`parse.history`). IDs in HTML comments are not read at all; IDs in fenced code are
references flagged `in_code` (mermaid diagrams name screens). Template placeholders
(`S-{AREA}-001`, `SCR-ID`) are listed apart and never read as IDs.
"""

from __future__ import annotations

from specmesh_tasks.model.spec import Reference
from specmesh_tasks.parse.context import SpecContext
from specmesh_tasks.parse.records import new_reference
from specmesh_tasks.parse.scan import find_placeholders, placeholder_kind, scan_raw


def find_references(ctx: SpecContext, text: str, claimed: set[tuple[int, str]],
                    placeholder_offsets: frozenset[int] = frozenset(),
                    history: frozenset[int] = frozenset()) -> list[Reference]:
    """References in `text` (the file's comment-free lines joined by LF).

    A token at the offset of a placeholder (`F-XXX-001` has an ID's shape) is not an ID, nor is
    one on a line of `history` (`parse.history`: it records the past).
    """
    out: list[Reference] = []
    seen: set[tuple[int, str]] = set()
    line, pos = 1, 0
    for start, item_id, kind in scan_raw(text):
        line += text.count("\n", pos, start)
        pos = start
        key = (line, item_id)
        if key in seen or start in placeholder_offsets or line in history:
            continue
        seen.add(key)
        if key not in claimed:
            out.append(new_reference(item_id, kind, ctx.loc(line), ctx.index.label(line), item_id.endswith("-*"),
                                     ctx.doc.code[line - 1]))
    return out


def find_placeholder_refs(ctx: SpecContext, text: str) -> tuple[list[Reference], frozenset[int]]:
    """Unfilled template IDs outside code, as References of the kind they stand for, and the
    offsets of every placeholder (code included) for `find_references` to skip."""
    out: list[Reference] = []
    offsets: set[int] = set()
    line, pos = 1, 0
    for start, token in find_placeholders(text):
        offsets.add(start)
        line += text.count("\n", pos, start)
        pos = start
        if not ctx.doc.code[line - 1]:
            out.append(Reference(token, placeholder_kind(token), ctx.loc(line), ctx.index.label(line)))
    return out, frozenset(offsets)
