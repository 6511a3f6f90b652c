"""History records in a spec: lines that say what happened, not what is (contract §2).

The rows of a Clarifications or Changelog table and a `### Clarification (date)` note record past
decisions (`| 2026-01-05 | … | M-TENANT を削除 | … |`, "M-TENANT removed"); an ID in them is
neither a definition nor a reference.

- A history table is a table inside a section whose title names clarifications or changes
  (`## 12. Clarifications`, `## 15. Changelog`, `### Change History`, `## 変更履歴`); its rows are
  history (the header row holds column titles only).
- A note is a section whose title starts with `Clarification` and a date or a parenthesis
  (`### Clarification (2026-01-05)`, `### Clarification 2026-01-05: loans`); all its lines are
  history.
"""

from __future__ import annotations

import re

from specmesh_tasks.parse.context import SpecContext

_HISTORY_WORDS = ("clarification", "changelog", "change log", "change history", "revision history",
                  "変更履歴", "更新履歴", "改訂履歴")
_NOTE = re.compile(r"clarifications?\s*(?:[(（]|\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def history_lines(ctx: SpecContext) -> frozenset[int]:
    """The 1-based lines of the file that are history records (see the module docstring)."""
    sections = ctx.index.sections
    if not any(_is_history(s.title) for s in sections):
        return frozenset()
    lines: set[int] = set()
    for section in sections:
        if _NOTE.match(section.title):
            lines.update(range(section.start, section.end + 1))
    for table in ctx.doc.tables:
        if any(_is_history(s.title) for s in ctx.index.chain(table.line)):
            lines.update(row.line for row in table.rows)
    return frozenset(lines)


def _is_history(title: str) -> bool:
    folded = title.casefold()
    return any(word in folded for word in _HISTORY_WORDS)
