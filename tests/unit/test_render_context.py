"""The render context: every value plan.md shows, derived from model objects (contract §4)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plan_models import FEATURE_HEADERS, dep, domain, full_repo, lending, other, repo, spec_doc, use_case

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Reference, Section, SpecKind
from specmesh_tasks.render.context import build_context
from specmesh_tasks.render.header import plan_id_for, slug_of
from specmesh_tasks.render.overview import overview_view


def test_header_values_come_from_the_spec() -> None:
    ctx = build_context(lending(), full_repo())
    assert (ctx.plan_id, ctx.spec_id, ctx.domain_spec, ctx.screen_spec) == (
        "PLAN-LOAN-001",
        "S-LOAN-001",
        "S-DOMAIN-001",
        "S-SCREEN-001",
    )
    assert ctx.related_screens == ("SCR-002", "SCR-001")  # order of mention in the spec
    assert (ctx.branch, ctx.issues, ctx.owner) == ("feature/12-lending", ("#12",), "Hana Yamada")
    assert ctx.spec_path.endswith("sloan001-lending/spec.md")


@pytest.mark.parametrize(
    "spec_id, plan_id",
    [
        ("S-LOAN-001", "PLAN-LOAN-001"),
        ("S-BOOK-CATALOG-012", "PLAN-BOOK-CATALOG-012"),
        ("F-LOAN-001", "PLAN-FIX-LOAN-001"),
        ("S-{AREA}-001", "(none: the spec has no valid Spec ID)"),
    ],
)
def test_plan_ids(spec_id: str, plan_id: str) -> None:
    assert plan_id_for(spec_id) == plan_id


def test_slugs_fall_back_from_title_to_directory_to_id() -> None:
    assert slug_of("本の貸出 (Book Lending)", "sloan001-book-lending", "S-LOAN-001") == "book-lending"
    assert slug_of("会員登録", "smember001-member-signup", "S-MEMBER-001") == "member-signup"
    assert slug_of("会員登録", "会員", "S-MEMBER-001") == "s-member-001"


def test_use_cases_and_domain_dependencies() -> None:
    ctx = build_context(lending(), full_repo())
    assert [u.label for u in ctx.use_cases] == ["UC-LOAN-001 (Borrow a book)", "UC-LOAN-002 (Return a book)"]
    assert ctx.domain_line == (
        "S-DOMAIN-001 (M-BOOK, M-LOAN, API-LOAN-CREATE, API-AUTH-*, API-LOAN-RENEW, BR-001)"
    )
    assert [m.detail for m in ctx.masters] == ["M-BOOK (Book): A title", "M-LOAN (Loan): A loan"]


def test_wildcards_expand_and_missing_apis_are_flagged() -> None:
    ctx = build_context(lending(), full_repo())
    assert [(a.id, a.found) for a in ctx.apis] == [
        ("API-LOAN-CREATE", True),
        ("API-AUTH-LOGIN", True),
        ("API-AUTH-LOGOUT", True),
        ("API-LOAN-RENEW", False),
    ]
    assert ctx.apis[-1].label == "API-LOAN-RENEW (not in S-DOMAIN-001)"


def test_a_numeric_instance_suffix_resolves_by_the_bare_name() -> None:
    dom = domain(masters=(("M-USER-001", "User", "A user."),))
    spec = lending(dependencies=(dep("M-USER", IdKind.MASTER),))
    ctx = build_context(spec, repo(spec, dom))
    assert [m.label for m in ctx.masters] == ["M-USER-001 (User)"]


def test_cited_features_show_id_title_status_and_relation() -> None:
    ctx = build_context(lending(), full_repo())
    assert [f.label for f in ctx.features] == ["S-MEMBER-001 Members (Hard, Approved)"]
    alone = build_context(lending(), repo(lending()))
    assert [f.label for f in alone.features] == ["S-MEMBER-001 (Hard, not found)"]


def test_tests_by_level_other_types_count_as_integration() -> None:
    ctx = build_context(lending(), full_repo())
    assert [t.label for t in ctx.unit_tests] == ["FR-LOAN-002 (due date)"]
    assert [t.label for t in ctx.integration_tests] == ["UC-LOAN-002 (Manual: walkthrough)"]
    assert [t.label for t in ctx.e2e_tests] == ["UC-LOAN-001 (lend at the desk)"]


def test_deferred_items_use_the_spec_line_when_the_text_is_given() -> None:
    lines = ["x"] * 60
    lines[46] = "- [ ] A sixth loan is refused [DEFERRED: board decides]"
    ctx = build_context(lending(), full_repo(), "\n".join(lines))
    (item,) = ctx.deferred
    assert item.text == "A sixth loan is refused [DEFERRED: board decides]"
    assert item.where == "UC-LOAN-001: Borrow a book"  # what the spec says, never the line
    assert build_context(lending(), full_repo()).deferred[0].text == "[DEFERRED: board decides]"


def test_a_line_inserted_above_a_deferred_item_changes_nothing_the_plan_shows() -> None:
    """Issue 13: the deferred block carried `spec.md:148`, so any edit above made `--check` fail."""
    from dataclasses import replace

    from specmesh_tasks.model.spec import Location

    lines = ["x"] * 60
    lines[46] = "- [ ] A sixth loan is refused [DEFERRED: board decides]"
    spec = lending()
    (marker,) = spec.markers
    moved = replace(spec, markers=(replace(marker, location=Location(marker.location.file, 48)),))
    before = build_context(spec, full_repo(), "\n".join(lines))
    after = build_context(moved, full_repo(), "\n".join([*lines[:40], "inserted", *lines[40:]]))
    assert after.as_data() == before.as_data()


def test_constitution_checks_pass_with_reasons() -> None:
    checks = build_context(lending(), full_repo()).checks
    assert checks.issue.label == "**pass**: linked to #12"
    assert checks.specs.passed and "S-MEMBER-001" in checks.specs.reason
    assert checks.domain.label == "**pass**: S-DOMAIN-001 (Related Domain)"
    assert checks.branch.label == "**pass**: `feature/12-lending`"


def test_constitution_checks_fail_with_reasons() -> None:
    values = {k: v for k, v in FEATURE_HEADERS.items() if k not in ("Related Domain",)}
    values["Related Issue(s)"] = "[#123]"  # the template's placeholder is not an issue
    spec = lending(header=values)
    checks = build_context(spec, repo(spec)).checks
    assert not checks.issue.passed and "names no issue" in checks.issue.reason
    assert not checks.specs.passed and "not found: S-SCREEN-001, S-MEMBER-001" in checks.specs.reason
    assert not checks.domain.passed and "no `Related Domain:` line" in checks.domain.reason
    assert not checks.branch.passed
    assert build_context(spec, repo(spec)).branch == "feature/{issue}-lending"


def test_the_work_breakdown_seed_numbers_tasks_by_use_case() -> None:
    ucs = tuple(use_case(f"UC-LOAN-{k:03d}", f"Case {k}") for k in range(1, 11))
    groups = build_context(lending(use_cases=ucs), full_repo()).breakdown
    assert (groups[0].summary, groups[0].task_ids) == ("Setup", ("T-001", "T-002"))
    assert groups[1].task_ids == ("T-101", "T-102") and groups[1].summary == "UC-LOAN-001 Case 1"
    assert groups[10].task_ids == ("T-1001", "T-1002")
    assert (groups[-1].summary, groups[-1].task_ids) == ("Wrap-up", ("T-050", "T-051"))


def test_arrows_in_titles_cannot_break_the_breakdown_grammar() -> None:
    spec = lending(use_cases=(use_case("UC-LOAN-001", "Cart -> checkout => paid"),))
    assert build_context(spec, full_repo()).breakdown[1].summary == "UC-LOAN-001 Cart to checkout to paid"


def test_fix_specs_use_fix_ids_branch_seed_and_fix_direction() -> None:
    text = "\n".join(
        [
            "# Fix Spec: Due date",
            "",
            "## 4. Fix Direction",
            "",
            "### 4.1 Proposed Approach",
            "",
            "- Add days, not months.",
            "",
            "---",
            "",
            "## 5. Open Questions",
        ]
    )
    fix = spec_doc(
        SpecKind.FIX,
        ".specify/specs/fixes/floan001-due-date/spec.md",
        "Due date",
        {"Spec Type": "Fix", "Spec ID": "F-LOAN-001", "Status": "Approved", "Related Issue": "#31"},
        sections=(
            Section("4", "Fix Direction", 2, 3, 9, "x"),
            Section("5", "Open Questions", 2, 11, 11, "y"),
        ),
    )
    ctx = build_context(fix, full_repo(), text)
    assert (ctx.kind, ctx.plan_id, ctx.branch) == ("fix", "PLAN-FIX-LOAN-001", "fix/31-due-date")
    assert [g.summary for g in ctx.breakdown] == [
        "Reproduce with a failing test",
        "Fix",
        "Verify and wrap up",
    ]
    assert [g.task_ids for g in ctx.breakdown] == [("T-001",), ("T-010", "T-011"), ("T-050",)]
    assert ctx.fix_direction == ("### 4.1 Proposed Approach", "", "- Add days, not months.")
    assert ctx.fix_section == "4 Fix Direction"
    assert ctx.domain_spec == "S-DOMAIN-001"  # a fix has no header line: the project's domain spec


def test_fix_impact_references_count_as_dependencies() -> None:
    ref = Reference("M-LOAN", IdKind.MASTER, lending().dependencies[0].location, "2.2")
    fix = spec_doc(
        SpecKind.FIX,
        ".specify/specs/fixes/f/spec.md",
        "Fix",
        {"Spec ID": "F-LOAN-001"},
        references=(ref,),
        sections=(Section("2", "Impact Analysis", 2, 10, 30, "x"),),
    )
    assert [m.id for m in build_context(fix, full_repo()).masters] == ["M-LOAN"]


def test_the_overview_view_changes_only_with_what_the_plan_shows() -> None:
    base = overview_view(lending(), full_repo())
    purpose = domain(masters=(("M-BOOK", "Book", "A title."), ("M-LOAN", "Loan", "A loan, now longer.")))
    unrelated = domain(
        masters=(("M-BOOK", "Book", "A title."), ("M-LOAN", "Loan", "A loan."), ("M-FEE", "Fee", "Money."))
    )
    with_purpose = repo(lending(), purpose, *full_repo().specs[2:])
    with_unrelated = repo(lending(), unrelated, *full_repo().specs[2:])
    assert overview_view(lending(), with_purpose) != base
    assert overview_view(lending(), with_unrelated) == base
    renamed = repo(
        lending(),
        domain(),
        other("S-SCREEN-001", "Screens", "Approved", SpecKind.SCREEN),
        other("S-MEMBER-001", "Members", "Deprecated"),
    )
    assert overview_view(lending(), renamed) != base


def test_the_inputs_hash_ignores_nothing_the_plan_shows() -> None:
    from specmesh_tasks.render.blocks import inputs_hash

    ctx = build_context(lending(), full_repo())
    renamed = build_context(replace(lending(), title="Lending v2"), full_repo())
    assert inputs_hash(ctx, "T") == inputs_hash(build_context(lending(), full_repo()), "T")
    assert inputs_hash(ctx, "T") != inputs_hash(renamed, "T")
    assert inputs_hash(ctx, "T") != inputs_hash(ctx, "T2")
