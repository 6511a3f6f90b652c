"""The lines of a Markdown file a line-based reader should look at.

A view over the reader's splitter (`parse.markdown.split_markdown`), so tasks.md and the plan's
Work Breakdown see fences and HTML comments exactly as specs do: a line inside a fenced code block
comes back as `""`, and comments are cut out of their lines, so examples in code blocks and
guidance in comments are never read as content. Line numbers are kept (the list index + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from specmesh_tasks.model.spec import Problem
from specmesh_tasks.parse.markdown import split_markdown


@dataclass(frozen=True, slots=True)
class VisibleText:
    """`lines[i]` is line i+1 with code and comments blanked; the splitter's problems (a fence or
    a comment block never closed)."""

    lines: tuple[str, ...]
    problems: tuple[Problem, ...] = ()


def split_lines(text: str) -> list[str]:
    """Lines without their endings (LF, CRLF or CR), a BOM dropped; no phantom last line."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def visible_lines(lines: list[str], rel: str = "") -> VisibleText:
    """Blank out fenced code and HTML comments; keep everything else as written (`rel`: the
    file the problems are reported at)."""
    doc = split_markdown("\n".join(lines), rel)
    # A line left with only the space that replaced a comment reads as blank, as before.
    visible = tuple("" if code or not text.strip() else text
                    for text, code in zip(doc.visible, doc.code, strict=True))
    return VisibleText(visible, tuple(doc.problems))
