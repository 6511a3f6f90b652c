"""Read one spec file (any kind) into a `SpecDoc`: pure, and it never raises.

Pipeline: split the Markdown (fences, comments, headings, tables) -> sections -> H1, header and
kind -> definitions at their homes (header `Spec ID:`, ID-titled blocks, first cells of the
tables that are homes) -> markers, references and placeholders over the comment-free text (not in
history records: `parse.history`).
The grammar of each step is in its module's docstring. A failure inside one step is a bug of
ours: it becomes a Problem at the file and the other steps still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from specmesh_tasks.formats.spec_header import (
    SpecHeader,
    is_template_text,
    is_unfilled,
    read_header,
    spec_ids,
    spec_kind,
)
from specmesh_tasks.fsutil import normalized_digest
from specmesh_tasks.model.ids import PLACEHOLDER_ID, IdKind, kind_of
from specmesh_tasks.model.spec import (
    HeaderField,
    Marker,
    Problem,
    Reference,
    SpecDoc,
    SpecKind,
    Table,
)
from specmesh_tasks.parse import problems as codes
from specmesh_tasks.parse.blocks import extract_blocks
from specmesh_tasks.parse.context import Collected, SpecContext
from specmesh_tasks.parse.history import history_lines
from specmesh_tasks.parse.markdown import MarkdownDoc, split_markdown
from specmesh_tasks.parse.markers import find_markers
from specmesh_tasks.parse.problems import problem
from specmesh_tasks.parse.records import new_header_field, new_spec_doc, new_table
from specmesh_tasks.parse.refs import find_placeholder_refs, find_references
from specmesh_tasks.parse.sections import SectionIndex, StrippedText, index_sections
from specmesh_tasks.parse.source import normalize_newlines
from specmesh_tasks.parse.tables import extract_table

_T = TypeVar("_T")
_SPEC_ID_KINDS = frozenset({
    IdKind.VISION, IdKind.DOMAIN, IdKind.SCREEN_SPEC, IdKind.FEATURE, IdKind.FIX, IdKind.TEST_SCENARIO,
})


def parse_spec(text: str, rel_path: str) -> SpecDoc:
    """The typed model of one spec file's text (`rel_path`: root-relative, `/`-separated)."""
    try:
        return _parse(text, rel_path)
    except Exception as exc:
        return _failed_doc(text, rel_path, exc)


def _parse(text: str, rel: str) -> SpecDoc:
    text = normalize_newlines(text.removeprefix("\ufeff"))
    doc = split_markdown(text, rel)
    stripped = StrippedText(list(map(str.rstrip, doc.lines)), text.endswith("\n"), (doc.lines, text))
    index = index_sections(doc, stripped)
    header = read_header(doc.visible)
    h1_line, title = header.h1_line, header.title
    fields = tuple(new_header_field(f.key, f.value, f.line) for f in header.fields)
    kind = SpecKind(spec_kind(header, rel))
    digest = stripped.file_digest()
    own_ids = _own_ids(fields)
    ctx = SpecContext(rel, kind, own_ids[0][0] if own_ids else None, doc, index)
    problems: list[Problem] = list(doc.problems)
    out = Collected()
    for item_id, id_kind, line in own_ids:
        out.define(ctx, item_id, id_kind, title, line, line, digest, None)
    _guard(problems, rel, "blocks", lambda: extract_blocks(ctx, out), None)
    for table in doc.tables:  # one guard per table, without building its step name up front
        try:
            extract_table(ctx, table, out)
        except Exception as exc:
            problems.append(_reader_error(rel, f"table at line {table.line}", exc))
    visible_text = "\n".join(doc.visible)
    markers: list[Marker] = _guard(problems, rel, "markers", lambda: find_markers(ctx, visible_text), [])
    no_placeholders: tuple[list[Reference], frozenset[int]] = ([], frozenset())
    placeholders, skip = _guard(
        problems, rel, "placeholders", lambda: find_placeholder_refs(ctx, visible_text), no_placeholders)
    history: frozenset[int] = _guard(problems, rel, "history", lambda: history_lines(ctx), frozenset())
    references: list[Reference] = _guard(
        problems, rel, "references", lambda: find_references(ctx, visible_text, out.claimed, skip, history), [])
    return new_spec_doc(
        path=rel, kind=kind, title=title, h1_line=h1_line, headers=fields,
        sections=index.sections, tables=_tables(doc, index), markers=tuple(markers),
        definitions=tuple(sorted(out.definitions, key=lambda d: d.location.line)),
        references=tuple(references), use_cases=tuple(out.use_cases),
        requirements=tuple(out.requirements), masters=tuple(out.masters), apis=tuple(out.apis),
        rules=tuple(out.rules), feature_index=tuple(out.feature_index),
        screen_index=tuple(out.screen_index), dependencies=tuple(out.dependencies),
        coverage=tuple(out.coverage), placeholders=tuple(placeholders), problems=tuple(problems),
        line_count=len(doc.lines), digest=digest, unfilled=_unfilled(header, fields),
    )


def _own_ids(fields: tuple[HeaderField, ...]) -> list[tuple[str, IdKind, int]]:
    """The spec's own IDs from its `Spec ID:` (or `Spec ID(s):`) header line."""
    for field in fields:
        if field.key.casefold() in ("spec id", "spec id(s)"):
            found = ((token, kind_of(token)) for token in spec_ids(field.value))
            return [(token, kind, field.line) for token, kind in found
                    if kind in _SPEC_ID_KINDS and not PLACEHOLDER_ID.match(token)]
    return []


def _unfilled(header: SpecHeader, fields: tuple[HeaderField, ...]) -> tuple[HeaderField, ...]:
    """Header values (and the title) still holding template text: `[OWNER]`, `#XX`, `{date}`."""
    out = [f for f in fields if f.value and is_unfilled(f.value)]
    if header.h1_line and header.title and is_template_text(header.title):
        out.insert(0, HeaderField("Title", header.title, header.h1_line))
    return tuple(out)


def _tables(doc: MarkdownDoc, index: SectionIndex) -> tuple[Table, ...]:
    return tuple(new_table(t.header, t.rows, t.line, index.label(t.line)) for t in doc.tables)


def _guard(problems: list[Problem], rel: str, step: str, run: Callable[[], _T], default: _T) -> _T:
    """Run one step; an exception (our bug) becomes a Problem and the step's default."""
    try:
        return run()
    except Exception as exc:
        problems.append(_reader_error(rel, step, exc))
        return default


def _reader_error(rel: str, step: str, exc: Exception) -> Problem:
    return problem(codes.READER_ERROR, rel, 0, f"internal reader error in {step}: {type(exc).__name__}: {exc}")


def _failed_doc(text: str, rel: str, exc: Exception) -> SpecDoc:
    """The least we can say about a file the reader failed on."""
    try:
        digest = normalized_digest(text)
        count = text.count("\n") + 1
    except Exception:
        digest, count = "", 0
    found = problem(codes.READER_ERROR, rel, 0, f"internal reader error: {type(exc).__name__}: {exc}")
    return SpecDoc(path=rel, kind=SpecKind.UNKNOWN, title="", h1_line=0, headers=(), sections=(),
                   tables=(), markers=(), definitions=(), references=(), problems=(found,),
                   line_count=count, digest=digest)
