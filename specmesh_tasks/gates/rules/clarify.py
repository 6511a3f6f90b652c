"""SM1xx: the CLARIFY GATE and the status gate.

CLARIFY GATE per spec (format reference §6): BLOCKED when a `[NEEDS CLARIFICATION]` is left (or,
for vision/domain/screen specs, an unchecked `- [ ]` in their Open Questions section),
PASSED_WITH_DEFERRED when only `[DEFERRED: …]` items are left, else PASSED. Open items are errors
in an Approved or Implemented spec and warnings in any other status (open questions are normal in
a Draft).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum

from specmesh_tasks.gates.catalog import rule, spec_rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, Severity, finding
from specmesh_tasks.gates.index import header_location, is_approved, repo_index, usable_spec_id
from specmesh_tasks.model.spec import MarkerKind, Repo, SpecDoc, SpecKind

# A test scenario document has its own lifecycle (format reference §4.0).
TEST_SCENARIO_STATUSES = ("Draft", "In Review", "Ready", "Executing", "Completed")
_SUCCESSOR = re.compile(r"(?i)superseded\s+by\s*[:：]?\s*[*_`]*\s*((?:S|F)-[A-Z][A-Z0-9-]*-\d{3})")
_SPEC_ID = re.compile(r"(?:S|F)-[A-Z][A-Z0-9-]*-\d{3}")
_STATUS_PLACEHOLDER = re.compile(r"^\s*\[.*\|.*\]\s*$")


class GateStatus(str, Enum):
    """The CLARIFY GATE verdict of one spec."""

    BLOCKED = "BLOCKED"
    PASSED_WITH_DEFERRED = "PASSED_WITH_DEFERRED"
    PASSED = "PASSED"


def clarify_gate(spec: SpecDoc) -> GateStatus:
    """The CLARIFY GATE verdict from the spec's markers (HTML comments and code never count)."""
    kinds = {m.kind for m in spec.markers}
    if MarkerKind.NEEDS_CLARIFICATION in kinds or MarkerKind.OPEN_QUESTION in kinds:
        return GateStatus.BLOCKED
    if MarkerKind.DEFERRED in kinds:
        return GateStatus.PASSED_WITH_DEFERRED
    return GateStatus.PASSED


def open_item_severity(spec: SpecDoc) -> Severity:
    return Severity.ERROR if is_approved(spec) else Severity.WARNING


def _status(spec: SpecDoc) -> str:
    return (spec.status or "").strip()


