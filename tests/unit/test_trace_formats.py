"""The report formats: JSON against the shipped schemas, Markdown through a Markdown library,
HTML's embedding, and the schemas kept in step with their models."""

from __future__ import annotations

import json

import jsonschema
import pytest
from markdown_it import MarkdownIt

from specmesh_tasks.schemas import IMPACT_SCHEMA, TRACE_SCHEMA, load_schema, schema_path
from specmesh_tasks.trace import html, json_report, markdown, text
from specmesh_tasks.trace.json_report import report_from_data, trace_data
from specmesh_tasks.trace.model import (
    Dependent,
    FeatureTrace,
    Impact,
    ImpactReport,
    MatrixRef,
    PlanRef,
    Requirement,
    Severity,
    TaskRef,
    TestRef,
    TraceReport,
    TraceState,
)
from specmesh_tasks.trace.schema import MODELS, schema_text
from tests.feature.test_trace_page import synthetic_report

COMMENT_LIMIT = 65_536  # GitHub refuses a longer comment body


def tokens(source: str) -> list[str]:
    return [t.type for t in MarkdownIt("commonmark").enable("table").parse(source)]


def small_report() -> TraceReport:
    spec = ".specify/specs/features/sloan001/spec.md"
    tricky = Requirement("FR-LOAN-001", "fr", "Pipes | and <script>alert(1)</script> and *stars*", spec, 40,
                         TraceState.FAILING, "test_borrow failed",
                         (TestRef("tests/t.py::test_borrow", "tests/t.py", 9, "failed", "2026-01-01T00:00:00Z"),),
                         (TaskRef("T-101", True, spec[:-7] + "tasks.md", 12),),
                         PlanRef(spec[:-7] + "plan.md", 24, "s5.unit"))
    plain = Requirement("UC-LOAN-001", "use-case", "Borrow a book", spec, 30, TraceState.UNTESTED, "no test cites it")
    return TraceReport("/repo", "1.2.3", (FeatureTrace("S-LOAN-001", "Lending", "Approved", spec, 1, 2,
                                                       (plain, tricky)),), "recorded runs")


def test_json_matches_the_shipped_schema_and_reads_back_as_the_same_report() -> None:
    report = small_report()
    data = json.loads(json_report.format_trace(report))
    jsonschema.validate(data, load_schema(TRACE_SCHEMA))
    assert data["summary"] == {"requirements": 2, "covered": 0, "failing": 1, "suspect": 0, "not-run": 0,
                               "untested": 1}
    assert report_from_data(data) == report


def test_impact_json_matches_the_shipped_schema() -> None:
    change = Impact("M-LOAN", "master", "changed", Severity.CRITICAL, "d.md", 3, "Loan", "-a\n+b",
                    (Dependent("S-LOAN-001", "s.md", 4, "dependency"),), (PlanRef("p.md", 5, "s2.entities"),),
                    (TaskRef("T-1", False, "t.md", 6),), (TestRef("t.py::t", "t.py", 7, None, None),),
                    (MatrixRef("features/S-LOAN-001", "m.json", 8),))
    data = json.loads(json_report.format_impact(ImpactReport("/repo", "1", "HEAD~1", (change,), ("p.md",),
                                                              ("t.py::t",))))
    jsonschema.validate(data, load_schema(IMPACT_SCHEMA))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_shipped_schemas_are_generated_from_the_models(name: str) -> None:
    assert schema_path(name).read_text(encoding="utf-8") == schema_text(name), \
        "run: python -m specmesh_tasks.trace.schema --write"


def test_markdown_escapes_spec_text_inside_tables_and_lists() -> None:
    source = markdown.format_trace(small_report())
    html_out = MarkdownIt("commonmark").enable("table").render(source)
    assert "<script>" not in html_out and "&lt;script&gt;" in html_out
    assert "Pipes | and" in html_out  # the escaped pipe did not split a table cell
    assert tokens(source).count("table_open") == 2


def test_markdown_of_a_thousand_features_fits_a_pull_request_comment() -> None:
    report = report_from_data(trace_data(report_from_data(synthetic_report(1000))))
    source = markdown.format_trace(report)
    assert len(source) < COMMENT_LIMIT
    assert "… and 970 more features" in source
    assert f"- … and {4000 - markdown.MAX_ITEMS} more" in source  # 4 untested per feature
    assert tokens(source).count("table_open") == 2
    assert source.index("| failing | suspect |") < source.index("### Not covered")  # the summary comes first


def test_impact_markdown_says_the_severity_first() -> None:
    change = Impact("UC-LOAN-003", "use-case", "changed", Severity.HIGH, "s.md", 3, "View my loans",
                    "-### UC-LOAN-003: View my loans\n+### UC-LOAN-003: View ```and``` sort",
                    (Dependent("S-LOAN-001", "s.md", 3, "defines"),))
    source = markdown.format_impact(ImpactReport("/repo", "1", "origin/main", (change,), ("p.md",), ()))
    assert source.startswith("## Impact since `origin/main`: HIGH\n")
    assert tokens(source).count("table_open") == 1
    assert "fence" in tokens(source)  # the diff, in a fence that its own backticks do not close


def test_text_clips_long_requirement_text_on_one_line() -> None:
    assert text.clip("a\nb " + "x" * 100, 10) == "a b xxxxx…"
    assert "FR-LOAN-001  failing" in text.format_trace(small_report())


def test_the_page_embeds_its_data_so_spec_text_cannot_end_the_script() -> None:
    page = html.format_trace(trace_data(small_report()), "../")
    assert page.count("</script>") == 2  # the data block's and the script's own
    data = page.split('<script type="application/json" id="data">', 1)[1].split("</script>", 1)[0]
    decoded = json.loads(data)
    assert decoded["base"] == "../"
    assert decoded["reqs"][1][3] == "Pipes | and <script>alert(1)</script> and *stars*"
