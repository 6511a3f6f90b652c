"""SM5xx: traceability between requirements and tests (owned by the affected-tests engineer; the
gates engineer seeded SM501–SM503 from `Repo.test_tags`).

How to add a rule (no change to catalog.py needed; this module is imported by the catalogue):

    from specmesh_tasks.gates.catalog import rule

    @rule(code="SM504", name="kebab-case-name", severity="warning",
          summary="one line: what is wrong", rationale="why it matters",
          bad_example="code or Markdown that triggers it", good_example="the same, fixed",
          fix="how to fix it")
    def check_something(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
        for tag in repo.test_tags: ...
            yield finding("SM504", tag.location, "message")

Read any file other than the specs and test tags through `ctx.read_text` (or `ctx.watch` it): a
run where none of the recorded files changed is served from the gates' cache without calling any
rule. Keep messages stable (baselines match by code, file and message), then run
`python -m specmesh_tasks.gates.docs --write` and add a trigger / no-trigger `Case` to
tests/unit/gates_cases.py (test_gates_catalog fails for a rule without one).

Resolution of a test's tags: `UC-LOAN-001` (an ID with an area) is global; an area-less `UC-001`
must be qualified (`S-LEAD-001/UC-001`) or sit next to a feature tag (`@spec S-LEAD-001`) on the
same test or on the whole file, else it is ambiguous.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, Severity, finding
from specmesh_tasks.gates.index import RepoIndex, is_local_id, repo_index, scope_of, specs_of, usable_spec_id
from specmesh_tasks.model.ids import IdKind, kind_of
from specmesh_tasks.model.spec import Repo, SpecKind, TestTag

_SPEC_KINDS = (IdKind.FEATURE, IdKind.FIX, IdKind.TEST_SCENARIO, IdKind.VISION, IdKind.DOMAIN,
               IdKind.SCREEN_SPEC)


@dataclass
class TagResolution:
    """What the tests cite: resolved IDs (global, or `dir::UC-001` for local ones) and the tags that
    cite nothing (unknown) or cannot tell which feature they mean (ambiguous)."""

    cited: set[str] = field(default_factory=set)
    unknown: list[TestTag] = field(default_factory=list)
    ambiguous: list[TestTag] = field(default_factory=list)


def _feature_tags(tags: list[TestTag]) -> dict[tuple[str, str | None], list[str]]:
    """Spec IDs tagged per (file, test); `(file, None)` holds the whole-file ones."""
    found: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for tag in tags:
        if kind_of(tag.id) in (IdKind.FEATURE, IdKind.FIX):
            found[(tag.location.file, tag.test)].append(tag.id)
    return found


def resolve_tags(repo: Repo, index: RepoIndex) -> TagResolution:
    """Resolve every test tag of the repo (see the module docstring)."""
    result = TagResolution()
    tags = sorted(repo.test_tags, key=lambda t: (t.location.file, t.location.line, t.id))
    features = _feature_tags(tags)
    for tag in tags:
        if is_local_id(tag.id):
            _resolve_local(tag, features, index, result)
            continue
        targets = index.resolve(tag.id, tag.location.file)
        if not targets:
            result.unknown.append(tag)
        for target in targets:
            result.cited.add(_local_key(target, index) if "/" in target else target)
    return result


def _local_key(qualified: str, index: RepoIndex) -> str:
    spec_id, _, local_id = qualified.partition("/")
    spec = index.specs_by_id[spec_id][0]
    return f"{scope_of(spec.path)}::{local_id}"


def _resolve_local(tag: TestTag, features: dict[tuple[str, str | None], list[str]], index: RepoIndex,
                   result: TagResolution) -> None:
    file = tag.location.file
    owners = [owner for scope in _enclosing(tag.test) for owner in features.get((file, scope), [])]
    if not owners:
        result.ambiguous.append(tag)
        return
    hits = [f"{owner}/{tag.id}" for owner in owners if index.resolve(f"{owner}/{tag.id}")]
    if not hits:
        result.unknown.append(tag)
    result.cited.update(_local_key(hit, index) for hit in hits)


def _enclosing(test: str | None) -> list[str | None]:
    """The test, the classes or blocks around it, and the whole file: `A::B::t` -> A::B::t, A::B, A, None."""
    if test is None:
        return [None]
    parts = test.split("::")
    return [*("::".join(parts[:n]) for n in range(len(parts), 0, -1)), None]


def _resolution(repo: Repo, ctx: RuleContext) -> TagResolution:
    return ctx.shared("test-tags", lambda: resolve_tags(repo, repo_index(repo, ctx)))


def _where(tag: TestTag) -> str:
    return f"test {tag.test}" if tag.test else "test file"


@rule(
    code="SM501", name="untested-requirement", severity="warning",
    summary="a use case or FR of an Implemented feature is cited by no test",
    rationale="Tests cite requirements (`@pytest.mark.spec(\"UC-LOAN-001\")`, `@uc UC-LOAN-001`) so a "
              "changed requirement re-runs exactly its tests; an uncited requirement is untested or "
              "untraced. A warning for Implemented features, an info for Approved ones.",
    bad_example="### UC-LOAN-001: Borrow a book      (no test cites UC-LOAN-001)",
    good_example='@pytest.mark.spec("UC-LOAN-001")\ndef test_member_borrows_a_book(): ...',
    fix="Tag the tests that cover the requirement, or write them.",
)
def check_untested_requirements(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    cited = _resolution(repo, ctx).cited
    for spec in specs_of(repo, SpecKind.FEATURE, SpecKind.FIX):
        status = (spec.status or "").strip().casefold()
        if status not in ("implemented", "approved"):
            continue
        severity = Severity.WARNING if status == "implemented" else Severity.INFO
        for d in sorted(spec.definitions, key=lambda d: d.location.line):
            if d.kind not in (IdKind.USE_CASE, IdKind.FR):
                continue
            key = f"{scope_of(d.location.file)}::{d.id}" if is_local_id(d.id, d.kind) else d.id
            if key not in cited:
                yield finding("SM501", d.location, f"{d.id} is not cited by any test",
                              usable_spec_id(spec), severity)


@rule(
    code="SM502", name="unknown-test-reference", severity="error",
    summary="a test cites an ID that is defined nowhere",
    rationale="A tag citing a missing requirement is a typo or a requirement that was removed; the "
              "test no longer re-runs when its requirement changes.",
    bad_example='@pytest.mark.spec("UC-LOAN-009")   # no such use case\ndef test_borrow(): ...',
    good_example='@pytest.mark.spec("UC-LOAN-001")\ndef test_borrow(): ...',
    fix="Correct the ID, or remove the tag if the requirement is gone.",
)
def check_unknown_test_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    for tag in _resolution(repo, ctx).unknown:
        yield finding("SM502", tag.location, f"{_where(tag)} cites {tag.id}, which is defined nowhere")


@rule(
    code="SM503", name="ambiguous-test-reference", severity="warning",
    summary="a test cites an area-less ID (`UC-001`) without saying which feature it belongs to",
    rationale="Area-less IDs restart in every feature; from a test they must be qualified "
              "(`S-LEAD-001/UC-001`) or sit next to a feature tag.",
    bad_example="# @uc UC-001\ndef test_create_lead(): ...",
    good_example="# @spec S-LEAD-001\n# @uc UC-001\ndef test_create_lead(): ...",
    fix="Qualify the ID (`S-LEAD-001/UC-001`) or add a `@spec S-LEAD-001` tag to the test or file.",
)
def check_ambiguous_test_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    for tag in _resolution(repo, ctx).ambiguous:
        yield finding("SM503", tag.location, f"{_where(tag)} cites {tag.id} without a feature "
                      "(qualify it as S-…/" + tag.id + " or add a @spec tag)")
