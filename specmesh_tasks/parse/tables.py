"""What a table is for (by the titles of its sections, then by its header), and its rows.

Older specs number their sections differently, so a table's role is decided by the titles of
the sections holding it (innermost first), e.g. a feature's `Functional Requirements` table,
`Domain Dependencies` tables, `Test Coverage`; a domain's rules tables and `Feature Index`; a
screen spec's `Screen Index` (not its `Modification Log`). When no title says, the header's first
cell decides (`FR ID`, `Master ID`, `UC/FR`, ...).

Definitions made here (contract §2): FR / SC / FR-RULE by the first cell of a feature's
requirements tables; BR / VR / CR by the first cell of the domain's rules tables; SCR by the first
cell of the Screen Index. Every other ID in a table is a reference.
"""

from __future__ import annotations

import re
from enum import Enum

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import (
    SpecKind,
    TableRow,
)
from specmesh_tasks.parse.context import Collected, SpecContext, row_digest
from specmesh_tasks.parse.inline import plain
from specmesh_tasks.parse.markdown import MdTable
from specmesh_tasks.parse.records import (
    new_coverage_row,
    new_dependency_row,
    new_feature_index_row,
    new_requirement_row,
    new_rule_row,
    new_screen_index_row,
)
from specmesh_tasks.parse.scan import ids_in, leading_id, scan_raw


class Role(Enum):
    OTHER = "other"
    REQUIREMENTS = "requirements"
    DEPENDENCIES = "dependencies"
    COVERAGE = "coverage"
    FEATURE_INDEX = "feature-index"
    SCREEN_INDEX = "screen-index"
    DOMAIN_RULES = "domain-rules"


_FEATURE_TITLES: tuple[tuple[tuple[str, ...], Role], ...] = (
    (("test coverage", "testing strategy", "テスト"), Role.COVERAGE),
    (("modification", "clarification", "changelog", "change log", "edge case", "actor",
      "open question", "ui state", "traceability", "spec update"), Role.OTHER),
    (("functional requirement", "success criteria", "feature-specific rule",
      "feature specific rule", "requirement", "機能要件", "成功基準"), Role.REQUIREMENTS),
    (("dependenc", "related screen", "impact analysis", "affected", "依存", "影響"), Role.DEPENDENCIES),
)
_DOMAIN_TITLES: tuple[tuple[tuple[str, ...], Role], ...] = (
    (("feature index", "機能一覧"), Role.FEATURE_INDEX),
    (("rule", "ルール"), Role.DOMAIN_RULES),
)
_SCREEN_TITLES: tuple[tuple[tuple[str, ...], Role], ...] = (
    (("modification",), Role.OTHER),
    (("screen index", "画面一覧"), Role.SCREEN_INDEX),
)
_TITLES = {
    SpecKind.FEATURE: _FEATURE_TITLES, SpecKind.FIX: _FEATURE_TITLES,
    SpecKind.DOMAIN: _DOMAIN_TITLES, SpecKind.SCREEN: _SCREEN_TITLES,
}
_ITEM_TITLE = re.compile(r"[`*_]*[A-Z]{1,5}-")
_REQUIREMENT_KINDS = frozenset({IdKind.FR, IdKind.SC, IdKind.FR_RULE})
_DEPENDENCY_KINDS = frozenset({
    IdKind.MASTER, IdKind.API, IdKind.RULE, IdKind.FEATURE, IdKind.FIX, IdKind.SCREEN,
    IdKind.VISION, IdKind.DOMAIN, IdKind.SCREEN_SPEC, IdKind.COMPONENT,
})


def classify(ctx: SpecContext, table: MdTable) -> Role:
    """The role of a table in a spec of `ctx.kind` (see module docstring)."""
    if ctx.kind not in _TITLES:
        return Role.OTHER
    for section in ctx.index.chain(table.line):
        if not section.number and _ITEM_TITLE.match(section.title):
            continue  # a `### UC-…` / `### M-…` block's own title says nothing about its tables
        role = _title_role(ctx.kind, section.title)
        if role is not None:
            return role
    return _role_from_header(ctx.kind, [h.casefold() for h in table.header])


_TITLE_ROLES: dict[tuple[SpecKind, str], Role | None] = {}


