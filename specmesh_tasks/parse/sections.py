"""Sections from headings: spans, parents, digests and the innermost section of every line.

A section runs from its heading to the line before the next heading of the same or a higher
level (H1 included), without trailing blank lines and `---` rules, so adding a blank line or a
separator between sections changes no section's digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import accumulate

from specmesh_tasks.model.spec import Section
from specmesh_tasks.parse.markdown import Heading, MarkdownDoc
from specmesh_tasks.parse.records import new_section

_RULES = frozenset({"---", "***", "___", "- - -", "* * *"})


@dataclass(frozen=True, slots=True)
class SectionIndex:
    """Sections in file order, each one's parent, and the innermost section per line."""

    sections: tuple[Section, ...]
    parents: tuple[int, ...]  # index of the enclosing section, -1 at top level
    owner: list[int]  # per 0-based line: index of the innermost section, -1 for none
    labels: tuple[str, ...]  # per section: `section_label`

    def label(self, line: int) -> str:
        """Number of the section holding 1-based `line`, or its title when unnumbered."""
        k = self.owner[line - 1] if 0 < line <= len(self.owner) else -1
        return self.labels[k] if k >= 0 else ""

    def chain(self, line: int) -> list[Section]:
        """The sections holding 1-based `line`, innermost first."""
        k = self.owner[line - 1] if 0 < line <= len(self.owner) else -1
        out = []
        while k >= 0:
            out.append(self.sections[k])
            k = self.parents[k]
        return out


def section_label(section: Section) -> str:
    return section.number or section.title


class StrippedText:
    """A file's right-stripped lines and their UTF-8 text, encoded once for every digest.

    Digests are `fsutil.normalized_digest` of the lines concerned (the tests check it). They are
    taken from slices of one encoding of the whole file rather than by joining and encoding each
    section again: sections nest, so that would encode most of the file several times.
    """

    __slots__ = ("_starts", "data", "lines")

    def __init__(self, lines: list[str], final_newline: bool, source: tuple[list[str], str] | None = None) -> None:
        """`source`: the unstripped lines and the text they were split from, reused as it is when
        no line had trailing whitespace (the common case; saves joining the lines again)."""
        self.lines = lines
        if source is not None and source[0] == lines:
            self.data = source[1].encode("utf-8")
        else:
            self.data = ("\n".join(lines) + ("\n" if final_newline else "")).encode("utf-8")
        # _starts[k] + k is the byte offset of 0-based line k (each earlier line adds its LF)
        self._starts = list(accumulate(map(len, self.data.split(b"\n")), initial=0))

    def digest(self, start: int, end: int) -> str:
        """Digest of 1-based lines start..end inclusive."""
        starts = self._starts
        return hashlib.sha256(self.data[starts[start - 1] + start - 1:starts[end] + end - 1]).hexdigest()

    def file_digest(self) -> str:
        """Digest of the whole file (its final newline included)."""
        return hashlib.sha256(self.data).hexdigest()


def text_digest(text: str) -> str:
    """`fsutil.normalized_digest` of a one-line text (a table row's cells)."""
    return hashlib.sha256(text.rstrip().encode("utf-8")).hexdigest()


def block_end(lines: list[str], start: int, stop: int) -> int:
    """Last 1-based line of a block from `start` up to (excluding) `stop`, trimmed at the end."""
    end = stop - 1
    while end > start:
        text = lines[end - 1].strip()
        if text and text not in _RULES:
            break
        end -= 1
    return end


def index_sections(doc: MarkdownDoc, text: StrippedText) -> SectionIndex:
    """Build every `##`-and-deeper section of a split document (`text`: its lines rstripped)."""
    lines, heads, n = text.lines, doc.headings, len(doc.lines)
    stops = _stop_lines(heads, n)
    sections: list[Section] = []
    parents: list[int] = []
    owner = [-1] * n
    stack: list[tuple[int, int]] = []  # (level, index in sections)
    digest = text.digest
    for pos, head in enumerate(heads):
        nxt = heads[pos + 1].line - 1 if pos + 1 < len(heads) else n
        if head.level == 1:
            stack.clear()
            continue
        while stack and stack[-1][0] >= head.level:
            stack.pop()
        end = block_end(lines, head.line, stops[pos])
        index = len(sections)
        sections.append(new_section(head.number, head.title, head.level, head.line, end,
                                    digest(head.line, end)))
        parents.append(stack[-1][1] if stack else -1)
        stack.append((head.level, index))
        owner[head.line - 1:nxt] = [index] * (nxt - head.line + 1)
    labels = tuple(s.number or s.title for s in sections)
    return SectionIndex(tuple(sections), tuple(parents), owner, labels)


def _stop_lines(heads: list[Heading], n: int) -> list[int]:
    """Per heading, the 1-based line of the next heading at its level or higher (else n + 1)."""
    stops = [n + 1] * len(heads)
    open_: list[int] = []
    for pos, head in enumerate(heads):
        while open_ and heads[open_[-1]].level >= head.level:
            stops[open_.pop()] = head.line
        open_.append(pos)
    return stops
