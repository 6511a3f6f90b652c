"""The H1, the header block and the spec kind.

Grammar: the H1 is the first `# ` heading; its title is the text after `Feature Spec:`,
`Feature Specification:`, `Domain Specification:`, `Fix Spec:`, `Test Scenario Spec:` … (else the
whole heading). The header is the `Key: value` lines after the H1 (from the top when the file has
no H1 before them) up to the first `---` rule or `##` heading, HTML comments ignored (the
template's kept comment contains `Spec Status:`, which is not the status). Bold and list markers
around a key are tolerated (`- **Status:** Draft`); a full-width colon is accepted.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from specmesh_tasks.discover import kind_from_type
from specmesh_tasks.model.ids import PLACEHOLDER_ID, IdKind, kind_of
from specmesh_tasks.model.spec import HeaderField, SpecKind
from specmesh_tasks.parse.markdown import MarkdownDoc
from specmesh_tasks.parse.records import new_header_field

_TITLE = re.compile(
    r"(?:(?:Feature|Domain|Screen|Vision|Fix|Bug Fix|Test Scenarios?|Overview)\s+Spec(?:ification)?"
    r"|Test Scenarios?)\s*[:：]\s*(.*)$",
    re.IGNORECASE,
)
_FIELD = re.compile(r"\s*(?:[-*+]\s+)?([^\W\d][\w ()/.&-]{0,40}?)\s*[:：]\s*(.*)")  # value: strip it
# Template fill-ins: `[OWNER]`, `[BUG TITLE]`, `[Draft | In Review | …]`, `[#123]`, `{date}`, `#XX`.
# A real bracketed value (`[#12]`) or issue number (`#123`) is not one.
_UNFILLED = re.compile(
    r"^\[(?:[A-Z][A-Z0-9 _/-]*|[^\]]*\|[^\]]*|#123|#N+|#X+)\]$|\{[A-Za-z_ ]+\}|^#(?:X+|N+)$"
)
_ID_KINDS = {
    IdKind.VISION: SpecKind.VISION, IdKind.DOMAIN: SpecKind.DOMAIN,
    IdKind.SCREEN_SPEC: SpecKind.SCREEN, IdKind.FEATURE: SpecKind.FEATURE,
    IdKind.FIX: SpecKind.FIX, IdKind.TEST_SCENARIO: SpecKind.TEST_SCENARIO,
}
_PATH_KINDS = (
    ("test-scenarios.md", SpecKind.TEST_SCENARIO), ("/fixes/", SpecKind.FIX),
    ("/features/", SpecKind.FEATURE), ("/vision/", SpecKind.VISION),
    ("/domain/", SpecKind.DOMAIN), ("/screen/", SpecKind.SCREEN),
    ("/overview/spec.md", SpecKind.DOMAIN),
)
_H1_KINDS = (
    ("feature", SpecKind.FEATURE), ("domain", SpecKind.DOMAIN), ("overview", SpecKind.DOMAIN),
    ("screen", SpecKind.SCREEN), ("vision", SpecKind.VISION), ("fix", SpecKind.FIX),
    ("bug fix", SpecKind.FIX), ("test scenario", SpecKind.TEST_SCENARIO),
)


def find_h1(doc: MarkdownDoc) -> tuple[int, str]:
    """(line, raw heading text) of the first H1, or (0, "")."""
    for head in doc.headings:
        if head.level == 1:
            text = f"{head.number} {head.title}" if head.number else head.title
            return head.line, text
        break  # a `##` before any H1: the file has no title heading
    return 0, ""


def title_of(h1_text: str) -> str:
    """`Feature Spec: Book Lending` -> `Book Lending`; any other H1 as it is."""
    match = _TITLE.match(h1_text)
    return (match.group(1) if match else h1_text).strip()


def read_fields(doc: MarkdownDoc, h1_line: int) -> tuple[HeaderField, ...]:
    """The header's `Key: value` lines (first occurrence of each key wins)."""
    fields: list[HeaderField] = []
    seen: set[str] = set()
    for i in range(h1_line, len(doc.lines)):
        if doc.code[i]:
            break
        line = doc.visible[i]
        stripped = line.strip()
        if stripped == "---" or stripped.startswith("##"):
            break
        if not stripped:
            continue
        if "**" in line:
            line = line.replace("**", "")
        match = _FIELD.match(line)
        if match is None:
            continue
        key = match.group(1).strip()
        if key.casefold() not in seen:
            seen.add(key.casefold())
            fields.append(new_header_field(key, match.group(2).strip(), i + 1))
    return tuple(fields)


def unfilled_fields(fields: tuple[HeaderField, ...], title: str, h1_line: int) -> tuple[HeaderField, ...]:
    """Header values (and the title) still holding template text: `[OWNER]`, `#XX`, `{date}`."""
    out = [f for f in fields if f.value and _unfilled(f.value)]
    if h1_line and title and _UNFILLED.search(title):
        out.insert(0, HeaderField("Title", title, h1_line))
    return tuple(out)


def _unfilled(value: str) -> bool:
    """`_UNFILLED` or `PLACEHOLDER_ID` found in `value` (cheap character tests first)."""
    if (value[:1] in ("[", "#") or "{" in value) and _UNFILLED.search(value):
        return True
    return "-" in value and PLACEHOLDER_ID.search(value) is not None


def spec_kind(fields: tuple[HeaderField, ...], rel_path: str, h1_text: str) -> SpecKind:
    """Kind from `Spec Type:`, else the Spec ID's prefix, else the path, else the H1 wording."""
    lowered = {f.key.casefold(): f.value for f in fields}
    kind = kind_from_type(lowered["spec type"]) if lowered.get("spec type") else SpecKind.UNKNOWN
    if kind is SpecKind.UNKNOWN:
        kind = _kind_from_id(lowered.get("spec id") or lowered.get("spec id(s)") or "")
    if kind is SpecKind.UNKNOWN:
        kind = _kind_from_path(rel_path)
    if kind is SpecKind.UNKNOWN and h1_text:
        head = h1_text.casefold()
        kind = next((k for word, k in _H1_KINDS if head.startswith(word)), SpecKind.UNKNOWN)
    return kind


def spec_ids(value: str) -> list[tuple[str, IdKind | None]]:
    """The IDs of a `Spec ID:` value (`S-A-001`, `S-A-001, S-B-002`), each with its kind."""
    out = []
    for part in re.split(r"[,|、]", value):
        token = part.strip().strip("`*").strip()
        if token:
            token = token.split()[0]
            out.append((token, kind_of(token)))
    return out


def _kind_from_id(value: str) -> SpecKind:
    for _token, kind in spec_ids(value):
        if kind in _ID_KINDS:
            return _ID_KINDS[kind]
    return SpecKind.UNKNOWN


def _kind_from_path(rel_path: str) -> SpecKind:
    path = "/" + PurePosixPath(rel_path).as_posix().lower()
    for needle, kind in _PATH_KINDS:
        if needle in path:
            return kind
    return SpecKind.UNKNOWN
