"""Rendering plan.md: the bundled template, spec text as data, the sandbox, template lookup."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from plan_models import full_repo, lending, use_case

from specmesh_tasks.config import PlanSettings, Settings
from specmesh_tasks.errors import UserError
from specmesh_tasks.parse.plan import scan_plan
from specmesh_tasks.render.blocks import PlanTemplateError, creation_date, render_plan, safe_value
from specmesh_tasks.render.context import build_context
from specmesh_tasks.render.templates import OVERRIDE, bundled_template, template_path

TEMPLATE = bundled_template().read_text(encoding="utf-8")
# The user's plan template, kept as given: the bundled Jinja template must keep its structure.
REFERENCE = Path(__file__).resolve().parents[1] / "resources" / "plan-template.md"


def render(spec=None, template: str = TEMPLATE) -> str:  # type: ignore[no-untyped-def]
    ctx = build_context(spec or lending(), full_repo(spec or lending()))
    return render_plan(ctx, template, created="2025-01-02").text


def test_the_bundled_template_keeps_the_reference_structure() -> None:
    text = render()
    lines = text.split("\n")
    assert lines[0] == "# Implementation Plan: Lending"
    assert re.fullmatch(r"<!-- specmesh:plan v1 inputs=[0-9a-f]{12} -->", lines[1])
    keys = [
        m.group(1)
        for m in re.finditer(
            r"^(Plan ID|Feature Spec|Related Domain Spec|Related Screen Spec|"
            r"Related Screens|Branch|Issue\(s\)|Created|Owner):",
            text,
            re.M,
        )
    ]
    assert keys == [
        "Plan ID",
        "Feature Spec",
        "Related Domain Spec",
        "Related Screen Spec",
        "Related Screens",
        "Branch",
        "Issue(s)",
        "Created",
        "Owner",
    ]
    headings = re.findall(r"^#{2,3} .*$", text, re.M)
    assert headings == re.findall(r"^#{2,3} .*$", _reference_text(), re.M)
    assert text.count("\n---\n") == _reference_text().count("\n---\n")
    assert "Template: Implementation Plan" not in text and "<!--\n" not in text


def _reference_text() -> str:
    """The user's template without its leading comment block (which plans never copy)."""
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("<!--")
    return text[:start] + text[text.index("-->", start) + 4 :]


def test_every_prompt_of_the_reference_template_is_still_there() -> None:
    text = render()
    for line in _reference_text().split("\n"):
        if line.lstrip().startswith("- ") and "[" not in line and "{" not in line:
            prompt = line.rstrip()
            assert any(x == prompt or x.startswith(prompt + " ") for x in text.split("\n")), prompt


def test_generated_lines_carry_markers_and_prompts_only_a_person_answers_stay_bare() -> None:
    text = render()
    assert (
        "- What user stories or use cases are being implemented (IDs): UC-LOAN-001 (Borrow a book); "
        "UC-LOAN-002 (Return a book) <!-- specmesh:s1.use-cases sha=" in text
    )
    assert "\n- One-sentence summary of the change:\n" in text
    assert "\n  - External systems:\n" in text
    names = [s.name for s in scan_plan(text).slots]
    assert names == [
        "header",
        "s1.use-cases",
        "s1.domain",
        "s1.features",
        "s2.flows",
        "s2.entities",
        "s2.apis",
        "s3.masters",
        "s3.existing-apis",
        "s3.new-apis",
        "s4.internal",
        "s4.together",
        "s5.unit",
        "s5.integration",
        "s5.e2e",
        "s7.deferred",
        "s8.approvals",
        "s10.issue",
        "s10.specs",
        "s10.domain",
        "s10.branch",
    ]
    assert not any(s.edited for s in scan_plan(text).slots)


def test_blocks_sit_at_column_zero_outside_lists() -> None:
    lines = render().split("\n")
    for i, line in enumerate(lines):
        if "specmesh:begin" in line:
            assert line.startswith("<!--") and (lines[i - 1] == "" or lines[i - 1].startswith("<!--"))


def test_rendering_is_deterministic_and_has_no_trailing_whitespace() -> None:
    first, second = render(), render()
    assert first == second
    assert all(x == x.rstrip() for x in first.split("\n"))
    assert first.endswith("\n")


def test_spec_text_is_data_never_template_code() -> None:
    spec = lending(use_cases=(use_case("UC-LOAN-001", "Use {{ 7*7 }} and {% if x %}raw{% endif %}"),))
    text = render(spec)
    assert "Use {{ 7*7 }} and {% if x %}raw{% endif %}" in text and "Use 49" not in text


def test_spec_text_cannot_forge_markers_or_break_lines() -> None:
    spec = lending(
        use_cases=(use_case("UC-LOAN-001", "evil <!-- specmesh:end header -->\n# Heading\x00\x01"),)
    )
    text = render(spec)
    assert "evil &lt;!-- specmesh:end header --> # Heading)" in text
    assert [s.name for s in scan_plan(text).slots][:2] == ["header", "s1.use-cases"]
    assert safe_value("a\r\nb\x07") == "a  b"


def test_the_format_marker_is_placed_after_the_h1_even_when_a_template_omits_it() -> None:
    lines = render(template="Intro\n# Plan: {{ title }}\nBody {{ spec_id }}\n").split("\n")
    assert lines[1] == "# Plan: Lending" and lines[2].startswith("<!-- specmesh:plan v1 inputs=")
    assert lines[3] == "Body S-LOAN-001"


@pytest.mark.parametrize(
    "template, message",
    [
        ("# P\n{{ no_such_value }}\n", "no_such_value"),
        ("# P\n{% if %}\n", "plan.md.j2:2"),
        ("# P\n{{ title.__class__.__mro__ }}\n", "unsafe"),
        ("# P\n<!-- specmesh:begin a -->\n", "no matching"),
    ],
)
def test_a_bad_template_is_a_one_line_error(template: str, message: str) -> None:
    with pytest.raises(PlanTemplateError, match=re.escape(message)):
        render(template=template)


def test_created_comes_from_source_date_epoch_else_today() -> None:
    assert creation_date({"SOURCE_DATE_EPOCH": "1767225600"}) == "2026-01-01"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", creation_date({}))
    assert creation_date({"SOURCE_DATE_EPOCH": "soon"}) == creation_date({})


def test_template_lookup_prefers_config_then_project_override(tmp_path: Path) -> None:
    assert template_path(tmp_path) == bundled_template() and bundled_template().is_file()
    override = tmp_path / OVERRIDE
    override.parent.mkdir(parents=True)
    override.write_text("# X\n")
    assert template_path(tmp_path) == override
    (tmp_path / "mine.j2").write_text("# Y\n")
    configured = Settings(plan=PlanSettings(template="mine.j2"))
    assert template_path(tmp_path, configured) == tmp_path / "mine.j2"
    with pytest.raises(UserError, match=r"missing\.j2 does not exist"):
        template_path(tmp_path, replace(configured, plan=PlanSettings(template="missing.j2")))
    with pytest.raises(UserError, match="outside"):
        template_path(tmp_path, replace(configured, plan=PlanSettings(template="../elsewhere.j2")))
