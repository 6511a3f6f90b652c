"""Inline Markdown helpers: code spans, table cells, light formatting.

Grammar kept deliberately small (no CommonMark parse):

- a code span is a run of N backticks up to the next run of exactly N backticks on the same line;
  an unmatched run is literal text;
- a table row is split on `|` that is neither escaped (`\\|`) nor inside a code span (so a pipe in
  `` `Draft | Approved` `` stays in its cell); one leading and one trailing pipe are dropped and
  `\\|` becomes `|` in the cell text;
- `plain()` drops the emphasis and code markers around a whole cell (`**X**`, `` `X` ``, `_X_`).
"""

from __future__ import annotations


def code_span_ranges(line: str) -> list[tuple[int, int]]:
    """[start, end) offsets of the code spans on one line (backticks included)."""
    spans: list[tuple[int, int]] = []
    i, n = line.find("`"), len(line)
    while 0 <= i < n:
        j = i
        while j < n and line[j] == "`":
            j += 1
        run = j - i
        close = _find_run(line, j, run)
        if close < 0:
            i = line.find("`", j)
            continue
        spans.append((i, close + run))
        i = line.find("`", close + run)
    return spans


def _find_run(line: str, start: int, run: int) -> int:
    """Offset of the next run of exactly `run` backticks at or after `start`, else -1."""
    n = len(line)
    k = line.find("`", start)
    while k >= 0:
        m = k
        while m < n and line[m] == "`":
            m += 1
        if m - k == run:
            return k
        k = line.find("`", m)
    return -1


def in_ranges(offset: int, ranges: list[tuple[int, int]]) -> bool:
    """True when `offset` lies inside one of the [start, end) ranges."""
    return any(a <= offset < b for a, b in ranges)


def split_cells(row: str) -> tuple[str, ...]:
    """The stripped cells of a table row (see the module grammar)."""
    s = row.strip()
    if "`" not in s and "\\" not in s:
        parts = s.split("|")  # then drop the outer pipes' empty pieces (no slicing copies)
        if s[:1] == "|":
            del parts[0]
        if s[-1:] == "|" and len(s) > 1:
            del parts[-1]
        return tuple(map(str.strip, parts))
    return _split_cells_slow(s)


def _split_cells_slow(s: str) -> tuple[str, ...]:
    spans = code_span_ranges(s)
    cuts = [
        i for i, ch in enumerate(s)
        if ch == "|" and not _escaped(s, i) and not in_ranges(i, spans)
    ]
    bounds = [-1, *cuts, len(s)]
    cells = [s[bounds[k] + 1:bounds[k + 1]] for k in range(len(bounds) - 1)]
    if cuts and cuts[-1] == len(s) - 1:
        cells.pop()
    if cuts and cuts[0] == 0:
        cells.pop(0)
    return tuple(c.replace("\\|", "|").strip() for c in cells)


def _escaped(s: str, i: int) -> bool:
    """True when the character at `i` is preceded by an odd number of backslashes."""
    k = i - 1
    while k >= 0 and s[k] == "\\":
        k -= 1
    return (i - 1 - k) % 2 == 1


_EMPHASIS_STARTS = frozenset("*_`~")


def plain(cell: str) -> str:
    """A cell without the emphasis/code markers wrapped around all of it: `**M-X**` -> `M-X`."""
    s = cell.strip()
    if s[:1] not in _EMPHASIS_STARTS:
        return s
    changed = True
    while changed and len(s) >= 2:
        changed = False
        for mark in ("**", "__", "`", "*", "_", "~~"):
            if len(s) > 2 * len(mark) - 1 and s.startswith(mark) and s.endswith(mark):
                s = s[len(mark):-len(mark)].strip()
                changed = True
                break
    return s
