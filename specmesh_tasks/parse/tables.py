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
    CoverageRow,
    DependencyRow,
    FeatureIndexRow,
    RequirementRow,
    RuleRow,
    ScreenIndexRow,
    SpecKind,
    TableRow,
)
from specmesh_tasks.parse.records import new_coverage_row, new_dependency_row, new_feature_index_row, new_requirement_row, new_rule_row, new_screen_index_row
from specmesh_tasks.parse.context import Collected, SpecContext, row_digest
from specmesh_tasks.parse.inline import plain
from specmesh_tasks.parse.markdown import MdTable
from specmesh_tasks.parse.scan import ids_in, leading_id


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
    rules = _TITLES.get(ctx.kind)
    if rules is None:
        return Role.OTHER
    for section in ctx.index.chain(table.line):
        if not section.number and _ITEM_TITLE.match(section.title):
            continue  # a `### UC-…` / `### M-…` block's own title says nothing about its tables
        title = section.title.casefold()
        for words, role in rules:
            for word in words:
                if word in title:
                    return role
    return _role_from_header(ctx.kind, [h.casefold() for h in table.header])


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
    lowered = _lowered(header)
    for name in names:
        for i, h in enumerate(lowered):
            if i >= skip and name in h:
                return i
    return None


_LOWERED: dict[tuple[str, ...], list[str]] = {}


def _lowered(header: tuple[str, ...]) -> list[str]:
    """Case-folded header cells, memoised (the same few headers recur in every spec)."""
    found = _LOWERED.get(header)
    if found is None:
        if len(_LOWERED) > 10_000:
            _LOWERED.clear()
        found = _LOWERED[header] = [h.casefold() for h in header]
    return found


def cell(row: TableRow, index: int | None) -> str:
    """The cell at `index` (empty when the row is short or the column is missing)."""
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index]


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


def _requirements(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    desc = column(table.header, "description", "requirement", "criteri", "説明", "内容", skip=1)
    related = column(table.header, "related uc", "use case", "uc", skip=1)
    priority = column(table.header, "priority", "優先", skip=1)
    for row in table.rows:
        lead = leading_id(plain(cell(row, 0)))
        if lead is None or lead[1] not in _REQUIREMENT_KINDS:
            continue
        item_id, kind = lead
        text = cell(row, desc if desc is not None else 1)
        ucs = tuple(t.id for t in ids_in(cell(row, related)) if t.kind is IdKind.USE_CASE)
        digest = row_digest(row.cells)
        parent = ucs[0] if ucs and kind is not IdKind.FR_RULE else ctx.spec_id
        out.define(ctx, item_id, kind, text, row.line, row.line, digest, parent)
        prio = plain(cell(row, priority)) or None
        out.requirements.append(new_requirement_row(item_id, kind, text, ucs, prio, ctx.loc(row.line), digest))


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
    for row in table.rows:
        for token in ids_in(cell(row, 0)):
            if token.kind in _DEPENDENCY_KINDS:
                out.dependencies.append(new_dependency_row(
                    token.id, token.kind, cell(row, name_col if name_col is not None else 1),
                    cell(row, usage_col if usage_col is not None else 2), ctx.loc(row.line)))


def _is_feature_table(header: tuple[str, ...]) -> bool:
    return bool(header) and plain(header[0]).casefold().startswith("feature")


def _coverage(ctx: SpecContext, table: MdTable, out: Collected) -> None:
    type_col = column(table.header, "type", "種別", skip=1)
    desc_col = column(table.header, "description", "説明", "内容", skip=1)
    for row in table.rows:
        if not any(row.cells):
            continue
        out.coverage.append(new_coverage_row(
            plain(cell(row, 0)), cell(row, type_col if type_col is not None else 1),
            cell(row, desc_col if desc_col is not None else 2), ctx.loc(row.line)))


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
