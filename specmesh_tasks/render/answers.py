"""Answers to the plan's prompts that a feature or fix spec gives in its own sections (issue 15).

Each function reads one part of the feature template (`reference/spec-mesh-format.md` §4.1) or of
the fix template (§4.4) and returns what the plan shows, IDs first and titles after, in the spec's
order. An answer is empty when the spec is silent, so the prompt stays the person's; only an
empty Open Questions section is itself an answer ("none open"). Template fill-ins left in a spec
(`[Actor]`, `[Step 1]`) are not answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from specmesh_tasks.formats.spec_header import is_template_text
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import SpecDoc, Table
from specmesh_tasks.render.spec_text import body, find_section, first_sentence, items, labelled, paragraphs

NONE_OPEN = "none open"


@dataclass(frozen=True, slots=True)
class Flow:
    """A use case with its actor and the FRs that implement it."""

    id: str
    title: str
    actor: str
    requirements: tuple[str, ...]

    @property
    def label(self) -> str:
        head = f"{self.id} {self.title}".strip() + (f" — {self.actor}" if self.actor else "")
        return f"{head}: {', '.join(self.requirements)}" if self.requirements else head


@dataclass(frozen=True, slots=True)
class Criterion:
    """A success criterion and how it is measured."""

    id: str
    description: str
    measurement: str

    @property
    def label(self) -> str:
        head = f"{self.id} {self.description}".strip()
        return f"{head} (measured by: {self.measurement})" if self.measurement else head


@dataclass(frozen=True, slots=True)
class Pending:
    """A row of the spec's Pending Additions: a domain item this feature introduces."""

    id: str
    type: str
    description: str
    status: str


@dataclass(frozen=True, slots=True)
class SpecUpdate:
    """A row of a fix's Spec Updates Required: a change another spec needs, to be approved."""

    spec_id: str
    section: str
    description: str

    @property
    def label(self) -> str:
        where = f"{self.spec_id} ({self.section})" if self.section else self.spec_id
        return f"{where}: {self.description}" if self.description else where


def summary(spec: SpecDoc, lines: list[str], fix: bool) -> str:
    """The seed of the one-sentence summary: the first sentence of what the feature does (a fix:
    of its expected behavior)."""
    if fix:
        section = find_section(spec, "expected behavior", "expected behaviour")
        text = " ".join(paragraphs(body(lines, section))) if section else ""
    else:
        section = find_section(spec, "feature description", "purpose and scope", "purpose")
        found = labelled(body(lines, section), "What this feature does") if section else None
        text = found.text if found else ""
    return "" if is_template_text(text) else first_sentence(text)


def out_of_scope(spec: SpecDoc, lines: list[str]) -> tuple[str, ...]:
    """The Scope's out-of-scope answer (its nested items too)."""
    section = find_section(spec, "scope")
    found = labelled(body(lines, section), "Out-of-scope", "Out of scope") if section else None
    if found is None:
        return ()
    parts = [found.text.rstrip(".;"), *(x.rstrip(".;") for x in found.nested)]
    return tuple(p for p in parts if p and not is_template_text(p))


def flows(spec: SpecDoc) -> tuple[Flow, ...]:
    """Each use case with its actor and its FRs by ID (from the FR table's Related UC column)."""
    out = []
    for uc in spec.use_cases:
        frs = tuple(r.id for r in spec.requirements if r.kind is IdKind.FR and uc.id in r.related_use_cases)
        actor = (uc.actor or "").strip()
        out.append(Flow(uc.id, uc.title, "" if is_template_text(actor) else actor, frs))
    return tuple(out)


def success_criteria(spec: SpecDoc) -> tuple[Criterion, ...]:
    """The Success Criteria table's rows: ID, description, measurement."""
    section = find_section(spec, "success criteria")
    keys = {section.number or section.title} if section else set()
    out = []
    for table in _tables(spec, lambda header: header[0].casefold() in ("sc id", "sc")):
        if keys and table.section not in keys:
            continue
        for row in table.rows:
            cells = [*row.cells, "", ""]
            if cells[0].strip() and not is_template_text(cells[0]):
                out.append(Criterion(cells[0].strip(), cells[1].strip(), cells[2].strip()))
    return tuple(out)


def critical_edge_cases(spec: SpecDoc, lines: list[str]) -> tuple[str, ...]:
    """The Testing Strategy's critical edge cases (the checklist items, ticked or not)."""
    section = find_section(spec, "critical edge")
    found = items(body(lines, section)) if section else []
    return tuple(i.text for i in found if not is_template_text(i.text))


def failure_modes(spec: SpecDoc) -> tuple[str, ...]:
    """The Edge Cases and Error Handling table, as Markdown table lines (empty when it has no row)."""
    section = find_section(spec, "edge cases and error", "edge cases")
    if section is None or "critical" in section.title.casefold():
        return ()
    keys = {section.number or section.title}
    tables = [t for t in spec.tables if t.section in keys and t.rows]
    if not tables:
        return ()
    table = tables[0]
    rows = [r.cells for r in table.rows if any(c.strip() for c in r.cells) and not is_template_text(r.cells[0])]
    if not rows:
        return ()
    width = len(table.header)
    return (_row(table.header), "|" + "---|" * width, *(_row((*r, *[""] * width)[:width]) for r in rows))


