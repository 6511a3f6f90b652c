"""SM2xx, one spec at a time: header fields, ID formats, placeholders, required sections, markers.

The structure family's cross-file rules are in `structure_ids.py` (definitions and references)
and `structure_features.py` (the Feature Index, dependency cycles, staleness).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from specmesh_tasks.gates.catalog import spec_rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, Severity, finding
from specmesh_tasks.gates.index import header_location, is_approved, usable_spec_id
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Location, MarkerKind, SpecDoc, SpecKind

_SPEC_ID_KIND = {
    SpecKind.VISION: IdKind.VISION, SpecKind.DOMAIN: IdKind.DOMAIN, SpecKind.SCREEN: IdKind.SCREEN_SPEC,
    SpecKind.FEATURE: IdKind.FEATURE, SpecKind.FIX: IdKind.FIX, SpecKind.TEST_SCENARIO: IdKind.TEST_SCENARIO,
}
# Formats real projects use that the guide does not (format reference §10): masters with hyphens
# (`M-SUBSIDY-TEMPLATE`) or an instance suffix (`M-USER-001`). A configured pattern still wins.
_TOLERATED = {IdKind.MASTER: re.compile(r"^M-[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*$")}
_SPEC_KINDS = set(_SPEC_ID_KIND.values())
# Header values that are the template's fill-ins: `[OWNER]`, `[#123]`, `#XX`, `{date}`,
# `[Draft | In Review | ...]`.
_HEADER_PLACEHOLDER = re.compile(
    r"^\s*(?:\[[A-Z][A-Z0-9 _/]*\]|\[#(?:123|N|XX)\]|#(?:XX|N)|\[[^\]]*\|[^\]]*\])\s*$|\{[A-Za-z_ ]+\}"
)
_TITLE_PLACEHOLDER = re.compile(r"^\[[A-Z][A-Z0-9 _/]*\]$")
_TEST_CASE = re.compile(r"^(TC-(?:\d{3}|[A-Z]\d{2}))\b")


def _h1(spec: SpecDoc) -> Location:
    return Location(spec.path, spec.h1_line or 1)


def _status(spec: SpecDoc) -> str:
    return (spec.status or "").strip().casefold()


def _split_ids(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,|]", value) if part.strip()]


# ---------------------------------------------------------------------- required header fields

@spec_rule(
    code="SM201", name="missing-spec-type", severity="error",
    summary="the spec has no `Spec Type:` header line",
    rationale="The kind of a spec (feature, fix, domain, ...) decides which rules and tasks apply; it "
              "is read from this line, never guessed from the path alone.",
    bad_example="# Feature Spec: Book lending\n\nSpec ID: S-LOAN-001\nStatus: Draft",
    good_example="# Feature Spec: Book lending\n\nSpec Type: Feature\nSpec ID: S-LOAN-001\nStatus: Draft",
    fix="Add `Spec Type: Feature` (or Fix, Domain, Screen, Vision, Test Scenario) under the H1.",
)
def check_spec_type(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if spec.header("Spec Type") is None:
        yield finding("SM201", _h1(spec), "missing `Spec Type:` header line")


@spec_rule(
    code="SM202", name="missing-spec-id", severity="error",
    summary="the spec has no `Spec ID:` header line",
    rationale="Every plan, task, test tag and Feature Index row refers to a spec by its ID.",
    bad_example="# Feature Spec: Book lending\n\nSpec Type: Feature\nStatus: Draft",
    good_example="# Feature Spec: Book lending\n\nSpec Type: Feature\nSpec ID: S-LOAN-001\nStatus: Draft",
    fix="Add `Spec ID: S-{AREA}-{NNN}` (F-… for fixes) under the H1.",
)
def check_spec_id(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if not (spec.spec_id or "").strip():
        yield finding("SM202", _h1(spec), "missing `Spec ID:` header line")


@spec_rule(
    code="SM203", name="missing-status", severity="error",
    summary="the spec has no `Status:` header line",
    rationale="The status decides whether a spec may be planned and how strict the gates are. Only the "
              "header line counts (a `Spec Status:` inside the template's comment does not).",
    bad_example="Spec Type: Feature\nSpec ID: S-LOAN-001\nCreated: 2025-01-10",
    good_example="Spec Type: Feature\nSpec ID: S-LOAN-001\nCreated: 2025-01-10\nStatus: Draft",
    fix="Add a `Status:` line (Draft, In Review, Clarified, Approved, Implemented, ...).",
)
def check_status_present(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if not (spec.status or "").strip():
        yield finding("SM203", _h1(spec), "missing `Status:` header line")


@spec_rule(
    code="SM205", name="unknown-spec-type", severity="warning",
    summary="the `Spec Type:` value is not a known kind",
    rationale="A spec of unknown kind gets none of the kind-specific checks and no plan.",
    bad_example="Spec Type: Epic",
    good_example="Spec Type: Feature",
    fix="Use Feature, Fix, Domain, Screen, Vision or Test Scenario.",
)
def check_spec_type_known(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    from specmesh_tasks.formats.spec_header import UNKNOWN, kind_of_type

    value = spec.header("Spec Type")
    if value is not None and value.strip() and kind_of_type(value) == UNKNOWN:
        yield finding("SM205", header_location(spec, "Spec Type"), f'unknown Spec Type "{value.strip()}"')


@spec_rule(
    code="SM240", name="missing-recommended-header", severity="info",
    summary="a recommended header line (`Created:`, `Author:`) is missing",
    rationale="Plans copy the owner and the creation date from the spec header.",
    bad_example="Spec Type: Feature\nSpec ID: S-LOAN-001\nStatus: Draft",
    good_example="Spec Type: Feature\nSpec ID: S-LOAN-001\nCreated: 2025-01-10\nStatus: Draft\n"
                 "Author: Lending team",
    fix="Add the missing header lines.",
)
def check_recommended_headers(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    wanted = ["Created"] if spec.kind is SpecKind.TEST_SCENARIO else ["Created", "Author"]
    for key in wanted:
        if spec.header(key) is None:
            yield finding("SM240", _h1(spec), f"missing `{key}:` header line")


# ---------------------------------------------------------------------- ID formats and placeholders

@spec_rule(
    code="SM220", name="invalid-id-format", severity="warning",
    summary="an ID does not follow its documented format (or the project's `specs.id_patterns`)",
    rationale="IDs are matched by pattern everywhere (task names, tags, the matrix); an ID off the "
              "format is easy to miss or to mistype elsewhere.",
    bad_example="Spec ID: S-loan-1\n...\n| SCR-1 | Book list | J-1 | Planned |",
    good_example="Spec ID: S-LOAN-001\n...\n| SCR-001 | Book list | J-1 | Planned |",
    fix="Rename the ID to the documented format, or set a project-wide pattern in "
        "`specs.id_patterns` of specmesh.yaml.",
)
def check_id_formats(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    yield from _spec_id_format(spec, ctx)
    seen: set[tuple[str, int]] = set()
    items = [(d.id, d.kind, d.location) for d in spec.definitions if d.kind not in _SPEC_KINDS]
    items += [(r.screen_id, IdKind.SCREEN, r.location) for r in spec.screen_index]
    for item_id, kind, where in items:
        if (item_id, where.line) in seen:
            continue
        seen.add((item_id, where.line))
        if not _format_ok(item_id, kind, ctx):
            yield finding("SM220", where, f"{item_id} does not match the {kind.value} ID format "
                                          f"{_pattern_text(kind, ctx)}")


def _spec_id_format(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    kind = _SPEC_ID_KIND.get(spec.kind)
    value = spec.spec_id
    if kind is None or not value or usable_spec_id(spec) is None:
        return
    for item_id in _split_ids(value):
        if not _format_ok(item_id, kind, ctx):
            yield finding("SM220", header_location(spec, "Spec ID"),
                          f'Spec ID "{item_id}" does not match the {kind.value} ID format '
                          f"{_pattern_text(kind, ctx)}")


def _format_ok(item_id: str, kind: IdKind, ctx: RuleContext) -> bool:
    pattern = ctx.id_pattern(kind)
    if pattern is None or pattern.match(item_id):
        return True
    custom = ctx.settings.specs.id_pattern(kind.value)
    tolerated = _TOLERATED.get(kind)
    return custom is None and tolerated is not None and bool(tolerated.match(item_id))


def _pattern_text(kind: IdKind, ctx: RuleContext) -> str:
    pattern = ctx.id_pattern(kind)
    return pattern.pattern if pattern is not None else "?"


@spec_rule(
    code="SM221", name="unfilled-placeholder", severity="warning",
    summary="a template placeholder was never filled in (`S-{AREA}-001`, `[OWNER]`, `#XX`, `{date}`)",
    rationale="Scaffolds leave placeholders that look like IDs; they are reported as what they are, "
              "not as duplicate or undefined IDs. In the `Spec ID:` line it is an error: the spec has "
              "no real ID yet.",
    bad_example="Spec ID: S-{AREA}-001\nAuthor: [OWNER]\nRelated Issue(s): #XX",
    good_example="Spec ID: S-LOAN-001\nAuthor: Lending team\nRelated Issue(s): #42",
    fix="Replace the placeholder with the real value, or delete the template's example row.",
)
def check_placeholders(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    id_line = spec.header_line("Spec ID") or spec.header_line("Spec ID(s)")
    found: dict[tuple[int, str], str] = {}
    for ref in spec.placeholders:
        found.setdefault((ref.location.line, ref.id), ref.id)
    for h in spec.headers:
        if _HEADER_PLACEHOLDER.search(h.value):
            found.setdefault((h.line, h.value.strip()), f"{h.key}: {h.value.strip()}")
    if spec.title and _TITLE_PLACEHOLDER.match(spec.title.strip()):
        found.setdefault((spec.h1_line, spec.title.strip()), f"title {spec.title.strip()}")
    for (line, _text), shown in sorted(found.items()):
        severity = Severity.ERROR if id_line and line == id_line else None
        yield finding("SM221", Location(spec.path, line), f'unfilled template placeholder "{shown}"',
                      severity=severity)


@spec_rule(
    code="SM224", name="duplicate-test-case", severity="warning",
    summary="the same test case ID (`### TC-…`) heads two cases in one document",
    rationale="Test case IDs restart per test scenario document but must be unique inside it; "
              "execution logs and coverage tables refer to them.",
    bad_example="### TC-001: Borrow a book\n...\n### TC-001: Return a book",
    good_example="### TC-001: Borrow a book\n...\n### TC-002: Return a book",
    fix="Renumber the second case.",
)
def check_duplicate_test_cases(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    first_line: dict[str, int] = {}
    for section in sorted(spec.sections, key=lambda s: s.start):
        match = _TEST_CASE.match(section.title)
        if not match or section.level < 3:
            continue
        case_id = match.group(1)
        if case_id in first_line:
            yield finding("SM224", Location(spec.path, section.start),
                          f"test case {case_id} is already defined at line {first_line[case_id]}")
        else:
            first_line[case_id] = section.start


# ---------------------------------------------------------------------- required sections and tables

def _table_has(spec: SpecDoc, *words: str) -> bool:
    for table in spec.tables:
        header = " | ".join(cell.strip("*` ").casefold() for cell in table.header)
        if all(word in header for word in words):
            return True
    return False


def has_feature_index_header(spec: SpecDoc) -> bool:
    """True when a domain spec has a `| Feature ID | Title | Path | Status |` table header."""
    return _table_has(spec, "feature id", "path", "status")


def has_feature_index(spec: SpecDoc) -> bool:
    """True when a domain spec lists features (rows read, or at least the table's header)."""
    return bool(spec.feature_index) or has_feature_index_header(spec)


@spec_rule(
    code="SM227", name="missing-screen-index", severity="warning",
    summary="the screen spec has no Screen Index table (`| Screen ID | Name | … |`)",
    rationale="Screens are defined by the rows of the Screen Index; without it no screen reference "
              "can be checked.",
    bad_example="## 2. Screens\n\n- SCR-001 Book list",
    good_example="## 2. Screen Index\n\n| Screen ID | Name | Journey | Status |\n|---|---|---|---|\n"
                 "| SCR-001 | Book list | J-1 | Planned |",
    fix="Add the Screen Index table (section 2 of the screen spec template).",
)
def check_screen_index(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if spec.kind is SpecKind.SCREEN and not spec.screen_index and not _table_has(spec, "screen id", "name"):
        yield finding("SM227", _h1(spec), "screen spec has no Screen Index table (| Screen ID | Name | ...)")


@spec_rule(
    code="SM228", name="missing-feature-index", severity="warning",
    summary="the domain spec has no Feature Index table (`| Feature ID | Title | Path | Status |`)",
    rationale="The Feature Index is the list of features the domain serves; paths and statuses there "
              "are checked against the feature specs.",
    bad_example="## 8. Features\n\n- S-LOAN-001 Book lending",
    good_example="## 8. Feature Index\n\n| Feature ID | Title | Path | Status |\n|---|---|---|---|\n"
                 "| S-LOAN-001 | Book lending | .specify/specs/features/sloan001-book-lending/spec.md "
                 "| Draft |",
    fix="Add the Feature Index table (section 8 of the domain spec template).",
)
def check_feature_index_table(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if spec.kind is SpecKind.DOMAIN and not has_feature_index_header(spec):
        yield finding("SM228", _h1(spec),
                      "domain spec has no Feature Index table (| Feature ID | Title | Path | Status |)")


def _has_section(spec: SpecDoc, *titles: str) -> bool:
    return any(any(t in s.title.casefold() for t in titles) for s in spec.sections)


def _retired(spec: SpecDoc) -> bool:
    return _status(spec).startswith(("deprecated", "superseded"))


@spec_rule(
    code="SM234", name="missing-user-stories", severity="warning",
    summary="a feature spec has no User Stories / Use Cases section",
    rationale="Use cases are what plans, tasks and tests are organised by.",
    bad_example="## 3. Actors\n...\n## 5. Functional Requirements (FR)",
    good_example="## 3. Actors\n...\n## 4. User Stories / Use Cases\n\n### UC-LOAN-001: Borrow a book",
    fix="Add the `## 4. User Stories / Use Cases` section (found by title, any number).",
)
def check_user_stories(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if spec.kind is SpecKind.FEATURE and not _retired(spec) and not spec.use_cases \
            and not _has_section(spec, "user stor", "use case"):
        yield finding("SM234", _h1(spec), 'feature spec has no "User Stories / Use Cases" section',
                      usable_spec_id(spec))


@spec_rule(
    code="SM235", name="no-use-cases", severity="warning",
    summary="a feature spec past Draft defines no use case (`### UC-…:`)",
    rationale="Once a feature leaves Draft its use cases are what gets planned and tested.",
    bad_example="Status: Clarified\n...\n## 4. User Stories / Use Cases\n\n(to be written)",
    good_example="Status: Clarified\n...\n## 4. User Stories / Use Cases\n\n### UC-LOAN-001: Borrow a book",
    fix="Write the use cases, or set the status back to Draft.",
)
def check_use_cases(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    status = _status(spec)
    if spec.kind is not SpecKind.FEATURE or not status or status == "draft" or _retired(spec):
        return
    if not spec.use_cases and not any(d.kind is IdKind.USE_CASE for d in spec.definitions):
        yield finding("SM235", _h1(spec), f"feature has no use case (status: {spec.status})",
                      usable_spec_id(spec))


@spec_rule(
    code="SM236", name="missing-functional-requirements", severity="warning",
    summary="an Approved/Implemented feature spec has no Functional Requirements section",
    rationale="An approved feature is built from its FRs; tests and tasks cite them.",
    bad_example="Status: Approved\n...\n## 4. User Stories / Use Cases\n...\n## 6. Edge Cases",
    good_example="Status: Approved\n...\n## 5. Functional Requirements (FR)\n\n"
                 "| FR ID | Description | Related UC | Priority |",
    fix="Add the Functional Requirements section (a table, or `### FR-…` headings in older layouts).",
)
def check_functional_requirements(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if spec.kind is not SpecKind.FEATURE or not is_approved(spec):
        return
    has_frs = any(r.kind is IdKind.FR for r in spec.requirements)
    if not has_frs and not _has_section(spec, "functional requirement"):
        yield finding("SM236", _h1(spec),
                      f'feature has no "Functional Requirements" section (status: {spec.status})',
                      usable_spec_id(spec))


@spec_rule(
    code="SM239", name="review-marker", severity="error",
    summary="a review marker is left in the spec (`[USER FEEDBACK: …]`, `[PENDING OVERVIEW CHANGE: …]`)",
    rationale="Review markers say the spec is waiting for a decision. They are errors in an "
              "Approved/Implemented spec and warnings otherwise.",
    bad_example="Status: Approved\n...\n[PENDING OVERVIEW CHANGE: add M-FINE to the domain spec]",
    good_example="Status: Approved\n...\n(the domain spec now defines M-FINE; the marker is gone)",
    fix="Apply the feedback or the overview change, then remove the marker.",
)
def check_review_markers(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    severity = Severity.ERROR if is_approved(spec) else Severity.WARNING
    for m in spec.markers:
        if m.kind in (MarkerKind.USER_FEEDBACK, MarkerKind.PENDING_OVERVIEW_CHANGE):
            yield finding("SM239", m.location, f"review marker left: {m.text}", severity=severity)
