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
    """One pass over the lines: fences, comments, then headings and tables."""

    def __init__(self, doc: MarkdownDoc, rel: str) -> None:
        self.doc, self.rel = doc, rel
        self.fence, self.fence_line = "", 0
        self.comment_start = 0  # line of an HTML comment still open (0: none)
        self.comment_parts: list[str] = []
        self.rows: list[TableRow] | None = None  # rows of the table being read
        self.table_at = 0  # the table being read: its delimiter index and header cells
        self.header: tuple[str, ...] = ()
        self.candidate = -2  # index of the last line that could be a table header

    def run(self, has_comments: bool) -> None:
        """Read every line; a line inside a fence or a comment is only that."""
        for i, line in enumerate(self.doc.lines):
            if self.fence:
                self._fenced(i, line)
                continue
            if has_comments and (self.comment_start or "<!--" in line):
                line = self._comment_line(i, line)
                if self.comment_start:
                    continue
            self._read(i, line)
        self._end_table()
        self._report_open_blocks()

    def _fenced(self, i: int, line: str) -> None:
        self.doc.code[i] = True
        if closes_fence(line, self.fence):
            self.fence = ""

    def _read(self, i: int, line: str) -> None:
        """A line outside fences and comments: a fence, a heading, a table line, or other text."""
        if not line.strip():
            self._end_table()
            return
        run = fence_open(line)
        if run is not None:
            self._end_table()
            self.fence, self.fence_line = run, i + 1
            self.doc.code[i] = True
            return
        heading = _heading(line, i + 1) if line.lstrip(" ")[:1] == "#" else None
        if heading is not None:
            self._end_table()
            self.doc.headings.append(heading)
        elif "|" not in line:
            self._end_table()
        else:
            self._table_line(i, line)

    def _table_line(self, i: int, line: str) -> None:
        if self.rows is not None:
            self.rows.append(new_table_row(split_cells(line), i + 1))
        elif self.candidate == i - 1 and _DELIMITER.match(line):
            self.table_at, self.header, self.rows = i, split_cells(self.doc.visible[i - 1]), []
            self._check_delimiter(i, self.header, line)
        else:
            self.candidate = i

    def _end_table(self) -> None:
        if self.rows is not None:
            self.doc.tables.append(_table(self.table_at, self.header, self.rows))
            self.rows = None

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
    """An ATX heading (`## 4. Title`), else None."""
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
