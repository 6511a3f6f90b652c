"""SM401–SM419: plan.md rules.

How to add a rule (no change to catalog.py needed; this module is imported by the catalogue):

    from specmesh_tasks.gates.catalog import rule

    @rule(code="SM402", name="stale-plan", severity="warning",
          summary="one line: what is wrong", rationale="why it matters",
          bad_example="Markdown that triggers it", good_example="the same, fixed",
          fix="how to fix it")
    def check_stale_plans(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
        for rel in ctx.plan_files:            # every plan.md under .specify/specs, sorted
            text = ctx.read_text(rel)         # recorded, so the run cache sees edits
            ...
            yield finding("SM402", Location(rel, line), "message", spec_id)

Rules get the whole `Repo` (every SpecDoc) and a `RuleContext` (settings, root, plan/tasks file
lists, `read_text`, `exists`, `shared` for per-run data). Read every other file through
`ctx.read_text` (or call `ctx.watch(path)`): a run where none of the recorded files changed is
served from the gates' cache without calling any rule. Keep messages stable (no counts that
change on unrelated edits): baselines match findings by code, file and message. Then regenerate
the docs: `python -m specmesh_tasks.gates.docs --write` (a test fails while docs/rules.md is stale),
and add a trigger / no-trigger `Case` to tests/unit/gates_cases.py (test_gates_catalog fails for a
rule without one).

A plan.md without our format marker is reported once (SM401) and no other rule reads it: its
lines are not ours to interpret. Codes taken here: SM401 unmanaged-plan, SM402 stale-plan,
SM403 plan-generated-text-edited, SM404 plan-marker-broken, SM405 plan-format-marker-misplaced,
SM419 plan-missing-spec-reference (upstream spec-lint row 23). The marker format is documented
in docs/plan-format.md; staleness is decided by comparing the plan's `inputs=` hash with one
computed now (never by file dates), with the same code `specmesh plan` uses, and without
rendering (no jinja2).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import repo_index, usable_spec_id
from specmesh_tasks.model.spec import Location, MarkerKind, Repo, SpecDoc, SpecKind

if TYPE_CHECKING:  # the plan scanner loads when a rule runs, not when the rules are registered
    from specmesh_tasks.parse.plan import PlanScan


def sibling_spec(rel: str, repo: Repo, ctx: RuleContext) -> SpecDoc | None:
    """The spec.md in the same folder as a plan.md / tasks.md, if any."""
    index = repo_index(repo, ctx)
    return index.spec_of_file.get(posixpath.join(posixpath.dirname(rel), "spec.md"))


def mentions(text: str, item_id: str) -> bool:
    """True when `item_id` occurs in `text` as a whole ID (not inside a longer one)."""
    return re.search(rf"(?<![A-Za-z0-9_-]){re.escape(item_id)}(?![A-Za-z0-9_])", text) is not None


@rule(
    code="SM401", name="unmanaged-plan", severity="warning",
    summary="plan.md has no `<!-- specmesh:plan v1 … -->` marker, so `specmesh plan` never updates it",
    rationale="A plan we did not write (by hand, or by another tool) is never modified; it does not "
              "follow its spec any more. `specmesh plan --adopt` converts it and keeps every word.",
    bad_example="# Implementation Plan: Book lending\n\nPlan ID: PLAN-LOAN-001",
    good_example="# Implementation Plan: Book lending\n<!-- specmesh:plan v1 inputs=3f2a9c1b7d4e -->\n\n"
                 "Plan ID: PLAN-LOAN-001",
    fix="Run `specmesh plan --adopt` for that feature (the original is kept as plan.md.orig).",
)
def check_unmanaged_plans(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    from specmesh_tasks.parse.plan import is_managed

    for rel in ctx.plan_files:
        text = ctx.read_text(rel)
        if text is not None and not is_managed(text):
            spec = sibling_spec(rel, repo, ctx)
            yield finding("SM401", Location(rel, 1), "plan.md is not managed by specmesh "
                          "(no format marker); `specmesh plan --adopt` converts it",
                          usable_spec_id(spec) if spec else None)


# ---------------------------------------------------------------------------- managed plans


@dataclass(frozen=True, slots=True)
class _Managed:
    rel: str
    scan: PlanScan
    spec: SpecDoc | None


def _managed_plans(repo: Repo, ctx: RuleContext) -> list[_Managed]:
    """Every plan.md with our format marker, with its sibling spec (scanned once per run)."""
    def scan_all() -> list[_Managed]:
        from specmesh_tasks.parse.plan import is_managed, scan_plan

        out = []
        for rel in ctx.plan_files:
            text = ctx.read_text(rel)
            if text is None or not is_managed(text):
                continue
            out.append(_Managed(rel, scan_plan(text), sibling_spec(rel, repo, ctx)))
        return out

    return ctx.shared("plan_rules.managed", scan_all)


@rule(
    code="SM419", name="plan-missing-spec-reference", severity="warning",
    summary="a managed plan.md does not mention its feature's Spec ID",
    rationale="A plan that never names its spec was probably copied from another feature. (An "
              "unmanaged plan gets SM401 only: its text is not ours to interpret.)",
    bad_example="features/sloan001-book-lending/plan.md: Feature Spec: S-MEMBER-001",
    good_example="features/sloan001-book-lending/plan.md: Feature Spec: S-LOAN-001",
    fix="Name the feature's Spec ID in the plan header (`Feature Spec:`).",
)
def check_plan_cites_spec(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    for plan in _managed_plans(repo, ctx):
        sid = usable_spec_id(plan.spec) if plan.spec else None
        text = ctx.read_text(plan.rel)
        if plan.spec and sid and text is not None and not mentions(text, sid):
            yield finding("SM419", Location(plan.rel, 1), f"plan.md does not reference {sid} "
                          f"(the Spec ID of {plan.spec.path})", sid)


def _planned(spec: SpecDoc | None, ctx: RuleContext) -> bool:
    """Would `specmesh plan` render this spec's plan now (status allowed, CLARIFY GATE passed)?"""
    if spec is None or spec.kind not in (SpecKind.FEATURE, SpecKind.FIX):
        return False
    allowed = {s.casefold() for s in ctx.settings.plan.allowed_statuses}
    if (spec.status or "").strip().casefold() not in allowed:
        return False
    return not any(m.kind is MarkerKind.NEEDS_CLARIFICATION for m in spec.markers)


