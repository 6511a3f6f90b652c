"""Impact from the inverted tree (`trace/impact.py`): dependents, severities, local IDs, hints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.config import load_settings
from specmesh_tasks.errors import UserError
from specmesh_tasks.trace.impact import ImpactIndex, build_index, check_known, impact_of, index_from_data
from specmesh_tasks.trace.model import Severity, severity_of
from specmesh_tasks.trace.sources import read_sources
from tests.unit.test_trace_build import DOMAIN, FILES, LEAD

Tree = Callable[[dict[str, str | bytes]], Path]

AUTH_DOMAIN = DOMAIN + """
    ## 4. API Contracts (API-*)

    ### API-AUTH-LOGIN: Log in

    **Purpose:** sessions.

    ### API-AUTH-LOGOUT: Log out

    **Purpose:** sessions.

    ## 8. Feature Index

    | Feature ID | Title | Path | Status | Related |
    |---|---|---|---|---|
    | S-LEAD-001 | Leads | .specify/specs/features/slead001/spec.md | Approved | API-AUTH-LOGOUT |
    """
WILDCARD = LEAD.replace("S-LEAD-001", "S-SHOP-001").replace("# Feature Spec: Leads", "# Feature Spec: Shop") \
    .replace("### 2.3 Business Rules", "Signs in through API-AUTH-*.\n\n    ### 2.3 Business Rules")


def index_of(spec_tree: Tree, extra: dict[str, str | bytes] | None = None) -> ImpactIndex:
    root = spec_tree({**FILES, ".specify/specs/overview/domain/spec.md": AUTH_DOMAIN,
                      ".specify/specs/features/sshop001/spec.md": WILDCARD, **(extra or {})})
    return build_index(read_sources(root, load_settings(root)))


@pytest.mark.parametrize(("features", "matrix", "severity"), [
    (3, 0, Severity.CRITICAL), (7, 2, Severity.CRITICAL), (2, 5, Severity.HIGH), (1, 0, Severity.HIGH),
    (0, 1, Severity.MEDIUM), (0, 0, Severity.LOW),
])
def test_the_change_workflows_severities(features: int, matrix: int, severity: Severity) -> None:
    assert severity_of(features, matrix) is severity


def test_dependents_by_dependency_table_prose_wildcard_and_feature_index(spec_tree: Tree) -> None:
    index = index_of(spec_tree)
    logout = impact_of(index, "API-AUTH-LOGOUT")
    assert [(d.id, d.how) for d in logout.features] == [("S-SHOP-001", "reference"), ("S-LEAD-001", "feature-index")]
    assert logout.severity is Severity.HIGH
    rule = impact_of(index, "BR-001")
    assert [(d.id, d.how, d.line) for d in rule.features] == [("S-LEAD-001", "dependency", 13),
                                                              ("S-SHOP-001", "dependency", 15)]
    assert [t.id for t in rule.tests] == ["tests/test_leads.py::TestMail::test_sent"]
    assert impact_of(index, "BR-003").severity is Severity.LOW  # nothing depends on it


def test_a_local_id_is_its_own_features_and_its_tests_include_those_of_its_frs(spec_tree: Tree) -> None:
    index = index_of(spec_tree)
    lead = impact_of(index, "S-LEAD-001/UC-001")
    assert [(d.id, d.how) for d in lead.features] == [("S-LEAD-001", "defines")]
    assert (lead.file, lead.line) == (".specify/specs/features/slead001/spec.md", 17)
    assert {t.id for t in lead.tests} == {"tests/test_leads.py::test_store", "tests/test_leads.py::test_capture",
                                          "tests/test_leads.py::TestMail::test_sent"}
    assert [t.id for t in lead.tasks] == ["T-101", "T-102"]
    every = impact_of(index, "UC-001")  # unqualified: every feature defining one
    assert {d.id for d in every.features} == {"S-LEAD-001", "S-DEAL-001", "S-SHOP-001"}
    assert every.severity is Severity.CRITICAL


def test_the_stored_index_answers_as_the_fresh_one(spec_tree: Tree) -> None:
    index = index_of(spec_tree)
    stored = index_from_data(json.loads(json.dumps(index.as_data())))
    for item in ("API-AUTH-LOGOUT", "BR-001", "S-LEAD-001/UC-001", "UC-001", "S-LEAD-001"):
        assert impact_of(stored, item) == impact_of(index, item)


def test_an_unknown_id_is_one_line_with_a_near_miss(spec_tree: Tree) -> None:
    index = index_of(spec_tree)
    with pytest.raises(UserError) as raised:
        check_known(index, ["BR-001", "API-AUTH-LOGUOT", "M-NOTHING-LIKE-IT"])
    assert str(raised.value) == (
        "error: unknown ID API-AUTH-LOGUOT; did you mean API-AUTH-LOGOUT?\n"
        "error: unknown ID M-NOTHING-LIKE-IT; it is defined and cited nowhere under .specify/specs")
