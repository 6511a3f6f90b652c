"""A fence-aware, line-based Markdown splitter (no CommonMark parse: the hot path stays lean).

Grammar, per line, in one pass:

- fenced code: a line starting (after any indentation: fences nested in list items are common)
  with 3+ backticks or tildes opens a fence; it closes at a line holding only a run of the same
  character at least as long. Lines in between are code: never headings, tables, comments or
  markers. A fence left open at the end of the file is a Problem at its opening line (the rest
  is still split, as code).
- HTML comments `<!-- … -->` outside code and code spans, where CommonMark has them
  (`formats.html_comments`): a block opened at the start of a line runs to its `-->` (never
  closed: a Problem at its line, saying how many lines it hides); one inside a line ends on that
  line or a later line of its paragraph, else it is text. They are removed from `visible`
  (replaced by one space) and listed in `comments`.
- ATX headings `#`…`######` followed by a space; an optional number `4.`, `2.1`, `2.1.` before
  the title (`## 4. Title`, `### 2.1 Title`). Setext headings and indented code blocks are not
  recognised: spec-mesh specs put `---` under header lines and indent list continuations.
- tables: a line containing `|` followed by a delimiter row (`|---|:--:|`); rows continue while
  lines contain `|` (cells: see `inline.split_cells`). A delimiter row whose cell count is not
  the header's is a Problem at its line (GitHub shows no table); the table is still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from specmesh_tasks.formats.html_comments import closes_in_paragraph, is_heading, opens_block
from specmesh_tasks.model.spec import Problem, TableRow
from specmesh_tasks.parse import problems as codes
from specmesh_tasks.parse.inline import code_span_ranges, in_ranges, split_cells
from specmesh_tasks.parse.problems import problem
from specmesh_tasks.parse.records import new_table_row

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_NUMBER = re.compile(r"(\d+(?:\.\d+)*)\.?(?:[ \t]+|$)(.*)$")
_DELIMITER = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


class Heading(NamedTuple):
    line: int  # 1-based
    level: int
    number: str  # "4", "2.1"; "" when unnumbered
    title: str  # the text after the number


class MdTable(NamedTuple):
    line: int  # header line, 1-based
    end: int  # last row's line
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True, slots=True)
class Comment:
    line: int  # line of `<!--`
    end: int  # line of `-->`
    text: str  # what is between the markers


@dataclass(slots=True)
class MarkdownDoc:
    """A file split into lines with what a line-based reader needs to know about each."""

    lines: list[str]
    visible: list[str]  # the line without HTML comments (code lines as they are)
    code: list[bool]  # inside a fenced block, delimiters included
    headings: list[Heading]
    tables: list[MdTable]
    comments: list[Comment]
    problems: list[Problem]


def split_markdown(text: str, rel: str = "") -> MarkdownDoc:
    """Split LF text into lines, fences, comments, headings and tables (see module grammar)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final newline does not start another line
    doc = MarkdownDoc(lines, list(lines), [False] * len(lines), [], [], [], [])
    _Splitter(doc, rel).run("<!--" in text)
    return doc


def fence_open(line: str) -> str | None:
    """The fence run (``` or ~~~…) when `line` opens a fenced block, else None."""
    stripped = line.lstrip(" \t")
    char = stripped[:1]
    if char not in ("`", "~") or not stripped.startswith(char * 3):
        return None
    run = len(stripped) - len(stripped.lstrip(char))
    if char == "`" and "`" in stripped[run:]:
        return None  # an inline code span such as ```x``` is not a fence
    return char * run


def closes_fence(line: str, fence: str) -> bool:
    """True when `line` closes the fenced block opened by `fence`."""
    stripped = line.strip()
    return stripped.startswith(fence) and stripped == fence[0] * len(stripped)


