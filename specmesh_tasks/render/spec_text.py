"""The prose of a feature or fix spec that a plan quotes: a section's lines, its list items, the
value after a label such as `- Out-of-scope:`.

Sections are found by words of their title (`Scope`, `Open Questions`), not by number: real specs
number them differently. Lines inside fenced code blocks and HTML comments are never quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.formats.task_lines import list_item
from specmesh_tasks.model.spec import Section, SpecDoc
from specmesh_tasks.parse.markdown import closes_fence, fence_open

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(`\"])|(?<=[。！？])")


@dataclass(frozen=True, slots=True)
class Item:
    """One top-level list item of a section, its continuation lines joined to its text."""

    text: str
    checked: bool | None  # None: not a checkbox item
    nested: tuple[str, ...] = ()  # the texts of its nested items


def find_section(spec: SpecDoc, *words: str) -> Section | None:
    """The section titled one of `words`, else the first whose title holds one (case-insensitive;
    `Root Cause` finds §3.2 Root Cause before §3 Root Cause Analysis)."""
    wanted = [w.casefold() for w in words]
    exact = [s for s in spec.sections if s.title.casefold().strip(" :") in wanted]
    if exact:
        return exact[0]
    for section in spec.sections:
        title = section.title.casefold()
        if any(w in title for w in wanted):
            return section
    return None


def body(lines: list[str], section: Section, *, own_only: bool = False) -> list[str]:
    """The section's lines (its heading excluded) without code blocks and HTML comments; with
    `own_only`, up to its first sub-heading."""
    out: list[str] = []
    fence, comment = "", False
    for line in lines[section.start:section.end]:
        if fence:
            fence = "" if closes_fence(line, fence) else fence
            continue
        if comment:
            comment = "-->" not in line
            continue
        stripped = line.strip()
        if own_only and stripped.startswith("#"):
            break
        if (run := fence_open(line)) is not None:
            fence = run
            continue
        if stripped.startswith("<!--"):
            comment = "-->" not in stripped
            continue
        out.append(line.rstrip())
    while out and (not out[-1].strip() or out[-1].strip() == "---"):
        out.pop()
    return out


def items(section_lines: list[str]) -> list[Item]:
    """The top-level list items, in order (continuation lines and nested items kept with them)."""
    found: list[tuple[int, str, bool | None, list[str]]] = []
    for line in section_lines:
        m = list_item(line)
        if m and (not found or len(m.indent) <= found[-1][0]):
            found.append((len(m.indent), m.text.strip(), m.checked, []))
        elif found and m:
            found[-1][3].append(m.text.strip())
        elif found and line.strip() and line[:1] in (" ", "\t"):
            indent, text, checked, nested = found[-1]
            if nested:
                nested[-1] += " " + line.strip()
            else:
                found[-1] = (indent, f"{text} {line.strip()}", checked, nested)
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        elif found:
            found.append((-1, "", None, []))  # a paragraph ends the list
    return [Item(text, checked, tuple(nested)) for _i, text, checked, nested in found if text]


def paragraphs(section_lines: list[str]) -> list[str]:
    """The section's prose paragraphs (not list items, tables or headings), each one line."""
    out: list[str] = []
    current: list[str] = []
    for line in [*section_lines, ""]:
        s = line.strip()
        if not s or s.startswith(("#", "|")) or list_item(line):
            if current:
                out.append(" ".join(current))
                current = []
            continue
        current.append(s)
    return out


def labelled(section_lines: list[str], *labels: str) -> Item | None:
    """The list item that starts with one of `labels` (`Out-of-scope`, bold or not, then a colon),
    with the label cut off."""
    wanted = [label.casefold() for label in labels]
    for item in items(section_lines):
        text = item.text.replace("**", "").replace("__", "")
        head, colon, rest = text.partition(":")
        if colon and head.strip().casefold() in wanted:
            return Item(rest.strip(), item.checked, item.nested)
    return None


def first_sentence(text: str) -> str:
    """The text up to the end of its first sentence."""
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return parts[0].strip() if parts else ""
