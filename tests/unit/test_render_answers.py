"""Every prompt the specs can answer is answered (contract §4, issue 15): golden plans rendered
from tests/resources/answers_tree, a project written for these tests.

- S-BOOKING-001 fills every section of the feature template that a plan prompt maps to;
- S-DESK-001 is silent almost everywhere: its prompts stay bare, except Open Questions, whose
  empty section is itself an answer ("none open");
- F-BOOKING-001 fills the fix template's sections.

A change in the output must be a deliberate snapshot update, reviewed in the diff:
`SPECMESH_UPDATE_GOLDEN=1 pytest tests/unit/test_render_answers.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_files import RESOURCES, check_golden, render_tree

from specmesh_tasks.parse.plan import scan_plan

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "answers"
PLANNED = ["S-BOOKING-001", "S-DESK-001", "F-BOOKING-001"]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_tree(RESOURCES / "answers_tree", PLANNED, created="2026-03-02")


@pytest.mark.parametrize("spec_id", PLANNED)
def test_plan_matches_its_golden_file(rendered: dict[str, str], spec_id: str) -> None:
    check_golden(GOLDEN / f"{spec_id}.plan.md", rendered[spec_id])


# prompt -> the start of its answer in S-BOOKING-001's plan, and the spec section it comes from.
FEATURE_ANSWERS = {
    "- One-sentence summary of the change:": "lets employees book a free meeting room",  # 1.1, seeded
    "- Functions and flows implemented in this change:":  # §4 use cases with actors, §5 FRs
        "\n\n<!-- specmesh:begin s2.flows sha=",
    "- Related features intentionally not implemented in this change:":  # 1.2, 2.4 Soft/Parallel
        "recurring bookings, catering orders, booking on behalf of a visitor; S-NOTIFY-001",
    "- New tables or collections (if any):": "M-WAITLIST (pending addition: Employees waiting",  # 2.5
    "  - Which master (`M-...`) or entity:": "M-ROOM (Room): A bookable meeting room",  # 2.1 + domain
    "  - New API IDs defined in the Feature spec:": "API-BOOKING-WAITLIST (pending addition",  # 2.5
    "- Request/response mapping to domain entities:": "API-ROOM-LIST: M-ROOM, M-BOOKING;",  # domain §4
    "- Internal dependencies (other modules or services):": "S-ROOM-001 Room Directory (Hard): ",  # 2.4
    "- External dependencies (third-party APIs, queues, etc.):": "Microsoft Graph",  # 2.6
    "  - What MUST be deployed together:": "S-ROOM-001 Room Directory <!--",  # 2.4 Hard
    "  - Unit tests for:": "FR-BOOKING-001 (free-room search",  # 10.1 by type
    "  - Integration tests for:": "FR-BOOKING-003 (cancel through the API",
    "  - E2E tests for:": "UC-BOOKING-001 (book a room from the calendar add-in)",
    "- How to run tests locally and in CI:": "`specmesh test`",  # seeded
    "- Failure modes and how they are handled:":  # §6 Edge Cases
        "\n\n<!-- specmesh:begin s7.failure-modes sha=",
    "- Unresolved decisions or clarifications required:": "May facilities cancel",  # §11, unticked
    "- Approvals needed (for example schema changes, contract changes):":  # 2.5: a domain change
        "S-DOMAIN-001 change for M-WAITLIST, API-BOOKING-WAITLIST",
}


def answer(text: str, prompt: str) -> str:
    line = next(x for x in text.split("\n") if x == prompt or x.startswith(prompt + " "))
    rest = text[text.index(line + "\n") + len(prompt):]
    return rest.removeprefix(" ")


@pytest.mark.parametrize("prompt", FEATURE_ANSWERS)
def test_every_mapped_prompt_of_a_feature_plan_is_answered_from_its_spec(
        rendered: dict[str, str], prompt: str) -> None:
    assert answer(rendered["S-BOOKING-001"], prompt).startswith(FEATURE_ANSWERS[prompt])


def test_long_answers_are_blocks_with_ids_first(rendered: dict[str, str]) -> None:
    text = rendered["S-BOOKING-001"]
    scan = scan_plan(text)
    flows = scan.slot("s2.flows")
    assert flows is not None and flows.content.split("\n") == [
        "- UC-BOOKING-001 Book a room — Employee: FR-BOOKING-001, FR-BOOKING-002",
        "- UC-BOOKING-002 Cancel a booking — Employee (the one who booked): FR-BOOKING-003, FR-BOOKING-004",
        "- UC-BOOKING-003 Join the waitlist — Employee: FR-BOOKING-005",
    ]
    criteria = scan.slot("s5.criteria")  # §7 Success Criteria with their measurement, §10.2
    assert criteria is not None
    assert "- SC-BOOKING-001 No room is ever booked twice for the same minute (measured by: Nightly overlap " \
           "query returns no rows)" in criteria.content
    assert "- A slot that crosses midnight in Europe/Berlin on the night clocks change" in criteria.content
    failures = scan.slot("s7.failure-modes")
    assert failures is not None and failures.content.split("\n")[:2] == [
        "| Case | Trigger | Expected Behavior |", "|---|---|---|"]
    assert "| Across midnight | A slot from 23:30 to 00:30 | Stored as one booking; both days show it |" \
        in failures.content


def test_deferred_items_are_the_risks_accepted_until_resolved(rendered: dict[str, str]) -> None:
    deferred = scan_plan(rendered["S-BOOKING-001"]).slot("s7.deferred")  # §7 risks from `[DEFERRED]` items
    assert deferred is not None and deferred.content.split("\n")[-1] == (
        "- A room closed for repairs: [DEFERRED: facilities decide in Q2 whether its bookings move or are "
        "cancelled] (§6)")
    silent = scan_plan(rendered["S-DESK-001"]).slot("s7.deferred")
    assert silent is not None and silent.content == ""  # nothing deferred: nothing said


# The prompts S-DESK-001 says nothing about stay bare, for the person.
SILENT = [
    "- One-sentence summary of the change:", "  - Domain spec:", "  - Other Feature specs:",
    "  - External systems:", "- Data entities touched:", "- APIs implemented or modified:",
    "- Related features intentionally not implemented in this change:",
    "- New tables or collections (if any):", "  - Which master (`M-...`) or entity:",
    "- Request/response mapping to domain entities:",
    "- Internal dependencies (other modules or services):",
    "- External dependencies (third-party APIs, queues, etc.):", "  - What MUST be deployed together:",
    "  - Unit tests for:", "  - Integration tests for:", "  - E2E tests for:",
    "- Failure modes and how they are handled:",
    "- Approvals needed (for example schema changes, contract changes):",
]


@pytest.mark.parametrize("prompt", SILENT)
def test_a_prompt_the_spec_is_silent_about_stays_bare(rendered: dict[str, str], prompt: str) -> None:
    text = rendered["S-DESK-001"]
    lines = text.split("\n")
    index = lines.index(prompt)  # the bare prompt, no value, no marker
    assert not {"s2.flows", "s7.failure-modes"} & {s.name for s in scan_plan(text).slots
                                                     if s.start in (index + 1, index + 2)}


def test_an_empty_open_questions_section_is_itself_the_answer(rendered: dict[str, str]) -> None:
    assert "- Unresolved decisions or clarifications required: none open <!-- specmesh:s8.open" \
        in rendered["S-DESK-001"]
    assert "\nOwner:\n" in rendered["S-DESK-001"]  # the spec's Author is the template's [OWNER]


FIX_ANSWERS = {
    "- One-sentence summary of the change:": "A booking that overlaps another",  # 1.2, seeded
    "  - Target code areas (directories/files expected to change):":  # files the spec names
        "`rooms/booking/overlap.py`, `tests/test_overlap.py`",
    "- Unresolved decisions or clarifications required:": "Do we cancel the 3 stored",  # §5
    "- Approvals needed (for example schema changes, contract changes):":  # 4.2 Spec Updates
        "spec updates to approve: S-DOMAIN-001 (BR-001): Say that slots are compared as instants",
}


@pytest.mark.parametrize("prompt", FIX_ANSWERS)
def test_a_fix_plan_is_answered_from_the_fix_template_sections(rendered: dict[str, str], prompt: str) -> None:
    assert answer(rendered["F-BOOKING-001"], prompt).startswith(FIX_ANSWERS[prompt])


def test_a_fix_plan_quotes_its_reproduction_and_root_cause(rendered: dict[str, str]) -> None:
    scan = scan_plan(rendered["F-BOOKING-001"])
    reproduce = scan.slot("s5.reproduce")  # 1.3 Steps to reproduce, 1.2 Expected behavior
    assert reproduce is not None and "\n1. Book room Elbe from 23:00 to 01:00 (the next day).\n" in reproduce.content
    assert "\nExpected behavior: A booking that overlaps another in the same room" in reproduce.content
    direction = scan.slot("s3.fix-direction")  # 3.2 Root Cause, then §4 Fix Direction
    assert direction is not None
    assert direction.content.startswith("Root cause, as F-BOOKING-001 states it:\n\n> The overlap check in")
    assert "Fix direction from F-BOOKING-001 (§4 Fix Direction):" in direction.content
