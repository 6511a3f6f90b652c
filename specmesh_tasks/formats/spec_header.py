"""The spec header: the H1 title, the `Key: value` lines under it, and the spec kind they give.

Grammar (lines without their endings, BOM removed):

- The H1 is the first ATX heading when it is level 1 (`# Feature Spec: Book Lending`); a `##`
  first means the file has no H1. Its title is the text after `Feature Spec:`, `Feature
  Specification:`, `Domain Specification:`, `Fix Spec:`, `Test Scenario Spec:` … (else the whole
  heading text).
- The header is the lines after the H1 (from the top when there is none) up to the first `---`
  rule, heading or code fence. Each of these lines is one field; the first occurrence of a
  key wins, and other lines (prose, blank lines) are skipped::

      Spec ID: S-LOAN-001            plain
      - **Spec ID:** S-LOAN-001      a bold list item (`*` and `+` bullets too)
      **Status**: Approved           a bold key
      | Status | Approved |          a two-cell table row; the table's column-title row and its
                                     delimiter row are not fields

  A full-width colon `：` is a colon. A key starts with a letter and has at most 41 letters,
  digits, spaces and `()/.&-`; bold markers are removed and the value is stripped.
- HTML comments are not header text, read as CommonMark reads them (the same rule as the
  reader's Markdown splitter, `parse.markdown`): a line starting with `<!--` opens a comment that
  runs to the line holding `-->` (the template's kept comment, whose `Spec Status:` is not the
  status); a comment inside a line is cut out when it closes before its paragraph ends, and is
  text otherwise. The reader passes lines its splitter has already cleaned; task declaration
  passes the raw first lines of the file, and both get the same header.

plan.md and tasks.md headers are read by the same line grammar (`header_fields`), and a value is
rewritten in the form its line was written in (`with_value`). The kind
(`spec_kind`) comes from `Spec Type:` (`Feature`, `[Feature | Fix]`, `Test Scenario`),
else the `Spec ID`'s prefix, else the path, else the H1's wording, as a `SpecKind` value string.
Template fill-ins left in a value (`[OWNER]`, `#XX`, `{date}`, `S-{AREA}-001`) are `is_unfilled`;
in the title only the bracket and brace forms count (`is_template_text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from specmesh_tasks.formats.html_comments import closes_in_paragraph, is_heading, opens_block

# `SpecKind` values (the enum lives in the model, which task declaration does not import).
FEATURE, FIX, VISION, DOMAIN, SCREEN = "feature", "fix", "vision", "domain", "screen"
TEST_SCENARIO, UNKNOWN = "test-scenario", "unknown"

_TITLE = re.compile(
    r"(?:(?:Feature|Domain|Screen|Vision|Fix|Bug Fix|Test Scenarios?|Overview)\s+Spec(?:ification)?"
    r"|Test Scenarios?)\s*[:：]\s*(.*)$",
    re.IGNORECASE,
)
_FIELD = re.compile(r"\s*(?:[-*+]\s+)?([^\W\d][\w ()/.&-]{0,40}?)\s*[:：]\s*(.*)")
_KEY = re.compile(r"[^\W\d][\w ()/.&-]{0,40}")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)(.*)")
# `[OWNER]`, `[BUG TITLE]`, `[Draft | In Review | …]`, `[#123]`, `{date}`, `#XX`; a real bracketed
# value (`[#12]`) or issue number (`#123`) is not one.
# The plan template's example lists (`[#123, #124]`, `[SCR-001, SCR-002, etc.]`) are fill-ins too.
_UNFILLED = re.compile(
    r"^\[(?:[A-Z][A-Z0-9 _/-]*|[^\]]*\|[^\]]*|#123(?:, #124)?|#N+|#X+|[^\]]*, etc\.)\]$"
    r"|\{[A-Za-z_ ]+\}|^#(?:X+|N+)$"
)
_TYPE_WORDS = (
    ("vision", VISION), ("domain", DOMAIN), ("overview", DOMAIN), ("screen", SCREEN),
    ("feature", FEATURE), ("fix", FIX), ("test", TEST_SCENARIO),
)
_H1_WORDS = (
    ("feature", FEATURE), ("domain", DOMAIN), ("overview", DOMAIN), ("screen", SCREEN),
    ("vision", VISION), ("fix", FIX), ("bug fix", FIX), ("test scenario", TEST_SCENARIO),
)
_PATH_WORDS = (
    ("test-scenarios.md", TEST_SCENARIO), ("/fixes/", FIX), ("/features/", FEATURE),
    ("/vision/", VISION), ("/domain/", DOMAIN), ("/screen/", SCREEN), ("/overview/spec.md", DOMAIN),
)
_SPEC_ID_KEYS = ("spec id", "spec id(s)")


class HeaderLine(NamedTuple):
    key: str
    value: str
    line: int  # 1-based


class SpecHeader(NamedTuple):
    """What the top of a spec says about it."""

    h1_line: int  # 0 when the file has no H1
    h1_text: str  # the whole H1 text (`Feature Spec: Book Lending`)
    title: str  # the title part of it (`Book Lending`)
    fields: tuple[HeaderLine, ...]

    def get(self, *keys: str) -> str | None:
        """The value of the first of `keys` (case-insensitive) the header has; None when empty."""
        wanted = [k.casefold() for k in keys]
        values = {f.key.casefold(): f.value for f in self.fields}
        return next((values[k] for k in wanted if values.get(k)), None)

    def spec_id_line(self) -> HeaderLine | None:
        """The `Spec ID:` (or `Spec ID(s):`) line."""
        return next((f for f in self.fields if f.key.casefold() in _SPEC_ID_KEYS), None)


def read_header(lines: Sequence[str]) -> SpecHeader:
    """The H1 and header fields of a spec's lines (see the module grammar)."""
    visible = _Uncommented(lines)
    h1_line, h1_text = _find_h1(visible)
    return SpecHeader(h1_line, h1_text, title_of(h1_text), _fields(visible, h1_line))


