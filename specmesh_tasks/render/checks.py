"""The Constitution Check items a plan can decide from the specs alone, each pass or fail with its
reason: issue linked, related specs exist, domain spec referenced when shared masters/APIs are
used, branch name pattern."""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind
from specmesh_tasks.render.related import spec_index

_SPEC_REF = re.compile(r"\b[SF]-[A-Z][A-Z0-9-]*-\d{3}\b")


@dataclass(frozen=True, slots=True)
class Check:
    """One mechanically decidable Constitution Check item."""

    passed: bool
    reason: str

    @property
    def label(self) -> str:
        return f"**{'pass' if self.passed else 'FAIL'}**: {self.reason}"


@dataclass(frozen=True, slots=True)
class Checks:
    issue: Check
    specs: Check
    domain: Check
    branch: Check


def check_issue(issues: tuple[str, ...], spec: SpecDoc) -> Check:
    if issues:
        return Check(True, f"linked to {', '.join(issues)}")
    key = "Related Issue" if spec.kind is SpecKind.FIX else "Related Issue(s)"
    return Check(False, f"the spec names no issue number (`{key}:`)")


def check_specs(spec: SpecDoc, repo: Repo, feature_ids: tuple[str, ...]) -> Check:
    named = []
    for key in ("Related Vision", "Related Domain", "Related Screen"):
        named += _SPEC_REF.findall(spec.header(key) or "")
    named += feature_ids
    named = list(dict.fromkeys(named))
    if not named:
        return Check(True, "the spec names no related specs")
    known = spec_index(repo).by_id
    missing = [n for n in named if n not in known]
    if missing:
        return Check(False, f"not found: {', '.join(missing)}")
    return Check(True, f"all exist ({', '.join(named)}); whether they are up to date is for review")


def check_domain(spec: SpecDoc, repo: Repo, shared: bool, fix: bool) -> Check:
    if not shared:
        return Check(True, "no shared masters or APIs are used")
    domains = {d.spec_id for d in spec_index(repo).of_kind(SpecKind.DOMAIN) if d.spec_id}
    named = _SPEC_REF.findall(spec.header("Related Domain") or "")
    hit = [n for n in named if n in domains]
    if hit:
        return Check(True, f"{hit[0]} (Related Domain)")
    if fix and domains:
        return Check(True, f"{sorted(domains)[0]} (the project's domain spec)")
    if named:
        return Check(False, f"Related Domain names {named[0]}, which is not a domain spec here")
    return Check(False, "masters/APIs are used but the spec has no `Related Domain:` line")


def check_branch(branch: str, issues: tuple[str, ...], fix: bool) -> Check:
    if not issues:
        return Check(False, f"no issue number for the branch name ({branch})")
    note = " (fixes use `fix/<issue>-...`)" if fix else ""
    return Check(True, f"`{branch}`{note}")
