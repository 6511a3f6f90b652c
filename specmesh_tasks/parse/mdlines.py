"""The lines of a Markdown file a line-based reader should look at.

A view over the reader's splitter (`parse.markdown.split_markdown`), so tasks.md and the plan's
Work Breakdown see fences and HTML comments exactly as specs do: a line inside a fenced code block
comes back as `""`, and comments are cut out of their lines, so examples in code blocks and
guidance in comments are never read as content. Line numbers are kept (the list index + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from specmesh_tasks.parse import problems as codes
from specmesh_tasks.parse.markdown import split_markdown


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
    doc = split_markdown("\n".join(lines))
    # A line left with only the space that replaced a comment reads as blank, as before.
    visible = tuple("" if code or not text.strip() else text
                    for text, code in zip(doc.visible, doc.code, strict=True))
    opened = {p.code: p.location.line for p in doc.problems}
    return VisibleText(visible, opened.get(codes.UNTERMINATED_FENCE, 0),
                       opened.get(codes.UNTERMINATED_COMMENT, 0))
