"""Plans from the spec trees under tests/resources, for the renderer's tests: a tree copied to
work in, one plan brought up to date in-process, every plan of a tree rendered, golden files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from specmesh_tasks.load import load_repo
from specmesh_tasks.render.blocks import render_plan
from specmesh_tasks.render.context import build_context
from specmesh_tasks.render.templates import bundled_template
from specmesh_tasks.render.update import Inputs, Options, PlanOutcome, update_plan

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
PLAN_TREE = RESOURCES / "plan_tree"
LOAN = ".specify/specs/features/sloan001-lending/spec.md"


def copy_tree(tmp_path: Path, tree: Path = PLAN_TREE) -> Path:
    """A copy of `tree` to work in (tests never change the resources)."""
    target = tmp_path / "repo"
    shutil.copytree(tree, target)
    return target


def update(root: Path, rel: str = LOAN, **options: bool) -> PlanOutcome:
    """`specmesh plan` for one spec of `root`, in-process, with the bundled template."""
    repo = load_repo(root, cache=False, test_tags=False)
    spec = next(s for s in repo.specs if s.path == rel)
    text = (root / rel).read_text(encoding="utf-8")
    return update_plan(spec, repo, text, Inputs(root, bundled_template()), Options(**options))


def render_tree(tree: Path, spec_ids: list[str], created: str) -> dict[str, str]:
    """The fresh plan of each of `spec_ids` in `tree`, by Spec ID."""
    repo = load_repo(tree, cache=False, test_tags=False)
    template = bundled_template().read_text(encoding="utf-8")
    out = {}
    for spec in repo.specs:
        if spec.spec_id in spec_ids:
            text = (tree / spec.path).read_text(encoding="utf-8")
            out[spec.spec_id] = render_plan(build_context(spec, repo, text), template, created=created).text
    return out


def check_golden(golden: Path, text: str) -> None:
    """`text` is the golden file's (rewritten instead with SPECMESH_UPDATE_GOLDEN=1)."""
    if os.environ.get("SPECMESH_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}; run with SPECMESH_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")