def _title_role(kind: SpecKind, title: str) -> Role | None:
    """The role a section title gives its tables, if any (memoised: titles come from templates)."""
    key = (kind, title)
    if key in _TITLE_ROLES:
        return _TITLE_ROLES[key]
    lowered = title.casefold()
    found = next((role for words, role in _TITLES[kind] for word in words if word in lowered), None)
    if len(_TITLE_ROLES) > 10_000:
        _TITLE_ROLES.clear()
    _TITLE_ROLES[key] = found
    return found


def _role_from_header(kind: SpecKind, header: list[str]) -> Role:
    first = plain(header[0]) if header else ""
    if kind in (SpecKind.FEATURE, SpecKind.FIX):
        if first in ("fr id", "sc id"):
            return Role.REQUIREMENTS
        if first in ("master id", "api id", "feature id", "screen id", "rule id"):
            return Role.DEPENDENCIES
        if first.replace(" ", "").startswith("uc/fr"):
            return Role.COVERAGE
    elif kind is SpecKind.DOMAIN:
        if first == "feature id" and any("path" in h for h in header):
            return Role.FEATURE_INDEX
        if first == "rule id":
            return Role.DOMAIN_RULES
    elif kind is SpecKind.SCREEN and first == "screen id" and any("name" in h for h in header) \
            and not any("modification" in h for h in header):
        return Role.SCREEN_INDEX
    return Role.OTHER


def column(header: tuple[str, ...], *names: str, skip: int = 0) -> int | None:
    """Index of the first header cell (after the first `skip`) containing one of `names`."""
    key = (header, names, skip)
    if key in _COLUMNS:
        return _COLUMNS[key]
    lowered = [h.casefold() for h in header]
    found = next((i for name in names for i, h in enumerate(lowered) if i >= skip and name in h), None)
    if len(_COLUMNS) > 10_000:
        _COLUMNS.clear()
    _COLUMNS[key] = found
    return found


# column() per (header, names, skip), memoised: the same few headers recur in every spec
_COLUMNS: dict[tuple[tuple[str, ...], tuple[str, ...], int], int | None] = {}
_MISSING = 1 << 30  # a column index no row reaches: its cell reads as ""


def cell(row: TableRow, index: int | None) -> str:
    """The cell at `index` (empty when the row is short or the column is missing)."""
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index]


def _at(index: int | None, default: int) -> int:
    """A column index for the row loops: `default` when the column is missing."""
    return default if index is None else index


