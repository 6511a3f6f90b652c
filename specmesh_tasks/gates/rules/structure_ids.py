"""SM2xx across files: duplicate definitions and spec IDs, undefined and unused IDs.

Only *definitions* count as definitions (a UC heading, the first cell of an FR row, a `### M-…`
heading, a Screen Index row, a `Spec ID:` line); every other occurrence is a reference. This is
what fixes the upstream linter's occurrence counting (quirk Q1).
"""

from __future__ import annotations

from collections.abc import Iterator

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import RepoIndex, header_location, repo_index, specs_of, usable_spec_id
from specmesh_tasks.gates.rules.structure_features import planned_features
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Definition, Location, Reference, Repo, SpecDoc, SpecKind

# Kinds whose references must resolve. Plans, tasks and test-case IDs live outside the specs;
# `Related Vision: S-VISION-001` lines name overview specs a project may not have.
CHECKED_KINDS = frozenset({
    IdKind.FEATURE, IdKind.FIX, IdKind.USE_CASE, IdKind.FR, IdKind.FR_RULE, IdKind.SC,
    IdKind.MASTER, IdKind.API, IdKind.RULE, IdKind.SCREEN, IdKind.COMPONENT,
})
_FEATURE_SPECS = (SpecKind.FEATURE, SpecKind.FIX, SpecKind.TEST_SCENARIO)


def _skip_reference(ref: Reference, spec: SpecDoc, present: set[IdKind]) -> bool:
    """References that are not checked: see `check_undefined_references`."""
    if ref.kind not in CHECKED_KINDS or ref.kind not in present:
        return True
    # Overview specs list features that have no spec yet (Feature Index rows, modification logs).
    return ref.kind in (IdKind.FEATURE, IdKind.FIX) and spec.kind not in _FEATURE_SPECS


def _present_kinds(repo: Repo, index: RepoIndex) -> set[IdKind]:
    """Kinds that have a home in this tree: masters/APIs/rules need a domain spec, screens a
    screen spec, components at least one definition; without a home SM225 or nothing applies."""
    kinds = {IdKind.FEATURE, IdKind.FIX, IdKind.USE_CASE, IdKind.FR, IdKind.FR_RULE, IdKind.SC}
    if specs_of(repo, SpecKind.DOMAIN):
        kinds |= {IdKind.MASTER, IdKind.API, IdKind.RULE}
    if specs_of(repo, SpecKind.SCREEN):
        kinds.add(IdKind.SCREEN)
    if any(d and d[0].kind is IdKind.COMPONENT for d in index.defs.values()):
        kinds.add(IdKind.COMPONENT)
    return kinds


@rule(
    code="SM204", name="undefined-reference", severity="error",
    summary="an ID is referenced but defined nowhere (master, API, rule, screen, feature, use case, FR)",
    rationale="A reference to nothing is a typo or a missing Spec-First step (the domain or screen spec "
              "must define an item before features use it). Area-less IDs (`UC-001`) resolve inside "
              "their own feature; `M-USER` finds `### M-USER-001`; `API-AUTH-*` needs one match. "
              "History is no reference: rows of Clarifications and Changelog tables and `### "
              "Clarification (date)` notes (`M-TENANT を削除`) are not read for IDs. A feature the "
              "Feature Index lists as Backlog is SM241, a warning.",
    bad_example="## 2.1 Master Data Dependencies\n| Master ID | Name | Usage |\n|---|---|---|\n"
                "| M-FOO | Foo | read |          (no `### M-FOO` in the domain spec)",
    good_example="## 2.1 Master Data Dependencies\n| Master ID | Name | Usage |\n|---|---|---|\n"
                 "| M-BOOK | Book | read |         (domain spec: `### M-BOOK: Book`)",
    fix="Define the item at its home first (domain spec for M/API/BR/VR/CR, Screen Index for SCR, "
        "the feature for UC/FR/SC), or correct the ID.",
)
def check_undefined_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    planned = planned_features(repo)
    for spec, ref in _unresolved(repo, ctx):
        if ref.id not in planned:
            yield finding("SM204", ref.location, _undefined_message(ref), usable_spec_id(spec))


@rule(
    code="SM241", name="planned-feature-reference", severity="warning",
    summary="a spec refers to a feature the Feature Index lists as planned (Backlog), with no spec yet",
    rationale="Depending on a feature that is only planned is normal, but the dependency cannot be "
              "checked until its spec exists, and the plan built on it waits for that spec.",
    bad_example="§2.4: | S-FINE-001 | Hard | fines on late returns |\n"
                "domain Feature Index: | S-FINE-001 | Fines | features/sfine001-fines/ | Backlog |",
    good_example="§2.4: | S-FINE-001 | Hard | fines on late returns |\n"
                 "features/sfine001-fines/spec.md: Spec ID: S-FINE-001",
    fix="Nothing is wrong yet; write the feature's spec when its turn comes (or drop the dependency).",
)
def check_planned_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    planned = planned_features(repo)
    for spec, ref in _unresolved(repo, ctx):
        row = planned.get(ref.id)
        if row is not None:
            yield finding("SM241", ref.location, f"{ref.id} is planned, no spec yet "
                                                 f"({row.status.strip()} in the Feature Index)", usable_spec_id(spec))