def header_fields(lines: Sequence[str], start: int) -> tuple[HeaderLine, ...]:
    """The header fields from line index `start` on (the line after the H1): the header grammar
    of plan.md and tasks.md, which share the spec templates' header shape."""
    return _fields(_Uncommented(lines), start)


def _fields(visible: _Uncommented, start: int) -> tuple[HeaderLine, ...]:
    fields: list[HeaderLine] = []
    seen: set[str] = set()
    for i in range(start, len(visible.lines)):
        line = visible.line(i)
        stripped = line.strip()
        if stripped == "---" or is_heading(line) or stripped.startswith(("```", "~~~")):
            break
        field = _table_field(visible, i, stripped) if stripped[:1] == "|" else _plain_field(line)
        if field is not None and field[0].casefold() not in seen:
            seen.add(field[0].casefold())
            fields.append(HeaderLine(field[0], field[1], i + 1))
    return tuple(fields)


def with_value(line: str, value: str) -> str:
    """A header field's line with a new value, written in the line's own form: `Key: v`,
    `- **Key:** v`, `**Key**: v` and `| Key | v |` keep their markup and spacing (a person's
    header stays theirs when only a count in it changes)."""
    if line.lstrip()[:1] == "|":
        start = line.find("|", line.index("|") + 1) + 1  # the value cell, between the 2nd and 3rd bar
        end = line.find("|", start) if start else -1
        end = len(line) if end < 0 else end
    else:
        colons = [i for i in (line.find(":"), line.find("：")) if i >= 0]
        start, end = (min(colons) + 1 if colons else 0), len(line)
    if not start:
        return line
    segment = line[start:end]
    old = segment.replace("**", "").strip()
    if old and old in segment:
        return line[:start] + segment.replace(old, value, 1) + line[end:]
    lead = segment[: len(segment) - len(segment.lstrip(" \t*"))].rstrip(" \t")
    padding = " " if line[end:end + 1] == "|" else ""
    return f"{line[:start]}{lead} {value}{padding}{line[end:]}"


def line_like(line: str, key_in_line: str, key: str, value: str) -> str:
    """A new field's line (`key`, `value`) in the form of another field's `line`."""
    return with_value(line.replace(key_in_line, key, 1), value)


def read_header_text(text: str) -> SpecHeader:
    """`read_header` of a text with any line endings and an optional BOM."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return read_header(text.split("\n"))


def title_of(h1_text: str) -> str:
    """`Feature Spec: Book Lending` -> `Book Lending`; any other H1 as it is."""
    match = _TITLE.match(h1_text)
    return (match.group(1) if match else h1_text).strip()


def kind_of_type(value: str) -> str:
    """A `Spec Type:` value (`Feature`, `[Feature | Fix]`, `Test Scenario`) -> a SpecKind value."""
    first = value.strip().strip("[]").split("|")[0].strip().lower()
    return next((kind for word, kind in _TYPE_WORDS if first.startswith(word)), UNKNOWN)


def spec_kind(header: SpecHeader, rel_path: str) -> str:
    """The kind from `Spec Type:`, else the Spec ID's prefix, else the path, else the H1 wording."""
    spec_type = header.get("Spec Type")
    kind = kind_of_type(spec_type) if spec_type else UNKNOWN
    if kind == UNKNOWN:
        kind = _kind_of_id(header.get(*_SPEC_ID_KEYS) or "")
    if kind == UNKNOWN:
        path = "/" + rel_path.replace("\\", "/").lower()
        kind = next((k for needle, k in _PATH_WORDS if needle in path), UNKNOWN)
    if kind == UNKNOWN and header.h1_text:
        head = header.h1_text.casefold()
        kind = next((k for word, k in _H1_WORDS if head.startswith(word)), UNKNOWN)
    return kind