class _Splitter:
    """One pass over the lines (one loop, few calls: this is the reader's hot path)."""

    def __init__(self, doc: MarkdownDoc, rel: str) -> None:
        self.doc, self.rel = doc, rel
        self.fence, self.fence_line = "", 0
        self.comment_start = 0  # line of an HTML comment still open (0: none)
        self.comment_parts: list[str] = []

    def run(self, has_comments: bool) -> None:
        """Dispatch on each line's first character; state lives in locals (this loop is hot)."""
        doc = self.doc
        visible, code, headings, tables = doc.visible, doc.code, doc.headings, doc.tables
        delimiter, new_row, cells_of = _DELIMITER.match, new_table_row, split_cells
        fence, fence_line = "", 0
        rows: list[TableRow] | None = None  # rows of the table being read
        table_at = 0  # the table being read: its delimiter index and header cells
        header: tuple[str, ...] = ()
        candidate = -2  # index of the last line that could be a table header
        in_comment = False  # an HTML comment is open (mirrors self.comment_start)
        for i, line in enumerate(doc.lines):
            if fence:
                code[i] = True
                if line and line.lstrip(" \t")[:1] == fence[0] and closes_fence(line, fence):
                    fence = ""
                continue
            if has_comments and (in_comment or "<!--" in line):
                line = self._comment_line(i, line)
                in_comment = self.comment_start != 0
                if in_comment:
                    continue
            first = line[:1]
            if first == "|":
                pass  # the common table row: straight to the table logic below
            elif not first:
                if rows is not None:
                    tables.append(_table(table_at, header, rows))
                    rows = None
                continue
            else:
                if first in _FENCE_STARTS and (run := fence_open(line)) is not None:
                    if rows is not None:
                        tables.append(_table(table_at, header, rows))
                        rows = None
                    fence, fence_line = run, i + 1
                    code[i] = True
                    continue
                if first == "#" or (first == " " and line.lstrip(" ")[:1] == "#"):
                    heading = _heading(line, i + 1)
                    if heading is not None:
                        if rows is not None:
                            tables.append(_table(table_at, header, rows))
                            rows = None
                        headings.append(heading)
                        continue
                if "|" not in line:
                    if rows is not None:
                        tables.append(_table(table_at, header, rows))
                        rows = None
                    continue
            if rows is not None:
                rows.append(new_row(cells_of(line), i + 1))
            elif candidate == i - 1 and "-" in line and delimiter(line):
                table_at, header, rows = i, cells_of(visible[i - 1]), []
                self._check_delimiter(i, header, line)
            else:
                candidate = i
        if rows is not None:
            tables.append(_table(table_at, header, rows))
        self.fence, self.fence_line = fence, fence_line
        self._report_open_blocks()

    def _comment_line(self, i: int, line: str) -> str:
        """Hide the comment parts of line i; returns what stays visible."""
        doc = self.doc
        if self.comment_start:
            close = line.find("-->")
            if close < 0:
                self.comment_parts.append(line)
                doc.visible[i] = ""
                return ""
            self.comment_parts.append(line[:close])
            doc.comments.append(Comment(self.comment_start, i + 1, "\n".join(self.comment_parts)))
            self.comment_start, self.comment_parts = 0, []
            line = " " + line[close + 3:]
        if "<!--" in line:
            line, self.comment_start, self.comment_parts = _strip_comments(doc, i, line)
        doc.visible[i] = line
        return line

    def _check_delimiter(self, i: int, header: tuple[str, ...], line: str) -> None:
        """A delimiter row must have as many cells as its header, or GitHub shows no table."""
        cells = len(split_cells(line))
        if cells != len(header):
            self.doc.problems.append(problem(
                codes.TABLE_DELIMITER_MISMATCH, self.rel, i + 1,
                f"the table's delimiter row has {cells} cell{'' if cells == 1 else 's'} but its header "
                f"has {len(header)}: GitHub will not show it as a table",
            ))

    def _report_open_blocks(self) -> None:
        if self.fence:
            self.doc.problems.append(problem(
                codes.UNTERMINATED_FENCE, self.rel, self.fence_line,
                f"code fence opened at line {self.fence_line} is never closed; "
                "the rest of the file is read as code",
            ))
        if self.comment_start:
            hidden = len(self.doc.lines) - self.comment_start
            self.doc.problems.append(problem(
                codes.UNTERMINATED_COMMENT, self.rel, self.comment_start,
                f"unclosed comment hides {hidden} line{'' if hidden == 1 else 's'}: "
                f"the HTML comment opened at line {self.comment_start} is never closed",
            ))


def _table(delimiter_index: int, header: tuple[str, ...], rows: list[TableRow]) -> MdTable:
    """The table whose delimiter row is at 0-based `delimiter_index` (its header line is that + 1)."""
    end = rows[-1].line if rows else delimiter_index + 1
    return MdTable(delimiter_index, end, header, tuple(rows))


_FENCE_STARTS = frozenset(("`", "~", " ", "\t"))


def _strip_comments(doc: MarkdownDoc, i: int, line: str) -> tuple[str, int, list[str]]:
    """Remove the comments that start on line i; returns the rest and any comment left open."""
    spans = code_span_ranges(line) if "`" in line else []
    out, pos = [], 0
    while True:
        start = line.find("<!--", pos)
        while start >= 0 and spans and in_ranges(start, spans):
            start = line.find("<!--", start + 1)
        if start < 0:
            out.append(line[pos:])
            return "".join(out), 0, []
        close = line.find("-->", start + 4)
        if close < 0:
            if opens_block(line, start) or (not is_heading(line) and closes_in_paragraph(doc.lines, i + 1)):
                out.append(line[pos:start])
                return "".join(out), i + 1, [line[start + 4:]]
            out.append(line[pos:])  # never closed in its paragraph or heading: text (CommonMark)
            return "".join(out), 0, []
        out.append(line[pos:start])
        doc.comments.append(Comment(i + 1, i + 1, line[start + 4:close]))
        out.append(" ")
        pos = close + 3


def _heading(line: str, number: int) -> Heading | None:
    """An ATX heading: the common shapes by one regex, anything unusual by `_any_heading`."""
    match = _PLAIN_HEADING.match(line)
    if match is None:
        return _any_heading(line, number)
    hashes, num, title = match.groups()
    return _new_heading(Heading, (number, len(hashes), num or "", title))


# `## 4. Title` / `### UC-A-001: Title` with no leading spaces, no closing `#`s, a title that does
# not start with a digit unless it is the number: exactly what `_any_heading` would make of it.
_PLAIN_HEADING = re.compile(r"(#{1,6})[ \t]+(?:(\d+(?:\.\d+)*)\.?[ \t]+|(?=[^\d\s]))([^\s#](?:.*[^\s#])?)\s*$")
_new_heading = tuple.__new__


def _any_heading(line: str, number: int) -> Heading | None:
    """An ATX heading of any shape (string operations first: this runs for every `#` line)."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    text = rest.strip()
    if text.endswith("#"):
        match = _HEADING.match(line)
        text = (match.group(2) or "").strip() if match else text
    if text[:1].isdigit():
        num = _NUMBER.match(text)
        if num is not None:
            return Heading(number, level, num.group(1), num.group(2).strip())
    return Heading(number, level, "", text)