def _unresolved(repo: Repo, ctx: RuleContext) -> list[tuple[SpecDoc, Reference]]:
    """Each checked ID that resolves nowhere, once per spec at its first mention (shared per run)."""
    def find() -> list[tuple[SpecDoc, Reference]]:
        index = repo_index(repo, ctx)
        present = _present_kinds(repo, index)
        found: list[tuple[SpecDoc, Reference]] = []
        for spec in sorted(repo.specs, key=lambda s: s.path):
            first: dict[str, Reference] = {}
            for ref in spec.references:
                if ref.id not in first or ref.location.line < first[ref.id].location.line:
                    first[ref.id] = ref
            missing = [ref for ref in first.values()
                       if not _skip_reference(ref, spec, present) and not index.resolve(ref.id, spec.path)]
            found.extend((spec, ref) for ref in sorted(missing, key=lambda r: (r.location.line, r.id)))
        return found

    return ctx.shared("structure_ids.unresolved", find)


def _undefined_message(ref: Reference) -> str:
    if ref.wildcard or ref.id.endswith("*"):
        return f"{ref.id} matches no defined ID"
    return f"{ref.id} is referenced but defined nowhere"


@rule(
    code="SM222", name="duplicate-spec-id", severity="error",
    summary="two specs carry the same `Spec ID:`",
    rationale="Plans, tasks, tags and sub-task names are keyed by the spec ID; a shared ID makes them "
              "ambiguous (the tasks still run, under `<ID>@<dir>` names).",
    bad_example="features/sloan001-lending/spec.md:  Spec ID: S-LOAN-001\n"
                "features/sloan002-returns/spec.md:  Spec ID: S-LOAN-001",
    good_example="features/sloan001-lending/spec.md:  Spec ID: S-LOAN-001\n"
                 "features/sloan002-returns/spec.md:  Spec ID: S-LOAN-002",
    fix="Give each spec its own ID (and update the Feature Index).",
)
def check_duplicate_spec_ids(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    index = repo_index(repo, ctx)
    for spec_id, specs in sorted(index.specs_by_id.items()):
        if len(specs) < 2:
            continue
        paths = sorted(s.path for s in specs)
        for spec in sorted(specs, key=lambda s: s.path):
            others = ", ".join(p for p in paths if p != spec.path)
            yield finding("SM222", header_location(spec, "Spec ID"),
                          f"Spec ID {spec_id} is also used by {others}", spec_id)


@rule(
    code="SM223", name="duplicate-definition", severity="error",
    summary="an ID is defined twice (two UC headings, two FR rows, two `### M-…` blocks, ...)",
    rationale="Mentions are fine; a second *definition* means two requirements share one ID, so "
              "tests, tasks and plans cite the wrong one.",
    bad_example="### UC-LOAN-001: Borrow a book\n...\n### UC-LOAN-001: Return a book",
    good_example="### UC-LOAN-001: Borrow a book\n...\n### UC-LOAN-002: Return a book",
    fix="Renumber one of them (IDs are never reused).",
)
def check_duplicate_definitions(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    index = repo_index(repo, ctx)
    groups = [defs for defs in (*index.defs.values(), *index.local.values()) if len(defs) > 1]
    for defs in sorted(groups, key=lambda ds: (ds[0].id, ds[0].location.file)):
        yield from _duplicates(defs, index)


def _duplicates(defs: list[Definition], index: RepoIndex) -> Iterator[Finding]:
    unique = sorted({(d.location.file, d.location.line): d for d in defs}.values(),
                    key=lambda d: (d.location.file, d.location.line))
    if len(unique) < 2:
        return
    home = unique[0]
    for d in unique[1:]:
        spec = index.spec_of_file.get(d.location.file)
        yield finding("SM223", d.location, f"{d.id} is already defined at {home.location}",
                      usable_spec_id(spec) if spec else None)


@rule(
    code="SM225", name="missing-domain-spec", severity="error",
    summary="feature specs exist but there is no domain spec",
    rationale="Features reference masters, APIs and rules by ID; their home is the domain spec "
              "(Spec-First). Without it none of those references can be checked.",
    bad_example=".specify/specs/features/sloan001-book-lending/spec.md  (and no `Spec Type: Domain` "
                "spec anywhere)",
    good_example=".specify/specs/overview/domain/spec.md  (Spec Type: Domain, Spec ID: S-DOMAIN-001)",
    fix="Create the domain spec (`overview/domain/spec.md`).",
)
def check_domain_exists(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    features = specs_of(repo, SpecKind.FEATURE)
    if features and not specs_of(repo, SpecKind.DOMAIN):
        yield finding("SM225", Location(features[0].path, 0),
                      "feature specs exist but no domain spec (Spec Type: Domain) was found")


@rule(
    code="SM226", name="unused-overview-item", severity="warning",
    summary="a master, API or screen is defined in an overview spec but no feature references it",
    rationale="Unused items are either dead or belong to a feature that forgot to declare its "
              "dependency; either way the overview and the features disagree.",
    bad_example="domain spec: ### M-FINE: Fine      (no feature lists M-FINE)",
    good_example="domain spec: ### M-FINE: Fine\nfeature S-LOAN-002 §2.1: | M-FINE | Fine | create |",
    fix="Reference the item from the feature that uses it, or remove it from the overview spec.",
)
def check_unused_overview_items(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    features = specs_of(repo, SpecKind.FEATURE, SpecKind.FIX)
    if not features:
        return  # a fresh project: nothing could use the items yet
    index = repo_index(repo, ctx)
    used: set[str] = set()
    for spec in features:
        for item in {ref.id for ref in spec.references}:
            used.update(index.resolve(item, spec.path))
    for item_id, defs in index.of_kind(IdKind.MASTER, IdKind.API, IdKind.SCREEN):
        d = defs[0]
        if item_id not in used:
            home = index.spec_of_file.get(d.location.file)
            where = "screen spec" if d.kind is IdKind.SCREEN else "domain spec"
            yield finding("SM226", d.location, f"{item_id} is defined in the {where} but no feature "
                                               "references it", usable_spec_id(home) if home else None)