def spec_ids(value: str) -> list[str]:
    """The IDs of a `Spec ID:` value (`S-A-001`, `S-A-001, S-B-002 | F-C-003`), as written."""
    out = []
    for part in re.split(r"[,|、]", value):
        token = part.strip().strip("`*").strip()
        if token:
            out.append(token.split()[0])
    return out


def is_template_text(text: str) -> bool:
    """True when `text` is or holds a template fill-in: `[OWNER]`, `[P1 | P2]`, `#XX`, `{date}`."""
    return (text[:1] in ("[", "#") or "{" in text) and _UNFILLED.search(text) is not None


def is_unfilled(value: str) -> bool:
    """True when a header value still holds a template fill-in: `is_template_text`, or an ID
    placeholder (`S-{AREA}-001`, `SCR-ID`)."""
    if is_template_text(value):
        return True
    if "-" not in value:
        return False
    from specmesh_tasks.model.ids import PLACEHOLDER_ID  # the ID grammar's own placeholder shapes

    return PLACEHOLDER_ID.search(value) is not None


def _kind_of_id(value: str) -> str:
    from specmesh_tasks.model.ids import IdKind, kind_of  # the ID grammar; stdlib-only

    by_id = {IdKind.VISION: VISION, IdKind.DOMAIN: DOMAIN, IdKind.SCREEN_SPEC: SCREEN,
             IdKind.FEATURE: FEATURE, IdKind.FIX: FIX, IdKind.TEST_SCENARIO: TEST_SCENARIO}
    for token in spec_ids(value):
        found = by_id.get(kind_of(token))  # type: ignore[arg-type]  # None is simply not a key
        if found is not None:
            return found
    return UNKNOWN


def _find_h1(visible: _Uncommented) -> tuple[int, str]:
    """(line, text) of the H1 when the first heading is one, else (0, "")."""
    fence = ""
    for i in range(len(visible.lines)):
        line = visible.line(i)
        opened = line.lstrip(" \t")[:3]
        if opened in ("```", "~~~"):
            fence = "" if fence == opened else (fence or opened)
            continue
        if fence or "#" not in line[:4]:
            continue
        match = _HEADING.match(line)
        if match is not None:
            if len(match.group(1)) != 1:
                return 0, ""
            return i + 1, match.group(2).strip().rstrip("#").strip()
    return 0, ""


def _plain_field(line: str) -> tuple[str, str] | None:
    if "**" in line:
        line = line.replace("**", "")
    match = _FIELD.match(line)
    return (match.group(1).strip(), match.group(2).strip()) if match is not None else None


def _table_field(visible: _Uncommented, i: int, stripped: str) -> tuple[str, str] | None:
    """`| Key | value |` -> (key, value); a delimiter row or a table's title row -> None."""
    if _is_delimiter_row(stripped):
        return None
    following = visible.line(i + 1).strip() if i + 1 < len(visible.lines) else ""
    if following[:1] == "|" and _is_delimiter_row(following):
        return None
    cells = [c.strip() for c in stripped.replace("**", "").strip("|").split("|")]
    if len(cells) != 2 or not _KEY.fullmatch(cells[0]):
        return None
    return cells[0], cells[1]


def _is_delimiter_row(stripped: str) -> bool:
    return "-" in stripped and not stripped.strip("|-: \t")


class _Uncommented:
    """The lines with HTML comments removed as CommonMark reads them (see the module grammar),
    worked out on demand: the header is a few lines at the top of a long file."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self._done: list[str] = []
        self._open = False  # a comment from an earlier line is still open

    def line(self, i: int) -> str:
        while len(self._done) <= i:
            self._done.append(self._clean(len(self._done)))
        return self._done[i]

    def _clean(self, i: int) -> str:
        line = self.lines[i]
        if self._open:
            close = line.find("-->")
            if close < 0:
                return ""
            self._open = False
            line = " " + line[close + 3:]
        if "<!--" not in line:
            return line
        out, pos = [], 0
        while (start := line.find("<!--", pos)) >= 0:
            close = line.find("-->", start + 4)
            if close >= 0:
                out.append(line[pos:start] + " ")
                pos = close + 3
                continue
            if opens_block(line, start) or (not is_heading(line) and closes_in_paragraph(self.lines, i + 1)):
                self._open = True
                out.append(line[pos:start])
                pos = len(line)
            break  # an unclosed comment inside a line is text, and so is the rest of the line
        out.append(line[pos:])
        return "".join(out)
