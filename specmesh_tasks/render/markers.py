"""The specmesh marker format of plan.md (documented for users in `docs/plan-format.md`).

Grammar (one marker per line, matched after trailing whitespace and the line ending are removed)::

    <!-- specmesh:plan v1 inputs=HASH -->          format marker, the line directly after the H1
    <!-- specmesh:begin NAME sha=HASH -->          column 0: start of a generated block
    <!-- specmesh:end NAME -->                     column 0: end of that block
    TEXT <!-- specmesh:NAME sha=HASH -->           one generated line (inside lists)

NAME is `[a-z0-9][a-z0-9._-]*`; HASH is 12 lower-case hex digits: `fsutil.short_hash` of the
generated text (LF line endings, trailing whitespace stripped from every line, markers excluded).
For a block the text is the lines strictly between its markers; for a line it is TEXT.

Templates write the unsealed forms (`<!-- specmesh:begin NAME -->` and the `gen()` helper for
lines); `seal` fills in the hashes after rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from specmesh_tasks.fsutil import short_hash

FORMAT_VERSION = 1
NAME = r"[a-z0-9][a-z0-9._-]*"
HASH = r"[0-9a-f]{12}"

FORMAT_RE = re.compile(rf"^<!-- specmesh:plan v(\d+) inputs=({HASH}) -->$")
BEGIN_RE = re.compile(rf"^<!-- specmesh:begin ({NAME}) sha=({HASH}) -->$")
END_RE = re.compile(rf"^<!-- specmesh:end ({NAME}) -->$")
LINE_RE = re.compile(rf"^(.*?)[ \t]*<!-- specmesh:({NAME}) sha=({HASH}) -->$")
# Unsealed forms, as a template writes them.
OPEN_BEGIN_RE = re.compile(rf"^<!-- specmesh:begin ({NAME}) -->$")
ANY_FORMAT_RE = re.compile(r"^<!-- specmesh:plan\b.*-->$")

# `gen(name, value)` in a template emits GEN_START name GEN_NAME_END value GEN_END; `seal`
# turns it into a marked line. Control characters never survive into spec values (see blocks.py),
# so spec text cannot forge these.
GEN_START, GEN_NAME_END, GEN_END = "\x00", "\x01", "\x02"
_TAG = "<!-- specmesh:"  # every marker contains it: lines without it need no regex


def format_marker(inputs_hash: str, version: int = FORMAT_VERSION) -> str:
    """`<!-- specmesh:plan v1 inputs=HASH -->`."""
    return f"<!-- specmesh:plan v{version} inputs={inputs_hash} -->"


def begin_marker(name: str, sha: str) -> str:
    return f"<!-- specmesh:begin {name} sha={sha} -->"


def end_marker(name: str) -> str:
    return f"<!-- specmesh:end {name} -->"


def line_marker(name: str, sha: str) -> str:
    return f"<!-- specmesh:{name} sha={sha} -->"


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
        return short_hash(self.content) != self.sha

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
    i = 0
    while i < len(lines):
        s = stripped[i]
        if _TAG not in s:  # most lines: no regex at all
            i += 1
            continue
        if format_index < 0 and (m := FORMAT_RE.match(s)):
            format_index, version, inputs = i, int(m.group(1)), m.group(2)
        elif m := BEGIN_RE.match(s):
            name, sha = m.group(1), m.group(2)
            close = _find_end(stripped, i + 1, name)
            if close < 0:
                problems.append(MarkerProblem(i, name, f"block '{name}' has no end marker"))
            elif name in seen:
                problems.append(MarkerProblem(i, name, f"block '{name}' appears twice"))
                problems.append(MarkerProblem(close, name, f"block '{name}' appears twice"))
                i = close
            else:
                seen.add(name)
                content = "\n".join(x.rstrip("\r\n") for x in lines[i + 1:close])
                slots.append(Slot(name, SlotKind.BLOCK, i, close, content, sha))
                i = close
        elif m := END_RE.match(s):
            problems.append(MarkerProblem(i, m.group(1), f"end marker of '{m.group(1)}' without a begin"))
        elif m := LINE_RE.match(s):
            name = m.group(2)
            if name in seen:
                problems.append(MarkerProblem(i, name, f"generated line '{name}' appears twice"))
            else:
                seen.add(name)
                slots.append(Slot(name, SlotKind.LINE, i, i, m.group(1), m.group(3)))
        i += 1
    return PlanScan(tuple(lines), format_index, version, inputs, tuple(slots), tuple(problems))


def _find_end(stripped: list[str], start: int, name: str) -> int:
    """Index of `name`'s end marker, or -1 if another begin marker or the file end comes first."""
    for j in range(start, len(stripped)):
        s = stripped[j]
        if not s.startswith(_TAG):
            continue
        end = END_RE.match(s)
        if end:
            return j if end.group(1) == name else -1
        if BEGIN_RE.match(s) or OPEN_BEGIN_RE.match(s):
            return -1
    return -1


