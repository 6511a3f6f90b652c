"""Where an HTML comment in Markdown starts and ends, as CommonMark reads it.

- A `<!--` at the start of a line (after at most three spaces) opens a comment *block*: it runs to
  the line holding `-->`, and to the end of the file when there is none (the reader reports that
  at the opening line).
- A `<!--` later in a line is an *inline* comment: it ends at the next `-->`, on the same line or
  on a later line of the same paragraph. One that does not close there is text, and so is one in
  a heading (a heading is a single line): `### UC-LOAN-002: Return a book <!-- note` keeps its
  use case and everything after it.
- A paragraph ends at a blank line, a heading or a code fence.

The reader's Markdown splitter (`parse.markdown`) and the spec header grammar (`spec_header`, which
task declaration runs on raw lines) both decide with these two functions.
"""

from __future__ import annotations

from collections.abc import Sequence


def opens_block(line: str, start: int) -> bool:
    """True when the `<!--` at `start` of `line` opens a comment block (it begins the line)."""
    return start <= 3 and not line[:start].strip(" ")


def closes_in_paragraph(lines: Sequence[str], after: int) -> bool:
    """True when a `-->` comes on one of the lines from index `after` before the paragraph ends."""
    for j in range(after, len(lines)):
        line = lines[j]
        if not line.strip() or is_heading(line) or line.lstrip(" ")[:3] in ("```", "~~~"):
            return False
        if "-->" in line:
            return True
    return False


def is_heading(line: str) -> bool:
    """True for an ATX heading line (`## Title`, `#` alone), which a comment cannot span."""
    text = line.lstrip(" ")
    level = len(text) - len(text.lstrip("#"))
    return len(line) - len(text) <= 3 and 1 <= level <= 6 and text[level:level + 1] in ("", " ", "\t")
