"""The plan's header values that come from the feature spec itself: Plan ID, branch name, issue
numbers, the related screens."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import SpecDoc

_ISSUE = re.compile(r"(?:#|/issues/|/pull/)(\d+)\b")
_FEATURE_ID = re.compile(r"^S-([A-Z][A-Z0-9-]*)-(\d{3})$")
_FIX_ID = re.compile(r"^F-([A-Z][A-Z0-9-]*)-(\d{3})$")


def plan_id_for(spec_id: str) -> str:
    """`S-LOAN-001` -> `PLAN-LOAN-001`; `F-LOAN-001` -> `PLAN-FIX-LOAN-001`."""
    if m := _FEATURE_ID.match(spec_id):
        return f"PLAN-{m.group(1)}-{m.group(2)}"
    if m := _FIX_ID.match(spec_id):
        return f"PLAN-FIX-{m.group(1)}-{m.group(2)}"
    return "(none: the spec has no valid Spec ID)"


def slug_of(title: str, directory: str, spec_id: str) -> str:
    """Branch slug: the title's ASCII words, else the directory name without its ID prefix."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if not slug:
        slug = re.sub(r"^[a-z]+\d+-", "", directory.lower())
        slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    if not slug:
        slug = re.sub(r"[^a-z0-9]+", "-", spec_id.lower()).strip("-") or "plan"
    return slug[:50].rstrip("-")


def branch_name(spec: SpecDoc, issues: tuple[str, ...], fix: bool) -> str:
    directory = PurePosixPath(spec.path).parent.name
    slug = slug_of(spec.title, directory, spec.spec_id or "")
    number = issues[0].lstrip("#") if issues else "{issue}"
    return f"{'fix' if fix else 'feature'}/{number}-{slug}"


def issue_numbers(spec: SpecDoc) -> tuple[str, ...]:
    """Issue numbers of the header; a value still in the template's `[#123]` brackets is unfilled."""
    values = [spec.header(k) or "" for k in ("Related Issue(s)", "Related Issue", "Issue(s)", "Issue")]
    raw = " ".join(v for v in values if not (v.strip().startswith("[") and v.strip().endswith("]")))
    return tuple(dict.fromkeys(f"#{n}" for n in _ISSUE.findall(raw)))


def related_screens(spec: SpecDoc) -> tuple[str, ...]:
    """The feature's SCR IDs in order of first mention (dependency rows and references)."""
    found = [(d.location.line, d.id) for d in spec.dependencies if d.kind is IdKind.SCREEN]
    found += [(r.location.line, r.id) for r in spec.references if r.kind is IdKind.SCREEN]
    return tuple(dict.fromkeys(i for _, i in sorted(found)))


def seeded_owner(spec: SpecDoc) -> str:
    """The Owner a new plan starts with: the spec's Author ("" when it names none or still holds
    the template's `[OWNER]`); from then on the plan's Owner line is the person's."""
    from specmesh_tasks.formats.spec_header import is_unfilled

    value = spec.header("Author") or spec.header("Owner") or ""
    return "" if is_unfilled(value) else value