@dataclass(frozen=True, slots=True)
class Rendered:
    """A freshly rendered plan with its hashes filled in.

    `prompts` maps every generated-line name the template knows to its prompt (the line's text
    before the value), whether or not the line got a value this time: a merge needs the prompt to
    put a value into a bare prompt line, or to turn a line that lost its value back into a prompt.
    """

    text: str
    prompts: dict[str, str] = field(default_factory=dict)


class SealError(ValueError):
    """The rendered template misuses markers (a bug in a template, reported as one line)."""


def seal(text: str) -> Rendered:
    """Fill in the hashes of every generated line and block of a rendered template."""
    out: list[str] = []
    prompts: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = OPEN_BEGIN_RE.match(line.rstrip()) if line.startswith(_TAG) else None
        if m:
            name = m.group(1)
            close = _find_unsealed_end(lines, i + 1, name)
            body = [_strip_gen(x, prompts).rstrip() for x in lines[i + 1:close]]
            out.append(begin_marker(name, short_hash("\n".join(body))))
            out.extend(body)
            out.append(end_marker(name))
            i = close + 1
            continue
        out.append(_seal_line(line, prompts) if GEN_START in line else line)
        i += 1
    # No trailing whitespace anywhere: a whitespace-trimming hook must not make the next render
    # differ from the file (which would rewrite it on every run).
    return Rendered("\n".join(x.rstrip() for x in out), prompts)


def _find_unsealed_end(lines: list[str], start: int, name: str) -> int:
    for j in range(start, len(lines)):
        if not lines[j].startswith(_TAG):
            continue
        if END_RE.match(lines[j].rstrip()):
            if lines[j].rstrip() == end_marker(name):
                return j
            break
        if OPEN_BEGIN_RE.match(lines[j].rstrip()):
            break
    raise SealError(f"template block '{name}' has no matching `{end_marker(name)}` line")


def _parse_gen(line: str) -> tuple[str, str, str]:
    """Split a line holding one gen() call into (prompt, name, value)."""
    head, _, rest = line.partition(GEN_START)
    name, sep, rest = rest.partition(GEN_NAME_END)
    value, sep2, tail = rest.partition(GEN_END)
    if not (sep and sep2) or GEN_START in tail:
        raise SealError(f"gen() used more than once on one line, or malformed: {head.strip()!r}")
    if tail.strip():
        raise SealError(f"gen('{name}', ...) must end its line; found {tail.strip()!r} after it")
    if not re.fullmatch(NAME, name):
        raise SealError(f"gen() name {name!r} is not [a-z0-9][a-z0-9._-]*")
    return head.rstrip(), name, value.strip()


def _seal_line(line: str, prompts: dict[str, str]) -> str:
    prompt, name, value = _parse_gen(line)
    if name in prompts:
        raise SealError(f"gen('{name}', ...) is used twice in the template")
    prompts[name] = prompt
    if not value:
        return prompt
    text = f"{prompt} {value}" if prompt else value
    return f"{text} {line_marker(name, short_hash(text))}"


def _strip_gen(line: str, prompts: dict[str, str]) -> str:
    """Inside a block a gen() call is just its value: the block's hash already covers it."""
    if GEN_START not in line:
        return line
    prompt, _name, value = _parse_gen(line)
    return f"{prompt} {value}".rstrip() if prompt else value