def extract_table(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    """Fill `out` from one table according to its role."""
    role = classify(ctx, table)
    if role is Role.REQUIREMENTS:
        _requirements(ctx, table, out)
    elif role is Role.DEPENDENCIES:
        _dependencies(ctx, table, out)
    elif role is Role.COVERAGE:
        _coverage(ctx, table, out)
    elif role is Role.FEATURE_INDEX:
        _feature_index(ctx, table, out)
    elif role is Role.SCREEN_INDEX:
        _screen_index(ctx, table, out)
    elif role is Role.DOMAIN_RULES:
        _domain_rules(ctx, table, out)


# The row loops below index `row.cells` directly (`k < n`) rather than calling `cell()`: they
# run for every row of every table.

def _requirements(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    header = table.header
    desc = _at(column(header, "description", "requirement", "criteri", "説明", "内容", skip=1), 1)
    related = _at(column(header, "related uc", "use case", "uc", skip=1), _MISSING)
    priority = _at(column(header, "priority", "優先", skip=1), _MISSING)
    use_case, fr_rule, loc = IdKind.USE_CASE, IdKind.FR_RULE, ctx.loc
    for row in table.rows:
        cells = row.cells
        n = len(cells)
        lead = leading_id(plain(cells[0])) if n else None
        if lead is None or lead[1] not in _REQUIREMENT_KINDS:
            continue
        item_id, kind = lead
        text = cells[desc] if desc < n else ""
        uc_cell = cells[related] if related < n else ""
        ucs = tuple(t[1] for t in scan_raw(uc_cell) if t[2] is use_case) if "-" in uc_cell else ()
        digest = row_digest(cells)
        parent = ucs[0] if ucs and kind is not fr_rule else ctx.spec_id
        out.define(ctx, item_id, kind, text, row.line, row.line, digest, parent)
        prio = (plain(cells[priority]) if priority < n else "") or None
        out.requirements.append(new_requirement_row(item_id, kind, text, ucs, prio, loc(row.line), digest))


def _dependencies(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    header = table.header
    type_col = column(header, "type", "種別", skip=1)
    name_col = column(header, "name", "title", "名", skip=1)
    if name_col is None:
        name_col = column(header, "description", "説明", skip=1)
    usage_col = type_col if type_col is not None and _is_feature_table(header) else \
        column(header, "usage", "how", "impact", "利用", "影響", skip=1)
    if usage_col is None:
        usage_col = column(header, "description", skip=1)
    name_at, usage_at = _at(name_col, 1), _at(usage_col, 2)
    for row in table.rows:
        cells = row.cells
        n = len(cells)
        first = cells[0] if n else ""
        if "-" not in first:
            continue
        for _start, item_id, kind in scan_raw(first):
            if kind in _DEPENDENCY_KINDS:
                out.dependencies.append(new_dependency_row(
                    item_id, kind, cells[name_at] if name_at < n else "", cells[usage_at] if usage_at < n else "",
                    ctx.loc(row.line)))


def _is_feature_table(header: tuple[str, ...]) -> bool:
    return bool(header) and plain(header[0]).casefold().startswith("feature")


def _coverage(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    type_at = _at(column(table.header, "type", "種別", skip=1), 1)
    desc_at = _at(column(table.header, "description", "説明", "内容", skip=1), 2)
    for row in table.rows:
        cells = row.cells
        if not any(cells):
            continue
        n = len(cells)
        out.coverage.append(new_coverage_row(
            plain(cells[0]), cells[type_at] if type_at < n else "", cells[desc_at] if desc_at < n else "",
            ctx.loc(row.line)))


def _feature_index(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    header = table.header
    title_col = column(header, "title", "name", skip=1)
    path_col = column(header, "path", skip=1)
    status_col = column(header, "status", skip=1)
    related_col = column(header, "related", "m-", "api", skip=1)
    for row in table.rows:
        lead = leading_id(plain(cell(row, 0)))
        if lead is None or lead[1] not in (IdKind.FEATURE, IdKind.FIX):
            continue  # a placeholder row such as `(Features will be added after Foundation)`
        related = tuple(t.id for t in ids_in(cell(row, related_col if related_col is not None else 4)))
        out.feature_index.append(new_feature_index_row(
            lead[0], cell(row, title_col if title_col is not None else 1),
            clean_path(cell(row, path_col if path_col is not None else 2)),
            plain(cell(row, status_col if status_col is not None else 3)), related, ctx.loc(row.line)))


def clean_path(text: str) -> str:
    """A path cell as written without backticks; `[x](p)` gives `p`."""
    s = text.strip()
    if s.startswith("[") and "](" in s and s.endswith(")"):
        s = s[s.index("](") + 2:-1]
    return s.replace("`", "").strip()


def _screen_index(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    header = table.header
    name_col = column(header, "name", "名", skip=1)
    journey_col = column(header, "journey", skip=1)
    status_col = column(header, "status", skip=1)
    for row in table.rows:
        lead = leading_id(plain(cell(row, 0)))
        if lead is None or lead[1] is not IdKind.SCREEN:
            continue
        name = cell(row, name_col if name_col is not None else 1)
        out.define(ctx, lead[0], IdKind.SCREEN, name, row.line, row.line, row_digest(row.cells), ctx.spec_id)
        out.screen_index.append(new_screen_index_row(
            lead[0], name, cell(row, journey_col), plain(cell(row, status_col)), ctx.loc(row.line)))


def _domain_rules(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    desc_col = column(table.header, "description", "validation", "formula", "説明", "内容", skip=1)
    for row in table.rows:
        lead = leading_id(plain(cell(row, 0)))
        if lead is None or lead[1] is not IdKind.RULE:
            continue
        text = cell(row, desc_col if desc_col is not None else 1)
        digest = row_digest(row.cells)
        out.define(ctx, lead[0], IdKind.RULE, text, row.line, row.line, digest, ctx.spec_id)
        out.rules.append(new_rule_row(lead[0], text, ctx.loc(row.line), digest))