def _template_text(ctx: RuleContext) -> str | None:
    def load() -> str | None:
        from specmesh_tasks.errors import SpecmeshError
        from specmesh_tasks.render.templates import template_files, template_source

        try:
            files = template_files(ctx.root, ctx.settings)
            for path in files:
                ctx.watch(str(path))
            return template_source(files)
        except (SpecmeshError, OSError, UnicodeDecodeError):
            return None  # a bad plan.template is reported by the config check

    return ctx.shared("plan_rules.template", load)


def fresh_inputs_hash(spec: SpecDoc, repo: Repo, ctx: RuleContext) -> str | None:
    """The `inputs=` hash `specmesh plan` would write for `spec` now (None when it cannot tell)."""
    from specmesh_tasks.render.blocks import inputs_hash
    from specmesh_tasks.render.context import build_context

    template = _template_text(ctx)
    text = ctx.read_text(spec.path)
    if template is None or text is None:
        return None
    return inputs_hash(build_context(spec, repo, text), template)


@rule(
    code="SM402", name="stale-plan", severity="warning",
    summary="a managed plan.md would change if regenerated now: the specs it shows have changed",
    rationale="A plan is read to decide what to build. One that no longer says what its specs say "
              "(a renamed master, a new use case, a cited feature now Deprecated) misleads its reader. "
              "Decided by comparing the plan's `inputs=` hash with one computed now, never by file "
              "dates, which mean nothing after a checkout.",
    bad_example="<!-- specmesh:plan v1 inputs=3f2a9c1b7d4e -->   (the spec gained UC-LOAN-003 since)",
    good_example="<!-- specmesh:plan v1 inputs=8d0e6b2a41c7 -->   (just regenerated)",
    fix="Run `specmesh plan` (or `doit plan`); human text in the plan is kept.",
)
def check_stale_plans(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    from specmesh_tasks.formats.plan_markers import FORMAT_VERSION

    for plan in _managed_plans(repo, ctx):
        if plan.scan.format_version != FORMAT_VERSION or not _planned(plan.spec, ctx):
            continue
        assert plan.spec is not None
        fresh = fresh_inputs_hash(plan.spec, repo, ctx)
        if fresh is not None and fresh != plan.scan.inputs:
            yield finding("SM402", Location(plan.rel, plan.scan.format_index + 1),
                          "plan.md is out of date with its specs; `specmesh plan` regenerates it",
                          usable_spec_id(plan.spec))


@rule(
    code="SM403", name="plan-generated-text-edited", severity="warning",
    summary="text between specmesh markers in plan.md was edited by hand",
    rationale="Generated text is rewritten when the specs change. An edit there would be lost, so "
              "`specmesh plan` refuses to overwrite it and stops with a conflict instead; this rule "
              "says so before that happens.",
    bad_example="- Data entities touched: M-BOOK (the book!) <!-- specmesh:s2.entities sha=02b74336a128 -->",
    good_example="- Data entities touched: M-BOOK (Book) <!-- specmesh:s2.entities sha=…matching… -->\n"
                 "  - the book is the physical copy   (your note, outside the marked line)",
    fix="Undo the edit, or delete the marker so the text becomes yours, or run "
        "`specmesh plan --force` (the edited file is kept as plan.md.orig).",
)
def check_edited_plan_text(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    from specmesh_tasks.parse.plan import SlotKind

    for plan in _managed_plans(repo, ctx):
        for slot in plan.scan.slots:
            if slot.edited:
                kind = "block" if slot.kind is SlotKind.BLOCK else "line"
                yield finding("SM403", Location(plan.rel, slot.line),
                              f"generated {kind} '{slot.name}' was edited by hand; `specmesh plan` will "
                              "stop with a conflict (undo it, delete its marker to make it yours, "
                              "or use --force)", usable_spec_id(plan.spec) if plan.spec else None)


@rule(
    code="SM404", name="plan-marker-broken", severity="error",
    summary="a specmesh marker in plan.md does not pair up, repeats a name, or has an unknown version",
    rationale="Without a matching end marker the tool cannot tell generated text from yours, so it "
              "will not update the plan at all.",
    bad_example="<!-- specmesh:begin s7.deferred sha=1a5f3aeb729e -->\n- risk\n(no end marker)",
    good_example="<!-- specmesh:begin s7.deferred sha=1a5f3aeb729e -->\n- risk\n"
                 "<!-- specmesh:end s7.deferred -->",
    fix="Restore the missing marker, or delete the stray one (the text becomes yours); "
        "`specmesh plan --force` removes the stray marker for you.",
)
def check_broken_plan_markers(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    from specmesh_tasks.formats.plan_markers import FORMAT_VERSION

    for plan in _managed_plans(repo, ctx):
        sid = usable_spec_id(plan.spec) if plan.spec else None
        if plan.scan.format_version != FORMAT_VERSION:
            yield finding("SM404", Location(plan.rel, plan.scan.format_index + 1),
                          f"plan format v{plan.scan.format_version} is not supported by this version of "
                          "specmesh-tasks; the plan is left alone", sid)
        for problem in plan.scan.problems:
            yield finding("SM404", Location(plan.rel, problem.index + 1),
                          f"broken marker: {problem.message}", sid)


@rule(
    code="SM405", name="plan-format-marker-misplaced", severity="warning",
    summary="the `<!-- specmesh:plan v1 … -->` line is not directly after the plan's H1",
    rationale="The format marker's place is part of the format; other tools and reviewers look for "
              "it right under the title.",
    bad_example="# Implementation Plan: Book lending\n\n<!-- specmesh:plan v1 inputs=3f2a9c1b7d4e -->",
    good_example="# Implementation Plan: Book lending\n<!-- specmesh:plan v1 inputs=3f2a9c1b7d4e -->",
    fix="Move the line back under the H1.",
)
def check_format_marker_place(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    for plan in _managed_plans(repo, ctx):
        index = plan.scan.format_index
        h1 = next((i for i, x in enumerate(plan.scan.lines) if x.startswith("# ")), -1)
        if h1 < 0 or index != h1 + 1:
            yield finding("SM405", Location(plan.rel, index + 1),
                          "the format marker is not the line directly after the H1",
                          usable_spec_id(plan.spec) if plan.spec else None)
