"""`--adopt`: an unmanaged tasks.md becomes managed, keeping every word."""

from __future__ import annotations

import re
import textwrap

from specmesh_tasks.formats.task_lines import MARKER
from specmesh_tasks.materialize.adopt import adopt_tasks
from specmesh_tasks.materialize.facts import FeatureFacts, UseCaseFact
from specmesh_tasks.materialize.merge import merge_tasks
from specmesh_tasks.parse.breakdown import parse_breakdown
from specmesh_tasks.parse.tasks_md import parse_tasks_md

FACTS = FeatureFacts("S-LEADS-001", "Leads", (UseCaseFact("UC-001", "P1"),), "PLAN-LEADS-001")

UPSTREAM = textwrap.dedent("""\
    # Tasks: Leads

    Feature Spec: S-{AREA}-{NNN}
    Created: {date}
    Total Tasks: [COUNT]
    Estimated Hours: [HOURS]

    Input: plan.md
    Notes: written by the agent

    ---

    ## 2. Phase 0 Alignment and Setup

    - `[T-001] [P1] [UC-001] [S-LEADS-001] Description in src/leads/page.tsx`
    - [x] `[T-002] [P1] Done already` and a trailing remark
    - `[T-002.5] [Spec-First] Update the domain spec`

    ## 9. Notes

    - [ ] a plain checkbox note
    Free text that must survive.
    """)


def words(text: str) -> list[str]:
    return re.findall(r"[\w.-]+", text)


def test_every_word_is_kept_and_code_spans_get_checkboxes() -> None:
    adopted = adopt_tasks(UPSTREAM, FACTS, "2025-03-01")
    doc = parse_tasks_md(adopted, "tasks.md")
    assert doc.managed and adopted.splitlines()[1] == MARKER
    kept = words(adopted)
    for word in words(UPSTREAM):
        if word not in {"S-", "-", "AREA", "NNN", "date"}:  # the template's placeholders are filled in
            assert word in kept, word
    assert "- [ ] [T-001] [P1] [UC-001] [S-LEADS-001] Description in src/leads/page.tsx" in adopted
    assert "- [x] [T-002] [P1] Done already and a trailing remark" in adopted
    assert [t.item.style for t in doc.tasks if t.item.id] == ["checkbox"] * 3
    assert "Feature Spec: S-LEADS-001\nCreated: 2025-03-01\n" in adopted
    assert "\nPlan: PLAN-LEADS-001\n" in adopted
    assert adopted.index("## Conventions") < adopted.index("## 2. Phase 0")


def test_adopted_file_then_merges_by_id() -> None:
    plan = parse_breakdown("## 11. Work Breakdown\n\n- Task group 1: Setup -> T-001..T-003\n", "plan.md")
    merged = merge_tasks(adopt_tasks(UPSTREAM, FACTS, "2025-03-01"), plan, FACTS)
    assert merged.added == ("T-003",)
    assert "Total Tasks: 4" in merged.text
    assert merged.text.index("[T-003]") < merged.text.index("## 9. Notes")
    assert merge_tasks(merged.text, plan, FACTS).text == merged.text


def test_file_without_h1_or_header_gets_them() -> None:
    adopted = adopt_tasks("- [x] [T-001] done\n- [ ] [T-002] open\n", FACTS, "2025-03-01")
    lines = adopted.splitlines()
    assert lines[:3] == ["# Tasks: Leads", MARKER, ""]
    assert "- [x] [T-001] done" in lines and "- [ ] [T-002] open" in lines


def test_headers_added_after_an_h1_without_header() -> None:
    adopted = adopt_tasks("# My tasks\nSome intro.\n\n## Work\n\n- [ ] [T-001] open\n", FACTS, "2025-03-01")
    assert adopted.startswith("# My tasks\n" + MARKER + "\n\nFeature Spec: S-LEADS-001\n"
                              "Plan: PLAN-LEADS-001\nCreated: 2025-03-01\nTotal Tasks: 0\n\nSome intro.\n")


def test_header_values_and_added_fields_follow_the_header_form() -> None:
    text = "# Tasks\n\n- **Feature Spec:** S-{AREA}-{NNN}\n- **Owner:** Kim\n\n## Work\n\n- [ ] [T-001] open\n"
    adopted = adopt_tasks(text, FACTS, "2025-03-01")
    assert "\n- **Feature Spec:** S-LEADS-001\n- **Owner:** Kim\n- **Plan:** PLAN-LEADS-001\n" \
           "- **Created:** 2025-03-01\n- **Total Tasks:** 0\n" in adopted