def open_questions(spec: SpecDoc, lines: list[str]) -> tuple[str, ...] | None:
    """The Open Questions still open (unticked); () when the section has none open, None when the
    spec has no such section (then it says nothing)."""
    section = find_section(spec, "open question")
    if section is None:
        return None
    found = items(body(lines, section))
    return tuple(i.text for i in found if i.checked is False and not is_template_text(i.text))


def pending_additions(spec: SpecDoc) -> tuple[Pending, ...]:
    """The Pending Additions table's rows (`| ID | Type | Description | Status | Added Date |`)."""
    section = find_section(spec, "pending addition")
    if section is None:
        return ()
    keys = {section.number or section.title}
    out = []
    for table in (t for t in spec.tables if t.section in keys):
        for row in table.rows:
            cells = [c.strip() for c in (*row.cells, "", "", "", "")]
            if cells[0] and not is_template_text(cells[0]):
                out.append(Pending(cells[0], cells[1], cells[2], cells[3]))
    return tuple(out)


def reproduction(spec: SpecDoc, lines: list[str]) -> tuple[str, ...]:
    """A fix's steps to reproduce, in order."""
    section = find_section(spec, "steps to reproduce")
    found = items(body(lines, section)) if section else []
    return tuple(i.text for i in found if not is_template_text(i.text))


def expected_behavior(spec: SpecDoc, lines: list[str]) -> str:
    """A fix's expected behavior, as one paragraph."""
    section = find_section(spec, "expected behavior", "expected behaviour")
    text = " ".join(paragraphs(body(lines, section))) if section else ""
    return "" if is_template_text(text) else text


def root_cause(spec: SpecDoc, lines: list[str]) -> tuple[str, ...]:
    """A fix's Root Cause section, as written (to be quoted)."""
    section = find_section(spec, "root cause")
    if section is None or "analysis" in section.title.casefold():
        return ()
    found = body(lines, section)
    while found and not found[0].strip():
        found.pop(0)
    return () if all(is_template_text(x.strip()) for x in found if x.strip()) else tuple(found)


def code_areas(spec: SpecDoc, lines: list[str]) -> tuple[str, ...]:
    """The files a fix spec names (`rooms/booking/overlap.py`), in order of first mention."""
    from specmesh_tasks.materialize.checks import named_paths  # the one grammar of paths in text

    found: list[str] = []
    for section in spec.sections:
        if section.level == 2:
            found += named_paths("\n".join(body(lines, section)))
    return tuple(dict.fromkeys(found))


def spec_updates(spec: SpecDoc) -> tuple[SpecUpdate, ...]:
    """A fix's Spec Updates Required rows (`| Spec Type | Spec ID | Section | Update Description |`)."""
    out = []
    for table in _tables(spec, lambda header: len(header) >= 4 and "spec id" in header[1].casefold()):
        for row in table.rows:
            cells = [c.strip() for c in (*row.cells, "", "", "", "")]
            if cells[1] and not is_template_text(cells[1]):
                out.append(SpecUpdate(cells[1], cells[2], cells[3]))
    return tuple(out)


def _tables(spec: SpecDoc, wanted: Callable[[tuple[str, ...]], bool]) -> list[Table]:
    return [t for t in spec.tables if t.header and wanted(t.header)]


def _row(cells: tuple[str, ...] | list[str]) -> str:
    return "| " + " | ".join(c.strip().replace("|", "\\|") for c in cells) + " |"


@dataclass(frozen=True, slots=True)
class DomainChanges:
    """The domain items a feature introduces: pending additions the domain spec does not define
    yet, and items it uses that the domain spec lacks (Case 2/3 of the change workflow)."""

    masters: tuple[str, ...]  # labels for §3.2 "New tables or collections"
    apis: tuple[str, ...]  # labels for §3.3 "New API IDs"
    ids: tuple[str, ...]  # every new item's ID, for §8 "Approvals needed"


def domain_changes(pending: tuple[Pending, ...], missing: dict[str, str], defined: set[str]) -> DomainChanges:
    """What the feature adds to the domain: its pending additions not yet defined, then the IDs it
    uses that the domain spec lacks (`missing`: ID -> label), each once, in the spec's order."""
    labels: dict[str, str] = {}
    for row in pending:
        if row.id not in defined:
            said = f": {row.description}" if row.description else ""
            labels.setdefault(row.id, f"{row.id} (pending addition{said})")
    for item, label in missing.items():
        labels.setdefault(item, label)
    masters = tuple(v for k, v in labels.items() if k.startswith("M-"))
    apis = tuple(v for k, v in labels.items() if k.startswith("API-"))
    return DomainChanges(masters, apis, tuple(labels))


def approvals(changes: DomainChanges, domain_id: str, updates: tuple[SpecUpdate, ...]) -> str:
    """§8 Approvals needed: a change to the domain spec for new items (Spec-First), or a fix's
    spec updates; "" when the specs need no change."""
    if updates:
        return "spec updates to approve: " + "; ".join(u.label for u in updates)
    if not changes.ids:
        return ""
    domain = domain_id or "the domain spec"
    return (f"{domain} change for {', '.join(changes.ids)} (new in this feature): the domain spec is "
            "updated and approved first (Spec-First)")
