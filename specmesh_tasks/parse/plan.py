"""The plan reader: where the markers of a plan.md are (their grammar: `formats/plan_markers.py`).

`scan_plan` finds the format marker, the generated lines and the generated blocks, and the markers
that do not pair up. It never raises: a damaged plan is data for the gates and the merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from specmesh_tasks.formats.plan_markers import (
    BEGIN_RE,
    END_RE,
    FORMAT_RE,
    FORMAT_TAG,
    LINE_RE,
    MARKER_TAG,
    OPEN_BEGIN_RE,
    marker_hash,
)
from specmesh_tasks.parse.inline import code_span_ranges, in_ranges
from specmesh_tasks.parse.markdown import closes_fence, fence_open


def split_lines(text: str) -> list[str]:
    """Lines with their endings kept (only `\\n` splits), so joining gives the text back exactly."""
    if not text:
        return []
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def bare(line: str) -> str:
    """A line without its ending and trailing whitespace (how markers are matched)."""
    return line.rstrip()


class SlotKind(str, Enum):
    LINE = "line"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class Slot:
    """One generated line or block as found in a plan."""

    name: str
    kind: SlotKind
    start: int  # 0-based index of the marked line / the begin marker
    end: int  # == start for a line; the end marker's index for a block
    content: str  # the generated text as it stands now, LF-joined, markers excluded
    sha: str  # the hash recorded in the marker

    @property
    def edited(self) -> bool:
        """True when the text no longer matches its recorded hash: a person changed it."""
        return marker_hash(self.content) != self.sha

    @property
    def line(self) -> int:
        """1-based line of the marker."""
        return self.start + 1


@dataclass(frozen=True, slots=True)
class MarkerProblem:
    """A marker that does not pair up: an unterminated begin, a stray end, a repeated name."""

    index: int  # 0-based line index of the offending marker
    name: str
    message: str
    kind: ProblemKind


class ProblemKind(str, Enum):
    UNTERMINATED = "unterminated"  # a begin marker without its end marker
    REPEATED_BLOCK = "repeated-block"  # a block's begin or end marker, its name used before
    REPEATED_LINE = "repeated-line"  # a generated line's marker, its name used before
    STRAY_END = "stray-end"  # an end marker without a begin marker


@dataclass(frozen=True, slots=True)
class PlanScan:
    """Where the markers of a plan are."""

    lines: tuple[str, ...]  # with line endings
    format_index: int  # -1 when the plan has no format marker (not ours)
    format_version: int
    inputs: str
    slots: tuple[Slot, ...]
    problems: tuple[MarkerProblem, ...] = ()

    @property
    def managed(self) -> bool:
        return self.format_index >= 0

    def slot(self, name: str) -> Slot | None:
        for s in self.slots:
            if s.name == name:
                return s
        return None

    def covered(self) -> set[int]:
        """Indexes of every line that belongs to a slot (markers included)."""
        out: set[int] = set()
        for s in self.slots:
            out.update(range(s.start, s.end + 1))
        return out


# The last text scanned and its scan: an update asks first whether the plan is managed, then
# merges into it, and both need the same scan of the same string (PlanScan is immutable).
_last_scan: list[Any] = [None, None]


def scan_plan(text: str) -> PlanScan:
    """Find the format marker, generated lines and blocks of a plan (never raises)."""
    if _last_scan[0] is text:
        scan: PlanScan = _last_scan[1]
        return scan
    scan = _scan_plan(text)
    _last_scan[:] = [text, scan]
    return scan


def _scan_plan(text: str) -> PlanScan:
    lines = split_lines(text)
    stripped = [bare(x) for x in lines]
    format_index, version, inputs = -1, 0, ""
    slots: list[Slot] = []
    problems: list[MarkerProblem] = []
    seen: set[str] = set()
    fence = ""  # the fenced code block we are in: its lines are text, markers included
    i = 0
    while i < len(lines):
        s = stripped[i]
        if fence or s.lstrip()[:1] in _FENCE_CHARS:
            fence = _fence_state(s, fence)
            i += 1
            continue
        if MARKER_TAG not in s:  # most lines: no regex at all
            i += 1
            continue
        if format_index < 0 and (m := FORMAT_RE.match(s)):
            format_index, version, inputs = i, int(m.group(1)), m.group(2)
        elif m := BEGIN_RE.match(s):
            name, sha = m.group(1), m.group(2)
            close = _find_end(stripped, i + 1, name)
            if close < 0:
                problems.append(MarkerProblem(i, name, f"block '{name}' has no end marker",
                                              ProblemKind.UNTERMINATED))
            elif name in seen:
                for at in (i, close):
                    problems.append(MarkerProblem(at, name, f"block '{name}' appears twice",
                                                  ProblemKind.REPEATED_BLOCK))
                i = close
            else:
                seen.add(name)
                content = "\n".join(x.rstrip("\r\n") for x in lines[i + 1:close])
                slots.append(Slot(name, SlotKind.BLOCK, i, close, content, sha))
                i = close
        elif m := END_RE.match(s):
            problems.append(MarkerProblem(i, m.group(1), f"end marker of '{m.group(1)}' without a begin",
                                          ProblemKind.STRAY_END))
        elif (m := LINE_RE.match(s)) and not _in_code_span(s, m.end(1)):
            name = m.group(2)
            slot = Slot(name, SlotKind.LINE, i, i, m.group(1), m.group(3))
            if name in seen:
                slot = _keep_generated(slots, slot)  # the copy that still matches its hash is ours
                problems.append(MarkerProblem(slot.start, name, f"generated line '{name}' appears twice",
                                              ProblemKind.REPEATED_LINE))
            else:
                seen.add(name)
                slots.append(slot)
        i += 1
    return PlanScan(tuple(lines), format_index, version, inputs, tuple(slots), tuple(problems))


_FENCE_CHARS = ("`", "~")


def _keep_generated(slots: list[Slot], again: Slot) -> Slot:
    """Of two lines with the same marker name, keep as the slot the one whose text matches its hash
    (a person copied a generated line and edited one copy); returns the one that is not the slot."""
    k = next(k for k, s in enumerate(slots) if s.name == again.name)
    if slots[k].edited and not again.edited:
        slots[k], again = again, slots[k]
    return again


def _fence_state(line: str, fence: str) -> str:
    """The fence we are in after `line` ("" outside any): a fence opens and closes as in the spec
    reader (`parse/markdown.py`)."""
    if fence:
        return "" if closes_fence(line, fence) else fence
    return fence_open(line) or ""


def _in_code_span(line: str, start: int) -> bool:
    """True when the marker that begins at or after `start` lies inside a code span (it is text)."""
    if "`" not in line:
        return False
    at = line.index(MARKER_TAG, start)
    return in_ranges(at, code_span_ranges(line))


def _find_end(stripped: list[str], start: int, name: str) -> int:
    """Index of `name`'s end marker, or -1 if another begin marker or the file end comes first."""
    for j in range(start, len(stripped)):
        s = stripped[j]
        if not s.startswith(MARKER_TAG):
            continue
        end = END_RE.match(s)
        if end:
            return j if end.group(1) == name else -1
        if BEGIN_RE.match(s) or OPEN_BEGIN_RE.match(s):
            return -1
    return -1


def is_managed(text: str) -> bool:
    """True when the plan carries our format marker (a plan without one is never modified)."""
    return FORMAT_TAG in text and scan_plan(text).managed