@spec_rule(
    code="SM101", name="needs-clarification", severity="error",
    summary="a `[NEEDS CLARIFICATION]` marker is still open (CLARIFY GATE: BLOCKED)",
    rationale="A plan built on an open question builds the wrong thing. The marker blocks planning; "
              "it is an error in an Approved/Implemented spec and a warning in any other status.",
    bad_example="Status: Approved\n...\n"
                "| FR-LOAN-003 | Loan period is [NEEDS CLARIFICATION: 14 or 21 days?] | UC-LOAN-001 | P1 |",
    good_example="Status: Approved\n...\n| FR-LOAN-003 | Loan period is 14 days | UC-LOAN-001 | P1 |",
    fix="Answer the question (clarify workflow) and log it in Clarifications, or turn it into "
        "`[DEFERRED: reason]` if it may wait.",
)
def check_needs_clarification(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    severity = open_item_severity(spec)
    for m in spec.markers:
        if m.kind is MarkerKind.NEEDS_CLARIFICATION:
            yield finding("SM101", m.location, f"{m.text} is still open (CLARIFY GATE: BLOCKED)",
                          severity=severity)


@spec_rule(
    code="SM102", name="open-question", severity="error",
    summary="an unchecked `- [ ]` item is left in an overview spec's Open Questions section",
    rationale="In vision, domain and screen specs an open question is an unchecked box in the Open "
              "Questions section; it blocks the CLARIFY GATE like a marker does. Checklists elsewhere "
              "(Scope, Accessibility) are not questions.",
    bad_example="## 9. Open Questions\n\n- [ ] Do members pay a deposit?",
    good_example="## 9. Open Questions\n\n- [x] Do members pay a deposit? (No, see Clarifications)",
    fix="Answer the question and tick it (or remove it once recorded in Clarifications).",
)
def check_open_questions(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    severity = open_item_severity(spec)
    for m in spec.markers:
        if m.kind is MarkerKind.OPEN_QUESTION:
            yield finding("SM102", m.location, f"open question: {m.text} (CLARIFY GATE: BLOCKED)",
                          severity=severity)


@spec_rule(
    code="SM103", name="deferred-item", severity="info",
    summary="a `[DEFERRED: reason]` item is left (CLARIFY GATE: PASSED_WITH_DEFERRED)",
    rationale="Deferred items pass the gate but are risks; the plan lists them. This info makes them "
              "visible in CI reports.",
    bad_example="| FR-LOAN-007 | Fines are [DEFERRED: PM approval pending] | UC-LOAN-002 | P2 |",
    good_example="| FR-LOAN-007 | Fines are 0.10 EUR per day | UC-LOAN-002 | P2 |",
    fix="Resolve the item when its reason is gone; until then nothing is required.",
)
def check_deferred(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    for m in spec.markers:
        if m.kind is MarkerKind.DEFERRED:
            yield finding("SM103", m.location, f"{m.text} (CLARIFY GATE: PASSED_WITH_DEFERRED)")


@spec_rule(
    code="SM110", name="status-not-allowed", severity="warning",
    summary="the `Status:` header is not one of the allowed statuses (`specs.statuses`)",
    rationale="Plans, reports and the Feature Index key on the status; a misspelt or invented status "
              "silently drops a spec from planning.",
    bad_example="Status: Done",
    good_example="Status: Implemented",
    fix="Use one of the configured statuses (default: Draft, In Review, Clarified, Approved, "
        "Implemented, Deprecated, Superseded) or add yours to `specs.statuses`.",
)
def check_status_allowed(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    status = _status(spec)
    if not status or _STATUS_PLACEHOLDER.match(status):
        return  # missing: SM203; the template's `[Draft | ...]`: SM221
    if spec.kind is SpecKind.TEST_SCENARIO:
        allowed: tuple[str, ...] = TEST_SCENARIO_STATUSES
        ok = status.casefold() in {s.casefold() for s in allowed}
    else:
        allowed = ctx.statuses
        ok = ctx.status_allowed(status) or (_is_superseded(status) and ctx.status_allowed("Superseded"))
    if not ok:
        yield finding("SM110", header_location(spec, "Status"),
                      f'status "{status}" is not allowed (allowed: {", ".join(allowed)})')


def _is_superseded(status: str) -> bool:
    return status.casefold().startswith("superseded")


def successor_of(spec: SpecDoc, ctx: RuleContext) -> str | None:
    """The spec ID a Superseded spec names as its successor (header, status line or text)."""
    for key in ("Superseded by", "Superseded By", "Successor"):
        value = spec.header(key)
        if value:
            match = _SPEC_ID.search(value)
            if match:
                return match.group(0)
    match = _SPEC_ID.search(_status(spec))  # `Status: Superseded (by S-LOAN-002)`
    if match:
        return match.group(0)
    text = ctx.read_text(spec.path) or ""
    match = _SUCCESSOR.search(text)
    return match.group(1) if match else None


@spec_rule(
    code="SM111", name="superseded-without-successor", severity="error",
    summary="a Superseded spec does not name its successor (`Superseded by: S-…`)",
    rationale="Readers of a superseded spec need to know where the current truth lives.",
    bad_example="Status: Superseded",
    good_example="Status: Superseded\nSuperseded by: S-LOAN-002",
    fix="Add a `Superseded by: S-…` line naming the spec that replaces this one.",
)
def check_superseded(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if _is_superseded(_status(spec)) and successor_of(spec, ctx) is None:
        yield finding("SM111", header_location(spec, "Status"),
                      "spec is Superseded but names no successor (add `Superseded by: S-…`)",
                      usable_spec_id(spec))


@spec_rule(
    code="SM112", name="deprecated-without-reason", severity="warning",
    summary="a Deprecated spec does not say why it was deprecated",
    rationale="Without the reason nobody can tell whether the feature may come back or what replaced it.",
    bad_example="Status: Deprecated\n...(no word on the deprecation anywhere)",
    good_example="Status: Deprecated\n...\n## Changelog\n| 2025-03-01 | Deprecated | Deprecated: "
                 "replaced by self-service kiosks | #88 |",
    fix="Say why (a Changelog row or a note mentioning the deprecation).",
)
def check_deprecated(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if not _status(spec).casefold().startswith("deprecated"):
        return
    text = ctx.read_text(spec.path) or ""
    status_line = spec.header_line("Status")
    mentions = sum(
        len(re.findall(r"(?i)deprecat", line))
        for number, line in enumerate(text.split("\n"), start=1)
        if number != status_line
    )
    if mentions == 0:
        yield finding("SM112", header_location(spec, "Status"),
                      "spec is Deprecated but gives no reason (mention the deprecation and why)")


@rule(
    code="SM113", name="unknown-successor", severity="error",
    summary="a Superseded spec names a successor that does not exist",
    rationale="A pointer to a spec that is not there sends readers nowhere.",
    bad_example="Status: Superseded\nSuperseded by: S-LOAN-099   (no such spec)",
    good_example="Status: Superseded\nSuperseded by: S-LOAN-002",
    fix="Point to the existing successor spec, or create it.",
)
def check_successor_exists(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    index = repo_index(repo, ctx)
    for spec in sorted(repo.specs, key=lambda s: s.path):
        if not _is_superseded(_status(spec)):
            continue
        successor = successor_of(spec, ctx)
        if successor is not None and successor not in index.specs_by_id:
            yield finding("SM113", header_location(spec, "Status"),
                          f"successor {successor} is not the Spec ID of any spec", usable_spec_id(spec))
