"""In-place suppression, like `# noqa`: `<!-- specmesh: ignore CODE[,CODE] -->`.

It silences the named rules (by code or name) for findings on its own line or the line below.
In spec files the reader finds these comments (SUPPRESS markers); in other files (plan.md,
tasks.md, test files) any comment containing `specmesh: ignore CODE` counts. The grammar is
`formats.spec_markers`. Suppressed findings
stay in the JSON report with `"suppressed": true` and never fail an item.
"""

from __future__ import annotations

from collections import defaultdict

from specmesh_tasks.formats.spec_markers import suppressed_codes
from specmesh_tasks.model.spec import MarkerKind, SpecDoc

Table = dict[int, set[str]]


def from_spec(spec: SpecDoc) -> Table:
    """Line -> suppressed codes/names, from the spec's SUPPRESS markers."""
    table: Table = defaultdict(set)
    for m in spec.markers:
        if m.kind is MarkerKind.SUPPRESS:
            table[m.location.line].update(_folded(m.text.split(",")))
    return dict(table)


def from_text(text: str) -> Table:
    """Line -> suppressed codes/names, from `specmesh: ignore ...` anywhere on a line."""
    table: Table = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if "specmesh" in line:
            codes = suppressed_codes(line)
            if codes:
                table[number] = set(_folded(codes))
    return table


def _folded(codes: list[str]) -> list[str]:
    return [c.strip().casefold() for c in codes if c.strip()]


def is_suppressed(table: Table, line: int, code: str, name: str) -> bool:
    """True when a suppression on `line` or the line above names the rule."""
    if line <= 0:
        return False
    wanted = {code.casefold(), name.casefold()}
    return any(wanted & table.get(at, set()) for at in (line, line - 1))
