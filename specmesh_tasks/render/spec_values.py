"""Values a plan takes from the feature or fix spec's own sections: use cases, planned tests,
deferred items, external systems, a fix's direction."""

from __future__ import annotations

from dataclasses import dataclass

from specmesh_tasks.formats.task_lines import list_item
from specmesh_tasks.model.spec import MarkerKind, Section, SpecDoc

_E2E_WORDS = ("e2e", "end-to-end", "end to end")


@dataclass(frozen=True, slots=True)
class UseCaseRef:
    id: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.id} ({self.title})" if self.title else self.id


@dataclass(frozen=True, slots=True)
class PlannedTest:
    target: str
    test_type: str
    description: str

    @property
    def label(self) -> str:
        return f"{self.target} ({self.description})" if self.description else self.target


@dataclass(frozen=True, slots=True)
class DeferredItem:
    text: str
    where: str  # the section it is in ("§6", "UC-LOAN-001: Borrow a book"), never a line number


def external_systems(spec: SpecDoc) -> tuple[str, ...]:
    """First cells of tables in a section about external systems, if the spec has one."""
    keys = {s.number or s.title for s in spec.sections if "external" in s.title.casefold()}
    names = [t.rows[i].cells[0] for t in spec.tables if t.section in keys for i in range(len(t.rows))
             if t.rows[i].cells and t.rows[i].cells[0].strip()]
    return tuple(dict.fromkeys(n.strip().strip("`*") for n in names))


def planned_tests(spec: SpecDoc) -> dict[str, tuple[PlannedTest, ...]]:
    """The Test Coverage rows by level; a type that is neither Unit nor E2E counts as integration."""
    out: dict[str, list[PlannedTest]] = {"unit": [], "integration": [], "e2e": []}
    for row in spec.coverage:
        kind = row.test_type.casefold()
        level = "unit" if "unit" in kind else "e2e" if any(w in kind for w in _E2E_WORDS) else "integration"
        description = row.description
        if level == "integration" and kind and "integration" not in kind:
            description = f"{row.test_type}: {row.description}".rstrip(": ")
        out[level].append(PlannedTest(row.target, row.test_type, description))
    return {k: tuple(v) for k, v in out.items()}


def deferred_items(spec: SpecDoc, lines: list[str] | None) -> tuple[DeferredItem, ...]:
    """The `[DEFERRED]` items with the section they are in. Not their line: a plan must not change
    when an unrelated line is inserted above one (`plan --check` would fail on every edit)."""
    out = []
    for marker in spec.markers:
        if marker.kind is not MarkerKind.DEFERRED:
            continue
        text = marker.text
        if lines is not None and 0 < marker.location.line <= len(lines):
            text = _clean_line(lines[marker.location.line - 1]) or marker.text
        section = marker.section if not marker.section[:1].isdigit() else f"§{marker.section}"
        out.append(DeferredItem(text, section))
    return tuple(out)


def _clean_line(line: str) -> str:
    """A spec line as one readable phrase: no list bullet or checkbox, table cells joined."""
    s = line.strip()
    if s.startswith("|"):
        cells = [c.strip() for c in s.strip("|").split("|")]
        return " | ".join(c for c in cells if c)
    item = list_item(s)
    return (item.text if item else s).strip()


def _fix_direction_section(spec: SpecDoc) -> Section | None:
    for section in spec.sections:
        if section.level == 2 and "fix direction" in section.title.casefold():
            return section
    return None


def fix_section_name(spec: SpecDoc) -> str:
    section = _fix_direction_section(spec)
    if section is None:
        return ""
    return f"{section.number} {section.title}".strip()


def fix_direction(spec: SpecDoc, lines: list[str] | None) -> tuple[str, ...]:
    """The Fix Direction section's lines (heading excluded), to be quoted in §3.1."""
    section = _fix_direction_section(spec)
    if section is None or lines is None:
        return ()
    body = [x.rstrip() for x in lines[section.start:section.end]]
    while body and (not body[-1].strip() or body[-1].strip() == "---"):
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    return tuple(body)
