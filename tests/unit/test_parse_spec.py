"""parse_spec on every spec kind, the variants of format reference §10 and bad input."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from specmesh_tasks.fsutil import normalized_digest
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import MarkerKind, SpecDoc, SpecKind
from specmesh_tasks.parse.spec import parse_spec

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "specs"


def _resource(name: str) -> SpecDoc:
    text = (RESOURCES / name).read_bytes().decode("utf-8", errors="replace")
    return parse_spec(text, f"specs/{name}")


def _parse(text: str, rel: str = ".specify/specs/features/x/spec.md") -> SpecDoc:
    return parse_spec(textwrap.dedent(text).lstrip("\n"), rel)


def _defs(doc: SpecDoc) -> list[tuple[str, IdKind, int]]:
    return [(d.id, d.kind, d.location.line) for d in doc.definitions]


def _refs(doc: SpecDoc) -> list[tuple[str, int]]:
    return [(r.id, r.location.line) for r in doc.references]


@pytest.fixture(scope="module")
def feature() -> SpecDoc:
    return _resource("feature-loan.md")


# ---------------------------------------------------------------- feature spec


def test_feature_header_title_and_kind(feature: SpecDoc) -> None:
    assert feature.kind is SpecKind.FEATURE
    assert feature.title == "本の貸出 (Book Lending)" and feature.h1_line == 1
    assert feature.spec_id == "S-LOAN-001"
    assert feature.status == "Approved"  # not `Spec Status:` / `Status: Deprecated` in the kept comment
    assert feature.header_line("Status") == 17
    assert feature.header("related issue(s)") == "#12"
    assert feature.header("Author") == "山田 花子"
    assert [h.key for h in feature.headers][:3] == ["Spec Type", "Spec ID", "Created"]
    assert feature.problems == () and feature.unfilled == () and feature.placeholders == ()
    assert feature.line_count == 244


def test_feature_sections_by_number_and_title(feature: SpecDoc) -> None:
    section = feature.section("4")
    assert section is not None and section.title == "User Stories / Use Cases"
    assert (section.start, section.end, section.level) == (87, 118, 2)
    assert feature.section(title="functional requirements") == feature.section("5")
    sub = feature.section("2.3")
    assert sub is not None and sub.title == "Business Rules Dependencies" and sub.level == 3
    assert [s.title for s in feature.sections if not s.number] == [
        "UC-LOAN-001: 本を借りる",
        "UC-LOAN-002: Renew a loan",
    ]
    # `## これは見出しではない` sits in the Original Input code block
    assert all("見出し" not in s.title for s in feature.sections)


def test_feature_definitions_are_only_at_their_homes(feature: SpecDoc) -> None:
    assert _defs(feature) == [
        ("S-LOAN-001", IdKind.FEATURE, 15),
        ("UC-LOAN-001", IdKind.USE_CASE, 89),
        ("UC-LOAN-002", IdKind.USE_CASE, 109),
        ("FR-LOAN-001", IdKind.FR, 128),
        ("FR-LOAN-002", IdKind.FR, 129),
        ("FR-LOAN-003", IdKind.FR, 130),
        ("FR-LOAN-004", IdKind.FR, 131),
        ("SC-LOAN-001", IdKind.SC, 148),
        ("FR-RULE-001", IdKind.FR_RULE, 179),
    ]
    parents = {d.id: d.parent for d in feature.definitions}
    assert parents["UC-LOAN-001"] == "S-LOAN-001"
    assert parents["FR-LOAN-002"] == "UC-LOAN-001"  # the first UC of its Related UC cell
    assert parents["FR-LOAN-003"] == "UC-LOAN-002"
    assert parents["FR-LOAN-004"] == "S-LOAN-001"  # no related UC
    assert parents["SC-LOAN-001"] == "S-LOAN-001"
    uc = next(d for d in feature.definitions if d.id == "UC-LOAN-001")
    assert (uc.title, uc.end_line) == ("本を借りる", 107)


def test_feature_references_with_lines_and_sections(feature: SpecDoc) -> None:
    refs = _refs(feature)
    assert ("S-DOMAIN-001", 21) in refs  # header `Related Domain:`
    assert ("M-LOAN", 30) in refs  # `（M-LOAN。）` full-width punctuation
    assert ("UC-LOAN-001", 36) in refs  # `「借りる」 in UC-LOAN-001`
    assert ("UC-LOAN-001", 128) in refs and ("UC-LOAN-002", 129) in refs  # Related UC cells
    assert ("FR-LOAN-002", 190) in refs  # test coverage row is a reference
    assert ("SCR-003", 171) in refs  # 8.3 modifications
    assert ("UC-LOAN-001", 89) not in refs and ("FR-LOAN-001", 128) not in refs  # the homes
    assert ("S-LOAN-001", 15) not in refs
    assert all(line not in (3, 4, 5, 6, 7, 8, 9, 10, 11) for _id, line in refs)  # the kept comment
    wildcard = [r for r in feature.references if r.wildcard]
    assert [(r.id, r.location.line, r.section, r.kind) for r in wildcard] == [
        ("API-AUTH-*", 60, "2.2", IdKind.API)
    ]
    by_line = {(r.id, r.location.line): r.section for r in feature.references}
    assert by_line[("SCR-002", 95)] == "UC-LOAN-001: 本を借りる"
    assert by_line[("S-VISION-001", 20)] == ""
    assert len(refs) == len(set(refs))


def test_feature_markers_with_exact_lines(feature: SpecDoc) -> None:
    got = [(m.kind, m.text, m.location.line, m.section) for m in feature.markers]
    assert got == [
        (MarkerKind.DEFERRED, "[DEFERRED: PM承認待ち]", 106, "UC-LOAN-001: 本を借りる"),
        (MarkerKind.NEEDS_CLARIFICATION, "[NEEDS CLARIFICATION: 2回目は可能か？]", 130, "5"),
        (MarkerKind.TODO, "[TODO]", 201, "11"),
        (MarkerKind.HUMAN_CHECKPOINT, "[HUMAN_CHECKPOINT]", 242, "16"),
        (MarkerKind.SUPPRESS, "SM204,SM205", 243, "16"),
    ]
    # not counted: in the kept comment (line 10), the code span on 124 and 244, the code block (227)


def test_feature_use_cases(feature: SpecDoc) -> None:
    first, second = feature.use_cases
    assert (first.id, first.title, first.priority, first.actor) == (
        "UC-LOAN-001",
        "本を借りる",
        "P1",
        "司書 (Librarian)",
    )
    assert first.acceptance_criteria == (
        "貸出が記録され、返却期限が表示される",
        "6冊目はエラーになる [DEFERRED: PM承認待ち]",
        "画面に会員名が表示される",
    )
    assert (first.location.line, first.end_line) == (89, 107)
    assert (second.priority, second.actor, len(second.acceptance_criteria)) == ("P2", "Member", 2)


def test_feature_requirements(feature: SpecDoc) -> None:
    got = [(r.id, r.kind, r.related_use_cases, r.priority, r.location.line) for r in feature.requirements]
    assert got == [
        ("FR-LOAN-001", IdKind.FR, ("UC-LOAN-001",), "P1", 128),
        ("FR-LOAN-002", IdKind.FR, ("UC-LOAN-001", "UC-LOAN-002"), "P1", 129),
        ("FR-LOAN-003", IdKind.FR, ("UC-LOAN-002",), "P2", 130),
        ("FR-LOAN-004", IdKind.FR, (), "P3", 131),
        ("SC-LOAN-001", IdKind.SC, (), None, 148),
        ("FR-RULE-001", IdKind.FR_RULE, (), None, 179),
    ]
    assert feature.requirements[1].description == "返却期限を計算する（14日）"


def test_feature_dependencies_and_coverage(feature: SpecDoc) -> None:
    deps = [(d.id, d.kind, d.name, d.usage, d.location.line) for d in feature.dependencies]
    assert deps == [
        ("M-BOOK", IdKind.MASTER, "書籍", "貸出対象の本", 50),
        ("M-MEMBER", IdKind.MASTER, "会員", "借りる人", 51),
        ("M-LOAN", IdKind.MASTER, "貸出", "貸出記録を作る", 52),
        ("API-LOAN-CREATE", IdKind.API, "貸出登録", "カウンターで呼ぶ", 58),
        ("API-BOOK-DETAIL", IdKind.API, "書籍詳細", "在庫確認", 59),
        ("API-AUTH-*", IdKind.API, "認証系すべて", "ログイン済みであること", 60),
        ("BR-001", IdKind.RULE, "1人5冊まで", "貸出前にチェック", 66),
        ("VR-002", IdKind.RULE, "会員番号は8桁", "入力チェック", 67),
        ("S-MEMBER-001", IdKind.FEATURE, "会員登録が先", "Hard", 73),
        ("S-CATALOG-001", IdKind.FEATURE, "蔵書検索から遷移", "Soft", 74),
        ("SCR-002", IdKind.SCREEN, "貸出画面", "メイン", 158),
        ("SCR-003", IdKind.SCREEN, "マイページ", "延長", 159),
    ]
    cov = [(c.target, c.test_type, c.description, c.location.line) for c in feature.coverage]
    assert cov == [
        ("UC-LOAN-001", "E2E", "カウンターでの貸出", 189),
        ("FR-LOAN-002", "Unit", "期限計算", 190),
        ("全体", "Integration", "API 経由", 191),
    ]


def test_feature_tables(feature: SpecDoc) -> None:
    fr = next(t for t in feature.tables if t.header[0] == "FR ID")
    assert (fr.line, fr.section, len(fr.rows)) == (126, "5", 4)
    edge = next(t for t in feature.tables if t.header[0] == "Case")
    assert edge.rows[1].cells == ("Pipe in code", "`a | b`", "cell stays whole")


def test_crlf_and_bom_copies_parse_identically(feature: SpecDoc) -> None:
    for name in ("feature-loan-crlf.md", "feature-loan-bom.md"):
        raw = (RESOURCES / name).read_bytes().decode("utf-8")  # BOM and CRLF left in on purpose
        doc = parse_spec(raw, "specs/feature-loan.md")
        assert doc == feature


# ---------------------------------------------------------------- overview specs


@pytest.fixture(scope="module")
def domain() -> SpecDoc:
    return _resource("domain.md")


def test_domain_masters_and_apis_with_suffixes_as_written(domain: SpecDoc) -> None:
    assert domain.kind is SpecKind.DOMAIN and domain.spec_id == "S-DOMAIN-001"
    assert [(m.id, m.title, m.purpose) for m in domain.masters] == [
        ("M-BOOK", "書籍 (Book)", "蔵書1冊ごとの情報"),
        ("M-USER-001", "User", "Library members and staff."),
        ("M-SECTION-CONTENT-HISTORY", "棚の履歴", "配架の変更履歴"),
        ("M-LOAN", "貸出 (Loan)", "1回の貸出"),
    ]
    assert [a.id for a in domain.apis] == [
        "API-BOOK-LIST",
        "API-CLIENT-LIST-001",
        "API-LOAN-CREATE",
        "API-AUTH-LOGIN",
    ]
    book = domain.masters[0]
    assert (book.location.line, book.end_line) == (38, 50)
    assert {d.parent for d in domain.definitions if d.kind in (IdKind.MASTER, IdKind.API)} == {"S-DOMAIN-001"}


def test_domain_rules_are_defined_by_first_cells(domain: SpecDoc) -> None:
    assert [(r.id, r.description, r.location.line) for r in domain.rules] == [
        ("BR-001", "1人5冊まで", 106),
        ("BR-002", "延滞中は貸出不可 [DEFERRED: Phase 2で詳細化]", 107),
        ("VR-001", "13 digits", 113),
        ("VR-002", "8 digits", 114),
        ("CR-001", "返却期限", 120),
    ]
    rule_defs = [d.id for d in domain.definitions if d.kind is IdKind.RULE]
    assert rule_defs == ["BR-001", "BR-002", "VR-001", "VR-002", "CR-001"]
    assert ("VR-001", 50) in _refs(domain)  # mentioned in a master's constraints


def test_domain_feature_index(domain: SpecDoc) -> None:
    rows = [
        (r.feature_id, r.title, r.path, r.status, r.related, r.location.line) for r in domain.feature_index
    ]
    assert rows == [
        (
            "S-LOAN-001",
            "本の貸出",
            ".specify/specs/features/sloan001-book-lending/",
            "Approved",
            ("M-BOOK", "M-LOAN", "API-LOAN-CREATE"),
            144,
        ),
        (
            "S-MEMBER-001",
            "会員登録",
            ".specify/specs/features/smember001-members/spec.md",
            "Backlog",
            ("M-USER",),
            145,
        ),
    ]
    assert [(p.id, p.kind, p.location.line) for p in domain.placeholders] == [
        ("S-{AREA}-001", IdKind.FEATURE, 146)
    ]
    assert ("S-LOAN-001", 144) in _refs(domain)  # an index row is a reference, not a definition


def test_domain_code_block_ids_are_flagged_references(domain: SpecDoc) -> None:
    ghost = [r for r in domain.references if r.id == "M-GHOST"]
    assert [(r.location.line, r.in_code) for r in ghost] == [(23, True)]
    assert all(not r.in_code for r in domain.references if r.id != "M-GHOST")
    assert all("not a heading" not in s.title for s in domain.sections)


def test_domain_open_questions_are_markers_only_when_unchecked(domain: SpecDoc) -> None:
    got = [(m.kind, m.location.line) for m in domain.markers]
    assert got == [
        (MarkerKind.DEFERRED, 107),
        (MarkerKind.OPEN_QUESTION, 153),
        (MarkerKind.OPEN_QUESTION, 155),
    ]


def test_screen_index_defines_screens_details_heading_refers() -> None:
    doc = _resource("screen.md")
    assert doc.kind is SpecKind.SCREEN
    assert [(d.id, d.location.line) for d in doc.definitions if d.kind is IdKind.SCREEN] == [
        ("SCR-001", 25),
        ("SCR-002", 26),
        ("SCR-003", 27),
    ]
    assert [(r.screen_id, r.name, r.journey, r.status) for r in doc.screen_index] == [
        ("SCR-001", "ログイン", "J-1", "Implemented"),
        ("SCR-002", "貸出画面", "J-1,J-2", "Planned"),
        ("SCR-003", "マイページ", "J-2", "In Progress"),
    ]
    refs = _refs(doc)
    assert ("SCR-001", 51) in refs  # `### SCR-001: ログイン`
    assert ("SCR-003", 33) in refs  # modification log row: a reference
    mermaid = [r for r in doc.references if r.in_code]
    assert {(r.id, r.location.line) for r in mermaid} == {
        ("SCR-001", 43),
        ("SCR-002", 43),
        ("SCR-002", 44),
        ("SCR-003", 44),
    }
    assert not any(
        r.location.line in (60, 62) for r in doc.references
    )  # WF-SCR-001-HDR, SCR-001-original.png
    kinds = [(m.kind, m.location.line) for m in doc.markers]
    # Accessibility checklist (line 74) is not an open question
    assert kinds == [(MarkerKind.NEEDS_CLARIFICATION, 78), (MarkerKind.OPEN_QUESTION, 78)]


def test_vision_open_questions_only_in_their_section() -> None:
    doc = _resource("vision.md")
    assert doc.kind is SpecKind.VISION and doc.spec_id == "S-VISION-001"
    assert [(m.kind, m.text, m.location.line) for m in doc.markers] == [
        (MarkerKind.OPEN_QUESTION, "- [ ] 他館との連携は？", 26),
        (MarkerKind.OPEN_QUESTION, "- [ ] nested sub-question", 27),
    ]


def test_open_checkboxes_in_a_feature_are_not_open_questions(feature: SpecDoc) -> None:
    assert MarkerKind.OPEN_QUESTION not in {m.kind for m in feature.markers}


def test_fix_spec_impact_analysis_tables_are_dependencies() -> None:
    doc = _resource("fix.md")
    assert doc.kind is SpecKind.FIX and doc.spec_id == "F-LOAN-001"
    assert _defs(doc) == [("F-LOAN-001", IdKind.FIX, 4)]
    assert [(d.id, d.kind, d.usage) for d in doc.dependencies] == [
        ("SCR-002", IdKind.SCREEN, "期限表示"),
        ("M-LOAN", IdKind.MASTER, "due_date"),
        ("API-LOAN-CREATE", IdKind.API, "返り値"),
        ("CR-001", IdKind.RULE, "修正"),
        ("S-LOAN-001", IdKind.FEATURE, "期限計算"),
    ]
    assert ("S-DOMAIN-001", 73) in _refs(doc)  # 4.2 Spec Updates: a reference, not a dependency
    assert [(m.kind, m.location.line) for m in doc.markers] == [(MarkerKind.NEEDS_CLARIFICATION, 79)]


def test_test_scenario_spec() -> None:
    doc = _resource("test-scenarios.md")
    assert doc.kind is SpecKind.TEST_SCENARIO
    assert _defs(doc) == [("TS-LOAN-001", IdKind.TEST_SCENARIO, 4)]
    assert ("FR-LOAN-001", 17) in _refs(doc) and ("FR-LOAN-001", 23) in _refs(doc)
    assert doc.requirements == () and doc.coverage == ()


# ---------------------------------------------------------------- §10 variants


def test_older_feature_titles_sections_and_area_less_ids() -> None:
    doc = _resource("older-feature.md")
    assert doc.kind is SpecKind.FEATURE and doc.title == "Lead Capture"
    assert _defs(doc) == [
        ("S-LEAD-001", IdKind.FEATURE, 4),
        ("UC-001", IdKind.USE_CASE, 20),
        ("UC-002", IdKind.USE_CASE, 29),
        ("FR-001", IdKind.FR, 35),
        ("FR-002", IdKind.FR, 40),
        ("SC-001", IdKind.SC, 48),
    ]
    assert [(r.id, r.related_use_cases, r.priority) for r in doc.requirements] == [
        ("FR-001", ("UC-001",), "P1"),
        ("FR-002", ("UC-002",), None),
        ("SC-001", (), None),
    ]
    assert {d.id: d.parent for d in doc.definitions}["FR-001"] == "UC-001"
    assert doc.use_cases[0].acceptance_criteria == ("The lead is stored", "A thank-you page shows")
    assert ("API-AUTH-*", 16) in _refs(doc)
    assert not any(r.id.lower().startswith(("fr-fr", "api-key")) for r in doc.references)


@pytest.mark.parametrize(
    ("h1", "title", "kind"),
    [
        ("# Feature Spec: Book Lending", "Book Lending", SpecKind.FEATURE),
        ("# Feature Specification: Book Lending", "Book Lending", SpecKind.FEATURE),
        ("# Domain Specification: Library", "Library", SpecKind.DOMAIN),
        ("# Fix Spec: 期限がずれる", "期限がずれる", SpecKind.FIX),
        ("# Screen Spec：図書館", "図書館", SpecKind.SCREEN),
        ("# Something else", "Something else", SpecKind.UNKNOWN),
    ],
)
def test_h1_title_variants_and_kind_fallback_to_h1(h1: str, title: str, kind: SpecKind) -> None:
    doc = parse_spec(f"{h1}\n\nStatus: Draft\n", "notes/x.md")
    assert (doc.title, doc.kind) == (title, kind)


def test_kind_from_spec_type_beats_path_and_id() -> None:
    doc = _parse(
        """
        # Feature Spec: X
        Spec Type: Domain
        Spec ID: S-LOAN-001
    """,
        ".specify/specs/features/x/spec.md",
    )
    assert doc.kind is SpecKind.DOMAIN


@pytest.mark.parametrize(
    ("spec_id", "rel", "kind"),
    [
        ("S-VISION-001", "a/spec.md", SpecKind.VISION),
        ("S-SCREEN-001", "a/spec.md", SpecKind.SCREEN),
        ("F-LOAN-001", "a/spec.md", SpecKind.FIX),
        ("TS-LOAN-001", "a/spec.md", SpecKind.TEST_SCENARIO),
        ("", ".specify/specs/proj/domain/spec.md", SpecKind.DOMAIN),
        ("", ".specify/specs/overview/spec.md", SpecKind.DOMAIN),
        ("", ".specify/specs/features/x/test-scenarios.md", SpecKind.TEST_SCENARIO),
        ("", ".specify/specs/fixes/x/spec.md", SpecKind.FIX),
        ("", "a/spec.md", SpecKind.UNKNOWN),
    ],
)
def test_kind_falls_back_to_id_then_path(spec_id: str, rel: str, kind: SpecKind) -> None:
    doc = parse_spec(f"# T\n\nSpec ID: {spec_id}\n", rel)
    assert doc.kind is kind


def test_header_variants() -> None:
    doc = _parse("""
        <!-- Status: Deprecated -->
        # Feature Spec: X
        <!--
          Spec Status: DRAFT
          Status: Superseded
        -->
        - **Spec Type:** Feature
        **Spec ID**: S-X-001
        Status：Approved
        Status: Draft

        Not a header line at all
        ---
        Created: not header (after the rule)
        ## 1. Purpose
    """)
    assert [(h.key, h.value, h.line) for h in doc.headers] == [
        ("Spec Type", "Feature", 7),
        ("Spec ID", "S-X-001", 8),
        ("Status", "Approved", 9),
    ]
    assert doc.status == "Approved" and doc.header("Created") is None


def test_header_without_h1() -> None:
    doc = parse_spec("Spec Type: Feature\nSpec ID: S-X-001\n\n## 1. Purpose\nStatus: no\n", "x.md")
    assert doc.h1_line == 0 and doc.spec_id == "S-X-001" and doc.status is None


def test_unfilled_scaffold_output() -> None:
    doc = _resource("unfilled-feature.md")
    assert doc.definitions == () and doc.references == ()
    assert [(p.id, p.kind, p.location.line) for p in doc.placeholders] == [
        ("S-{AREA}-001", IdKind.FEATURE, 9),
        ("M-{AREA}-001", IdKind.MASTER, 23),
        ("UC-{AREA}-001", IdKind.USE_CASE, 27),
        ("SCR-ID", IdKind.SCREEN, 35),
    ]
    assert [(f.key, f.line) for f in doc.unfilled] == [
        ("Title", 1),
        ("Spec ID", 9),
        ("Created", 10),
        ("Status", 11),
        ("Author", 12),
        ("Related Issue(s)", 13),
    ]
    assert doc.use_cases == () and doc.dependencies == ()


def test_placeholder_shaped_like_an_id_is_never_an_id() -> None:
    doc = _parse("""
        # Fix Spec: [BUG TITLE]
        Spec Type: Fix
        Spec ID: F-XXX-001
        Related Issue: #XX

        ## 2. Impact Analysis
        See F-XXX-001 and S-XXX-001.
    """)
    assert doc.definitions == () and doc.references == ()
    assert [p.id for p in doc.placeholders] == ["F-XXX-001", "F-XXX-001", "S-XXX-001"]
    assert [f.key for f in doc.unfilled] == ["Title", "Spec ID", "Related Issue"]


def test_nick_q_review_markers_and_marker_variants() -> None:
    doc = _parse("""
        # Feature Spec: X
        Spec ID: S-X-001

        ## 1. Purpose
        [USER FEEDBACK: 画面が遅い] and [PENDING OVERVIEW CHANGE: add M-FOO]
        [NEEDS CLARIFICATION] [NEEDS CLARIFICATION：全角コロン] [DEFERRED] [TODO: later]
        `[NEEDS CLARIFICATION]` <!-- [NEEDS CLARIFICATION] -->
            [DEFERRED: indented four spaces still counts]
        <!-- specmesh: ignore SM101 stale-plan -->
        <!-- specmesh ignore nothing -->
    """)
    got = [(m.kind, m.text, m.location.line) for m in doc.markers]
    assert got == [
        (MarkerKind.USER_FEEDBACK, "[USER FEEDBACK: 画面が遅い]", 5),
        (MarkerKind.PENDING_OVERVIEW_CHANGE, "[PENDING OVERVIEW CHANGE: add M-FOO]", 5),
        (MarkerKind.NEEDS_CLARIFICATION, "[NEEDS CLARIFICATION]", 6),
        (MarkerKind.NEEDS_CLARIFICATION, "[NEEDS CLARIFICATION：全角コロン]", 6),
        (MarkerKind.DEFERRED, "[DEFERRED]", 6),
        (MarkerKind.TODO, "[TODO: later]", 6),
        (MarkerKind.DEFERRED, "[DEFERRED: indented four spaces still counts]", 8),
        (MarkerKind.SUPPRESS, "SM101,stale-plan", 9),
    ]


def test_wildcard_and_suffix_references_in_a_feature() -> None:
    doc = _parse("""
        # Feature Spec: X
        Spec ID: S-X-001

        ## 2. Domain Dependencies
        Uses API-AUTH-* and M-USER (defined as M-USER-001) and API-CLIENT-LIST-001.
    """)
    assert [(r.id, r.wildcard) for r in doc.references] == [
        ("API-AUTH-*", True),
        ("M-USER", False),
        ("M-USER-001", False),
        ("API-CLIENT-LIST-001", False),
    ]


def test_ids_in_another_specs_home_shape_are_references() -> None:
    """A `### UC-…` heading in a domain spec or an FR row in a vision spec defines nothing."""
    doc = _parse("""
        # Domain Spec: X
        Spec Type: Domain
        Spec ID: S-DOMAIN-001

        ### UC-A-001: not here
        | FR ID | Description |
        |---|---|
        | FR-A-001 | not here |
    """)
    assert _defs(doc) == [("S-DOMAIN-001", IdKind.DOMAIN, 3)]
    assert _refs(doc) == [("UC-A-001", 5), ("FR-A-001", 8)]


def test_feature_index_placeholder_rows_and_legacy_columns() -> None:
    doc = _parse("""
        # Domain Spec: X
        Spec Type: Domain

        ## 8. Feature Index

        | Feature ID | Title | Path | Status |
        |---|---|---|---|
        | (Features will be added after Foundation) | | | |
        | **S-A-001** | A | [spec](.specify/specs/features/a/spec.md) | Draft |
        | S-B-001 | B | `features/b/` | Backlog |
    """)
    assert [(r.feature_id, r.path, r.status, r.related) for r in doc.feature_index] == [
        ("S-A-001", ".specify/specs/features/a/spec.md", "Draft", ()),
        ("S-B-001", "features/b/", "Backlog", ()),
    ]


# ---------------------------------------------------------------- digests


def test_section_digest_is_the_normalized_digest_of_its_lines(feature: SpecDoc) -> None:
    lines = (RESOURCES / "feature-loan.md").read_text(encoding="utf-8").split("\n")
    for section in feature.sections:
        assert section.digest == normalized_digest("\n".join(lines[section.start - 1 : section.end]))
    assert feature.digest == normalized_digest((RESOURCES / "feature-loan.md").read_text(encoding="utf-8"))


def test_digests_ignore_trailing_whitespace(feature: SpecDoc) -> None:
    text = (RESOURCES / "feature-loan.md").read_text(encoding="utf-8")
    spaced = parse_spec("\n".join(line + "  \t" for line in text.split("\n")), "specs/feature-loan.md")
    assert [s.digest for s in spaced.sections] == [s.digest for s in feature.sections]
    assert [d.digest for d in spaced.definitions] == [d.digest for d in feature.definitions]
    assert spaced.digest == feature.digest


def test_requirement_digests_survive_moving_down_and_change_only_with_own_text(feature: SpecDoc) -> None:
    text = (RESOURCES / "feature-loan.md").read_text(encoding="utf-8")
    moved = parse_spec(
        text.replace("## 1. Purpose and Scope\n", "## 1. Purpose and Scope\n\nNew\nlines\n\n", 1),
        "specs/feature-loan.md",
    )
    before = {d.id: d.digest for d in feature.definitions if d.kind is not IdKind.FEATURE}
    after = {d.id: d.digest for d in moved.definitions if d.kind is not IdKind.FEATURE}
    assert after == before
    assert moved.definitions[1].location.line == feature.definitions[1].location.line + 4
    edited = parse_spec(text.replace("| 延長は1回まで", "| 延長は2回まで"), "specs/feature-loan.md")
    changed = {d.id for d in edited.definitions if before.get(d.id, d.digest) != d.digest}
    assert changed == {"FR-LOAN-003"}
    edited_uc = parse_spec(
        text.replace("The due date moves by 14 days", "The due date moves by 7 days"), "specs/feature-loan.md"
    )
    changed = {d.id for d in edited_uc.definitions if before.get(d.id, d.digest) != d.digest}
    assert changed == {"UC-LOAN-002"}


def test_row_digest_ignores_column_alignment() -> None:
    narrow = _parse("""
        # Feature Spec: X
        ## 5. Functional Requirements
        | FR ID | Description | Related UC |
        |---|---|---|
        | FR-X-001 | Store | UC-X-001 |
    """)
    wide = _parse("""
        # Feature Spec: X
        ## 5. Functional Requirements
        | FR ID    | Description | Related UC |
        |----------|-------------|------------|
        | FR-X-001 | Store       | UC-X-001   |
    """)
    assert narrow.requirements[0].digest == wide.requirements[0].digest


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "\ufeff",
        "# \n##\n###\n|\n|-|\n| |\n```\n",
        "| a | b |\n|---|---|\n" + "| x |" * 1000 + "\n",
        "#" * 10_000 + "\n" + "[" * 10_000 + "\n" + "<!--" * 1000,
        "\x00\x01\x02 binary-ish \ufffd\ufffd",
        "### UC-A-001\n**Acceptance Criteria:**\n",
        "Spec ID: S-A-001, S-B-002 | F-C-003\n",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    doc = parse_spec(text, "x.md")
    assert isinstance(doc, SpecDoc)
    assert all(p.code != "SM212" for p in doc.problems)


def test_empty_file() -> None:
    doc = parse_spec("", "x.md")
    assert (doc.kind, doc.title, doc.line_count, doc.sections, doc.problems) == (
        SpecKind.UNKNOWN,
        "",
        0,
        (),
        (),
    )


def test_unterminated_fence_gives_a_problem_and_the_rest_still_parses() -> None:
    doc = _resource("unterminated-fence.md")
    assert [(p.code, p.location.line) for p in doc.problems] == [("SM210", 13)]
    assert doc.spec_id == "S-FENCE-001" and _refs(doc) == [("UC-FENCE-001", 11)]
    assert [s.title for s in doc.sections] == ["Purpose"] and doc.markers == ()


def test_internal_error_in_one_step_is_a_problem_and_other_steps_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("specmesh_tasks.parse.spec.extract_blocks", boom)
    doc = _resource("feature-loan.md")
    assert [p.code for p in doc.problems] == ["SM212"] and "bug" in doc.problems[0].message
    assert doc.use_cases == () and len(doc.requirements) == 6 and doc.markers


def test_internal_error_anywhere_still_returns_a_doc(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object) -> None:
        raise ValueError("worse")

    monkeypatch.setattr("specmesh_tasks.parse.spec.split_markdown", boom)
    doc = parse_spec("# Feature Spec: X\n", "x.md")
    assert doc.kind is SpecKind.UNKNOWN and [p.code for p in doc.problems] == ["SM212"]
    assert doc.line_count == 2


def test_japanese_latin1_file_after_replacement_still_reads() -> None:
    doc = _resource("latin1-feature.md")
    assert doc.spec_id == "S-BAD-001" and [u.id for u in doc.use_cases] == ["UC-BAD-001"]


def test_parse_is_pure_and_deterministic(feature: SpecDoc) -> None:
    again = _resource("feature-loan.md")
    assert again == feature and replace(again, path="other") != feature


def test_internal_error_in_one_table_spares_the_other_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from specmesh_tasks.parse import spec as spec_module

    real = spec_module.extract_table

    def flaky(ctx, table, out):  # type: ignore[no-untyped-def]
        if table.header[0] == "FR ID":
            raise KeyError("bug")
        return real(ctx, table, out)

    monkeypatch.setattr(spec_module, "extract_table", flaky)
    doc = _resource("feature-loan.md")
    assert [(p.code, p.message) for p in doc.problems] == [
        ("SM212", "internal reader error in table at line 126: KeyError: 'bug'"),
    ]
    assert [r.id for r in doc.requirements] == ["SC-LOAN-001", "FR-RULE-001"]
    assert len(doc.dependencies) == 12


def test_several_spec_ids_in_one_header() -> None:
    doc = parse_spec("# Feature Spec: X\nSpec ID(s): S-A-001, S-B-002 | F-C-003\n", "x.md")
    assert _defs(doc) == [
        ("S-A-001", IdKind.FEATURE, 2), ("S-B-002", IdKind.FEATURE, 2), ("F-C-003", IdKind.FIX, 2),
    ]
    assert doc.references == ()


@pytest.mark.parametrize(("value", "unfilled"), [
    ("[OWNER]", True), ("[BUG TITLE]", True), ("[P1 | P2 | P3]", True), ("[#123]", True),
    ("{date}", True), ("#XX", True), ("S-{AREA}-001", True),
    ("#123", False), ("[#12]", False), ("AI Generated", False), ("山田 [リーダー]", False),
])
def test_unfilled_header_values(value: str, unfilled: bool) -> None:
    doc = parse_spec(f"# Feature Spec: X\nAuthor: {value}\n", "x.md")
    assert bool(doc.unfilled) is unfilled
