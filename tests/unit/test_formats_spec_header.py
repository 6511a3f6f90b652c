"""The one spec header grammar (formats/spec_header.py), and that every reader of a header agrees."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from specmesh_tasks import headers
from specmesh_tasks.formats.spec_header import (
    is_template_text,
    is_unfilled,
    kind_of_type,
    read_header_text,
    spec_ids,
    spec_kind,
)
from specmesh_tasks.materialize.facts import feature_facts
from specmesh_tasks.model.spec import SpecKind
from specmesh_tasks.parse.spec import parse_spec

BODY = "\n---\n\n## 1. Purpose and Scope\n\nStatus: not a header (after the rule)\n"

# Every header shape seen in real specs (format reference §10), each saying the same thing.
FORMS = {
    "plain": "Spec Type: Feature\nSpec ID: S-LOAN-001\nStatus: Approved\n",
    "bold list items": "- **Spec Type:** Feature\n- **Spec ID:** S-LOAN-001\n- **Status:** Approved\n",
    "bold keys": "**Spec Type**: Feature\n**Spec ID**: S-LOAN-001\n**Status**: Approved\n",
    "star bullets, full-width colon": "* Spec Type：Feature\n* Spec ID：S-LOAN-001\n* Status：Approved\n",
    "key/value table": ("| Field | Value |\n|---|---|\n| **Spec Type** | Feature |\n"
                        "| Spec ID | S-LOAN-001 |\n| Status | Approved |\n"),
    "table without a title row": "| Spec Type | Feature |\n| Spec ID | S-LOAN-001 |\n| Status | Approved |\n",
    "kept template comment": ("<!--\n  Spec ID format: S-{AREA}-001\n  Spec Status:\n    - DRAFT: initial\n"
                              "  Status: Deprecated\n-->\n\nSpec Type: Feature\nSpec ID: S-LOAN-001\n"
                              "Status: Approved <!-- was Draft -->\n"),
    "comment in a paragraph": ("Spec Type: Feature <!-- a note that goes\non: Status: Draft -->\n"
                               "Spec ID: S-LOAN-001\nStatus: Approved\n"),
    "unclosed comment in a line": "Spec Type: Feature <!-- note\n\nSpec ID: S-LOAN-001\nStatus: Approved\n",
}


def spec_text(form: str) -> str:
    return "# Feature Spec: 本の貸出 (Lending)\n\n" + FORMS[form] + BODY


@pytest.mark.parametrize("form", FORMS)
def test_every_header_form_reads_the_same(form: str) -> None:
    header = read_header_text(spec_text(form))
    assert header.title == "本の貸出 (Lending)" and header.h1_line == 1
    assert header.get("Spec Type") == ("Feature <!-- note" if "unclosed" in form else "Feature")
    assert header.get("spec id") == "S-LOAN-001"
    assert header.get("Status") == "Approved"
    assert spec_kind(header, ".specify/specs/features/x/spec.md") == "feature"


@pytest.mark.parametrize("form", FORMS)
def test_declaration_reader_and_materializer_agree_on_every_form(form: str, spec_tree: Any) -> None:
    text = spec_text(form)
    root = spec_tree({".specify/specs/features/sloan001/spec.md": text})
    entry = headers.scan_specs(root)[0]
    doc = parse_spec(text, entry.rel)
    assert (entry.kind, entry.spec_id, entry.status, entry.title) == (doc.kind, doc.spec_id, doc.status, doc.title)
    assert doc.kind is SpecKind.FEATURE and doc.status == "Approved"
    assert [d.id for d in doc.definitions if d.id.startswith("S-")] == ["S-LOAN-001"]
    facts = feature_facts(text, entry.rel, None, "fallback")
    assert (facts.spec_id, facts.title) == ("S-LOAN-001", "本の貸出 (Lending)")


def test_the_header_ends_at_the_rule_a_section_or_a_fence() -> None:
    for end in ("---", "## 1. Purpose", "```text"):
        header = read_header_text(f"# T\nSpec ID: S-A-001\n{end}\nStatus: Approved\n")
        assert header.get("Status") is None, end


def test_without_an_h1_the_header_starts_at_the_top() -> None:
    header = read_header_text("<!-- Status: Deprecated -->\nSpec ID: S-X-001\n\n## 1. Purpose\nStatus: no\n")
    assert (header.h1_line, header.title, header.get("Spec ID"), header.get("Status")) == (0, "", "S-X-001", None)


def test_lines_before_the_h1_and_a_heading_comment_are_not_header() -> None:
    header = read_header_text("Status: Draft\n# Fix Spec: Due date <!-- wrong\nStatus: Approved\n-->\n")
    assert (header.h1_line, header.title) == (2, "Due date <!-- wrong")
    assert header.get("Status") == "Approved"  # a heading's unclosed comment does not run on


def test_first_occurrence_of_a_key_wins_and_lines_are_kept() -> None:
    header = read_header_text("# T\n\nStatus: Approved\nstatus: Draft\nNot a field\nAuthor: 山田\n")
    assert [(f.key, f.value, f.line) for f in header.fields] == [("Status", "Approved", 3), ("Author", "山田", 6)]


def test_crlf_and_bom() -> None:
    header = read_header_text("\ufeff# Feature Spec: X\r\nSpec ID: S-X-001\r\n")
    assert (header.title, header.get("Spec ID")) == ("X", "S-X-001")


@pytest.mark.parametrize(("value", "kind"), [
    ("Feature", "feature"), ("[Feature | Fix]", "feature"), ("Fix", "fix"), ("Test Scenario", "test-scenario"),
    ("Overview", "domain"), ("Screen", "screen"), ("Vision", "vision"), ("Epic", "unknown"),
])
def test_kind_of_type(value: str, kind: str) -> None:
    assert kind_of_type(value) == kind


def test_kind_values_are_the_models() -> None:
    kinds = {kind_of_type(v) for v in ("Feature", "Fix", "Vision", "Domain", "Screen", "Test", "x")}
    assert kinds == {k.value for k in SpecKind}


@pytest.mark.parametrize(("text", "rel", "kind"), [
    ("# T\nSpec ID: F-LOAN-001\n", "a/spec.md", "fix"),
    ("# T\nSpec ID: S-DOMAIN-001\n", "a/spec.md", "domain"),
    ("# T\n", ".specify/specs/fixes/x/spec.md", "fix"),
    ("# T\n", "x/test-scenarios.md", "test-scenario"),
    ("# Screen Spec: X\n", "a/spec.md", "screen"),
    ("# T\n", "a/spec.md", "unknown"),
])
def test_kind_falls_back_to_the_id_the_path_then_the_h1(text: str, rel: str, kind: str) -> None:
    assert spec_kind(read_header_text(text), rel) == kind


def test_spec_ids_of_a_value() -> None:
    assert spec_ids("`S-A-001`, S-B-002 | F-C-003 、S-D-004 (old)") == ["S-A-001", "S-B-002", "F-C-003", "S-D-004"]


@pytest.mark.parametrize(("value", "unfilled"), [
    ("[OWNER]", True), ("[P1 | P2 | P3]", True), ("{date}", True), ("#XX", True), ("S-{AREA}-001", True),
    ("SCR-ID", True), ("#123", False), ("[#12]", False), ("山田 [リーダー]", False), ("S-LOAN-001", False),
])
def test_unfilled_values(value: str, unfilled: bool) -> None:
    assert is_unfilled(value) is unfilled


def test_only_bracket_and_brace_fill_ins_are_template_text() -> None:
    assert is_template_text("[TITLE]") and is_template_text("Loans {Title}")
    assert not is_template_text("SCR-ID list") and not is_template_text("Lending")


def test_plan_header_reads_with_the_same_grammar(tmp_path: Path) -> None:
    plan = textwrap.dedent("""\
        # Implementation Plan: Book Lending
        <!-- specmesh:plan v1 inputs=9ba0f5ebd642 -->

        <!-- specmesh:begin header sha=5fb715990509 -->
        Plan ID: PLAN-LOAN-001
        Feature Spec: `S-LOAN-001`
        Branch: feature/12-lending <!-- generated -->
        <!-- specmesh:end header -->
        ---
    """)
    facts = feature_facts(None, "x/spec.md", plan, "fallback")
    assert (facts.spec_id, facts.plan_id, facts.branch, facts.title) == (
        "S-LOAN-001", "PLAN-LOAN-001", "feature/12-lending", "Book Lending")


@pytest.mark.parametrize(("written", "rewritten"), [
    ("Total Tasks: 5", "Total Tasks: 12"),
    ("- **Total Tasks:** 5", "- **Total Tasks:** 12"),
    ("**Total Tasks**: 5", "**Total Tasks**: 12"),
    ("| Total Tasks | 5 |", "| Total Tasks | 12 |"),
    ("| **Total Tasks** | **5** |", "| **Total Tasks** | **12** |"),
    ("Total Tasks：5", "Total Tasks：12"),
    ("- **Total Tasks:**", "- **Total Tasks:** 12"),
    ("| Total Tasks |  |", "| Total Tasks | 12 |"),
])
def test_a_value_is_rewritten_in_the_form_its_line_is_written_in(written: str, rewritten: str) -> None:
    from specmesh_tasks.formats.spec_header import header_fields, with_value

    assert with_value(written, "12") == rewritten
    assert [(f.key, f.value) for f in header_fields([rewritten], 0)] == [("Total Tasks", "12")]
