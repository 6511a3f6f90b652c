"""The traceability matrix built from small trees (`trace/sources.py`, `trace/build.py`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.affected.results import LastResult
from specmesh_tasks.config import load_settings
from specmesh_tasks.trace.build import build_trace, decide_state
from specmesh_tasks.trace.model import TestRef, TraceReport, TraceState
from specmesh_tasks.trace.sources import read_sources

Tree = Callable[[dict[str, str | bytes]], Path]

LEAD = """\
    # Feature Spec: Leads

    Spec Type: Feature
    Spec ID: S-LEAD-001
    Status: Approved

    ## 2. Domain Dependencies

    ### 2.3 Business Rules Dependencies

    | Rule ID | Description | How it applies |
    |---|---|---|
    | BR-001 | Limit | capture |

    ## 4. User Stories / Use Cases

    ### UC-001: Capture a lead

    **Priority:** P1

    ## 5. Functional Requirements (FR)

    | FR ID | Description | Related UC | Priority |
    |---|---|---|---|
    | FR-001 | Store the lead | UC-001 | P1 |
    | FR-002 | Mail the owner | UC-001 | P2 |
    """
DEAL = LEAD.replace("S-LEAD-001", "S-DEAL-001").replace("# Feature Spec: Leads", "# Feature Spec: Deals") \
    .replace("| BR-001 | Limit | capture |", "| BR-002 | Margin | close |")
DOMAIN = """\
    # Domain Spec: Sales

    Spec Type: Domain
    Spec ID: S-DOMAIN-001
    Status: Approved

    ## 5. Business Rules

    | Rule ID | Description | Applies To |
    |---|---|---|
    | BR-001 | At most 5 open leads | leads |
    | BR-002 | Margin over 10 % | deals |
    | BR-003 | Nobody cites this | - |
    """
TESTS = """\
    # @spec S-LEAD-001
    import pytest


    @pytest.mark.spec("FR-001")
    @pytest.mark.parametrize("n", [1, 2])
    def test_store(n):
        pass


    # @uc UC-001
    def test_capture():
        pass


    class TestMail:
        @pytest.mark.spec("S-LEAD-001/FR-002", "BR-001")
        def test_sent(self):
            pass
    """
FILES: dict[str, str | bytes] = {
    ".specify/specs/features/slead001/spec.md": LEAD,
    ".specify/specs/features/sdeal001/spec.md": DEAL,
    ".specify/specs/overview/domain/spec.md": DOMAIN,
    ".specify/specs/features/slead001/tasks.md": """\
        # Tasks: Leads

        - [x] [T-101] [P1] [UC-001] [S-LEAD-001] Capture form for FR-001
        - [ ] [T-102] [P1] [UC-001] [S-LEAD-001] Mail for FR-002
        """,
    "tests/test_leads.py": TESTS,
}
AT = "2026-01-01T00:00:00Z"


def matrix(root: Path, results: dict[str, LastResult]) -> TraceReport:
    return build_trace(read_sources(root, load_settings(root)), results)


def rows(report: TraceReport) -> dict[tuple[str, str], object]:
    return {(f.id, r.id): r for f, r in report.requirements()}


def passed(*nodes: str) -> dict[str, LastResult]:
    return {node: LastResult("passed", AT) for node in nodes}


@pytest.mark.parametrize(("results", "suspect", "state"), [
    ((), False, TraceState.UNTESTED),
    ((None,), False, TraceState.NOT_RUN),
    (("skipped",), False, TraceState.NOT_RUN),
    (("passed", None), False, TraceState.COVERED),
    (("passed",), True, TraceState.SUSPECT),
    ((None,), True, TraceState.NOT_RUN),  # a new citation by a test that never ran
    (("skipped",), True, TraceState.NOT_RUN),
    (("passed", "failed"), True, TraceState.FAILING),
    (("error",), False, TraceState.FAILING),
])
def test_exactly_one_state_by_urgency(results: tuple[str | None, ...], suspect: bool, state: TraceState) -> None:
    tests = tuple(TestRef(f"t.py::t{n}", "t.py", n, r, AT if r else None) for n, r in enumerate(results))
    assert decide_state(tests, suspect)[0] is state


def test_local_ids_resolve_per_feature_and_domain_rules_appear_when_a_feature_cites_them(spec_tree: Tree) -> None:
    root = spec_tree(FILES)
    found = rows(matrix(root, passed("tests/test_leads.py::test_store[1]", "tests/test_leads.py::test_store[2]",
                                     "tests/test_leads.py::test_capture", "tests/test_leads.py::TestMail::test_sent")))
    lead_fr1 = found[("S-LEAD-001", "FR-001")]
    assert [t.id for t in lead_fr1.tests] == ["tests/test_leads.py::test_store"]  # type: ignore[attr-defined]
    assert lead_fr1.tests[0].result == "passed"  # type: ignore[attr-defined]  # both parameters passed
    assert found[("S-DEAL-001", "FR-001")].state is TraceState.UNTESTED  # type: ignore[attr-defined]
    mail = found[("S-LEAD-001", "FR-002")]
    assert [t.id for t in mail.tests] == ["tests/test_leads.py::TestMail::test_sent"]  # type: ignore[attr-defined]
    assert [(t.id, t.done) for t in mail.tasks] == [("T-102", False)]  # type: ignore[attr-defined]
    assert found[("S-LEAD-001", "UC-001")].state is TraceState.COVERED  # type: ignore[attr-defined]
    domain = {rid for (fid, rid) in found if fid == "S-DOMAIN-001"}
    assert domain == {"BR-001", "BR-002"}  # BR-003 is cited by no feature
    assert found[("S-DOMAIN-001", "BR-001")].state is TraceState.COVERED  # type: ignore[attr-defined]


def test_a_parameter_that_failed_makes_its_requirement_failing_with_the_latest_time(spec_tree: Tree) -> None:
    root = spec_tree(FILES)
    results = {"tests/test_leads.py::test_store[1]": LastResult("passed", "2026-01-02T00:00:00Z"),
               "tests/test_leads.py::test_store[2]": LastResult("failed", "2026-01-01T00:00:00Z")}
    fr = rows(matrix(root, results))[("S-LEAD-001", "FR-001")]
    assert fr.state is TraceState.FAILING  # type: ignore[attr-defined]
    assert (fr.tests[0].result, fr.tests[0].at) == ("failed", "2026-01-02T00:00:00Z")  # type: ignore[attr-defined]
    assert fr.reason == "test_store failed"  # type: ignore[attr-defined]


def test_only_asked_features_and_the_rules_they_cite(spec_tree: Tree) -> None:
    root = spec_tree(FILES)
    report = build_trace(read_sources(root, load_settings(root)), {}, features=["S-DEAL-001"])
    assert [f.id for f in report.features] == ["S-DEAL-001", "S-DOMAIN-001"]
    assert [r.id for r in report.features[1].requirements] == ["BR-002"]
