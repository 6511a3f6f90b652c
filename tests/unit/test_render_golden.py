"""Golden files: the plans rendered from the fixed tree in tests/resources/plan_tree.

A change in the output must be a deliberate snapshot update, reviewed in the diff:
`SPECMESH_UPDATE_GOLDEN=1 pytest tests/unit/test_render_golden.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specmesh_tasks.load import load_repo
from specmesh_tasks.render.blocks import render_plan
from specmesh_tasks.render.context import build_context
from specmesh_tasks.render.templates import bundled_template

TESTS = Path(__file__).resolve().parents[1]
TREE = TESTS / "resources" / "plan_tree"
GOLDEN = TESTS / "golden" / "plan"
PLANNED = ["S-LOAN-001", "S-MEMBER-001", "F-LOAN-001"]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    repo = load_repo(TREE, cache=False)
    template = bundled_template().read_text(encoding="utf-8")
    out = {}
    for spec in repo.specs:
        if spec.spec_id in PLANNED:
            text = (TREE / spec.path).read_text(encoding="utf-8")
            out[spec.spec_id] = render_plan(
                build_context(spec, repo, text), template, created="2026-01-01"
            ).text
    return out


@pytest.mark.parametrize("spec_id", PLANNED)
def test_plan_matches_its_golden_file(rendered: dict[str, str], spec_id: str) -> None:
    golden = GOLDEN / f"{spec_id}.plan.md"
    if os.environ.get("SPECMESH_UPDATE_GOLDEN"):
        golden.write_text(rendered[spec_id], encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}; run with SPECMESH_UPDATE_GOLDEN=1"
    assert rendered[spec_id] == golden.read_text(encoding="utf-8")
