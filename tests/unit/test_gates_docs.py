"""docs/rules.md is generated from the catalogue and kept up to date."""

from __future__ import annotations

from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.docs import DOC_PATH, render_rules_doc


def test_docs_rules_md_is_up_to_date() -> None:
    expected = render_rules_doc()
    assert DOC_PATH.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `python -m specmesh_tasks.gates.docs --write`")


def test_docs_show_each_rule_with_a_failing_and_a_passing_example() -> None:
    text = render_rules_doc()
    for r in catalog.all_rules():
        section = text.split(f"### {r.code}\n", 1)[1].split("\n### SM", 1)[0]
        assert f"`{r.name}`" in section and "**Triggers it:**" in section and "**Does not:**" in section
