"""Definitions compared between two versions of the spec files (`trace/since.py`)."""

from __future__ import annotations

import textwrap

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.trace.since import DIFF_LINES, DefinitionChange, compare, short_diff

SPEC = textwrap.dedent("""\
    # Feature Spec: Leads

    Spec Type: Feature
    Spec ID: S-LEAD-001
    Status: Approved

    ## 4. User Stories / Use Cases

    ### UC-001: Capture a lead

    **Priority:** P1

    ## 5. Functional Requirements (FR)

    | FR ID | Description | Related UC | Priority |
    |---|---|---|---|
    | FR-001 | Store the lead | UC-001 | P1 |
    | FR-002 | Mail the owner | UC-001 | P2 |
    """)
REL = ".specify/specs/features/slead001/spec.md"


def test_changed_added_and_removed_definitions_by_key_each_with_a_short_diff() -> None:
    new = (SPEC.replace("| FR-001 | Store the lead |", "| FR-001 | Store the lead and its source |")
           .replace("| FR-002 | Mail the owner | UC-001 | P2 |\n", "| FR-003 | Score it | UC-001 | P3 |\n"))
    assert compare({REL: SPEC}, {REL: new}) == [
        DefinitionChange("S-LEAD-001/FR-001", IdKind.FR, "changed",
                         "-| FR-001 | Store the lead | UC-001 | P1 |\n"
                         "+| FR-001 | Store the lead and its source | UC-001 | P1 |"),
        DefinitionChange("S-LEAD-001/FR-002", IdKind.FR, "removed", "-| FR-002 | Mail the owner | UC-001 | P2 |"),
        DefinitionChange("S-LEAD-001/FR-003", IdKind.FR, "added", "+| FR-003 | Score it | UC-001 | P3 |"),
    ]


def test_a_spec_changes_as_a_whole_only_when_its_title_or_status_does() -> None:
    edited = SPEC.replace("**Priority:** P1", "**Priority:** P2")  # inside UC-001's block
    assert [(c.key, c.change) for c in compare({REL: SPEC}, {REL: edited})] == [("S-LEAD-001/UC-001", "changed")]
    approved = SPEC.replace("Status: Approved", "Status: Implemented")
    (change,) = compare({REL: SPEC}, {REL: approved})
    assert (change.key, change.diff) == ("S-LEAD-001", "-Leads (Approved)\n+Leads (Implemented)")
    assert compare({REL: ""}, {REL: SPEC})[0].change == "added"  # a file added since REF


def test_a_long_diff_is_cut_with_a_count_of_what_is_left() -> None:
    before = [f"line {n}" for n in range(20)]
    diff = short_diff(before, []).splitlines()
    assert len(diff) == DIFF_LINES + 1 and diff[-1] == f"… {20 - DIFF_LINES} more lines"
