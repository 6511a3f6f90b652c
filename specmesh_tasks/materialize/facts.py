"""What tasks.md needs to know about a feature: its ID, title and use cases, and the plan's header.

The spec is read with the reader's `parse_spec`; `use_cases_of` is the one place that knows how,
so the materializer never depends on the rest of the spec model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.formats.spec_header import SpecHeader, read_header_text
from specmesh_tasks.model.ids import IdKind, kind_of

_PLAN_H1 = re.compile(r"^(?:Implementation\s+Plan|Plan)\s*:\s*", re.IGNORECASE)
_UC_HEADING = re.compile(r"^#{2,4}\s+(UC-(?:[A-Z][A-Z0-9]*-)*\d{3})\s*[:：]?\s*(.*?)\s*$")
_PRIORITY = re.compile(r"\*\*Priority:?\*\*:?\s*\[?\s*(P[0-9])\b")


@dataclass(frozen=True, slots=True)
class UseCaseFact:
    id: str
    priority: str | None


@dataclass(frozen=True, slots=True)
class FeatureFacts:
    """Everything the renderer and the checks take from spec.md and plan.md's header."""

    spec_id: str | None
    title: str
    use_cases: tuple[UseCaseFact, ...] = ()
    plan_id: str | None = None
    branch: str | None = None

    def priority_of(self, use_case: str | None) -> str | None:
        """The priority the spec gives a use case (`P1`); for a task of no use case (setup,
        wrap-up: they serve every story) the feature's highest; None when the spec gives none."""
        if use_case is None:
            return min((uc.priority for uc in self.use_cases if uc.priority), default=None)
        return next((uc.priority for uc in self.use_cases if uc.id == use_case), None)


def feature_facts(spec_text: str | None, spec_rel: str, plan_text: str | None,
                  fallback_title: str) -> FeatureFacts:
    """Combine the spec's ID, title and use cases with the plan's `Plan ID` and `Branch`."""
    spec = read_header_text(spec_text or "")
    plan = read_header_text(plan_text or "")
    spec_id = _usable_id(_value(spec, "Spec ID")) or _usable_id(_value(plan, "Feature Spec"))
    title = spec.title or _PLAN_H1.sub("", plan.h1_text) or fallback_title
    plan_id = _value(plan, "Plan ID") or derive_plan_id(spec_id)
    use_cases = use_cases_of(spec_text, spec_rel) if spec_text else ()
    return FeatureFacts(spec_id, title.strip(), use_cases, plan_id, _value(plan, "Branch"))


def use_cases_of(spec_text: str, spec_rel: str) -> tuple[UseCaseFact, ...]:
    """The spec's use cases in order, with their priorities."""
    try:
        from specmesh_tasks.parse.spec import parse_spec
    except ImportError:  # the reader's spec parser is not in this build: read the headings ourselves
        return _scan_use_cases(spec_text)
    doc = parse_spec(spec_text, spec_rel)
    return tuple(UseCaseFact(uc.id, uc.priority) for uc in doc.use_cases)


def _scan_use_cases(text: str) -> tuple[UseCaseFact, ...]:
    found: list[UseCaseFact] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _UC_HEADING.match(line)
        if heading:
            found.append(UseCaseFact(heading.group(1), None))
            continue
        priority = _PRIORITY.search(line)
        if priority and found and found[-1].priority is None and not in_fence:
            found[-1] = UseCaseFact(found[-1].id, priority.group(1))
    return tuple(found)


def derive_plan_id(spec_id: str | None) -> str | None:
    """`S-LOAN-001` -> `PLAN-LOAN-001`; a fix `F-LOAN-001` -> `PLAN-FIX-LOAN-001` (contract §4)."""
    if not spec_id:
        return None
    match = re.fullmatch(r"(S|F)-([A-Z][A-Z0-9-]*)-(\d{3})", spec_id)
    if match is None:
        return None
    prefix = "PLAN-FIX-" if match.group(1) == "F" else "PLAN-"
    return f"{prefix}{match.group(2)}-{match.group(3)}"


def _usable_id(value: str | None) -> str | None:
    """A feature or fix ID as written, or None for a missing or unfilled one (`S-{AREA}-001`):
    a placeholder in every task line would only repeat what the gates already report."""
    return value if value and kind_of(value) in (IdKind.FEATURE, IdKind.FIX) else None


def _value(header: SpecHeader, key: str) -> str | None:
    """A header value with backticks and emphasis removed; None when empty."""
    value = (header.get(key) or "").strip("`*_").strip()
    return value or None
