"""Golden files: the plans rendered from the fixed tree in tests/resources/plan_tree.

A change in the output must be a deliberate snapshot update, reviewed in the diff:
`SPECMESH_UPDATE_GOLDEN=1 pytest tests/unit/test_render_golden.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_files import PLAN_TREE, check_golden, render_tree

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plan"
PLANNED = ["S-LOAN-001", "S-MEMBER-001", "F-LOAN-001"]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_tree(PLAN_TREE, PLANNED, created="2026-01-01")


@pytest.mark.parametrize("spec_id", PLANNED)
def test_plan_matches_its_golden_file(rendered: dict[str, str], spec_id: str) -> None:
    check_golden(GOLDEN / f"{spec_id}.plan.md", rendered[spec_id])
