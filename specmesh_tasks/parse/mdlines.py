"""The lines of a Markdown file a line-based reader should look at.

Fenced code blocks (```` ``` ```` / ``~~~``) and HTML comments (``<!-- … -->``, possibly spanning
lines) are hidden: a line inside them comes back as ``""``, and a comment inside a line is cut
out, so examples in code blocks and guidance in comments are never read as content. Line numbers
are kept (the list index + 1), which is what findings need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True, slots=True)
class VisibleText:
    """`lines[i]` is line i+1 with code and comments blanked; where an unclosed block began."""

    lines: tuple[str, ...]
    open_fence_line: int = 0  # 1-based line of a fence never closed (0: none)
    open_comment_line: int = 0  # 1-based line of a comment never closed (0: none)


def split_lines(text: str) -> list[str]:
    """Lines without their endings (LF, CRLF or CR), a BOM dropped; no phantom last line."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def visible_lines(lines: list[str]) -> VisibleText:
    """Blank out fenced code and HTML comments; keep everything else as written."""
    out: list[str] = []
    fence, fence_line = "", 0
    comment_line = 0
    for number, line in enumerate(lines, start=1):
        if fence:
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = ""
            out.append("")
            continue
        if comment_line:
            end = line.find("-->")
            if end < 0:
                out.append("")
                continue
            comment_line, line = 0, line[end + 3 :]
        line, comment_line = _cut_comments(line, number)
        opening = _FENCE.match(line)
        if opening and not comment_line:
            fence, fence_line = opening.group(1), number
            out.append("")
            continue
        out.append(line)
    return VisibleText(tuple(out), fence_line if fence else 0, comment_line)


def _cut_comments(line: str, number: int) -> tuple[str, int]:
    """Remove whole comments from a line; return the rest and the line of one left open."""
    line = _COMMENT.sub("", line)
    start = line.find("<!--")
    if start < 0:
        return line, 0
    return line[:start], number
