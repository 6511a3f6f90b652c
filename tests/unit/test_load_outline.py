"""The outline of the tree a plan reads (`load.load_outline`) gives the same plan and digests as
the whole tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from specmesh_tasks.headers import scan_specs
from specmesh_tasks.load import load_one, load_outline, load_repo, parse_cache_for
from specmesh_tasks.model.spec import SpecKind
from specmesh_tasks.render.context import build_context
from specmesh_tasks.render.overview import overview_view
from specmesh_tasks.render.plan_index import digest_repo, project, unproject

TESTS = Path(__file__).resolve().parents[1]
TREES = [TESTS / "resources" / "plan_tree", TESTS.parent / "examples" / "library"]


@pytest.mark.parametrize("tree", TREES, ids=lambda p: p.name)
def test_the_outline_and_the_whole_tree_give_the_same_context(tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree, root, ignore=shutil.ignore_patterns(".cache"))
    full = load_repo(root, cache=False, test_tags=False)
    entries = scan_specs(root)
    planned = [s for s in full.specs if s.kind in (SpecKind.FEATURE, SpecKind.FIX)]
    assert planned
    store = parse_cache_for(root, lazy=True)
    light = load_outline(root, entries, store)
    for spec in planned:
        own, problems = load_one(root, spec.path, store)
        assert own == spec and not problems
        text = (root / spec.path).read_text(encoding="utf-8")
        assert build_context(spec, light, text) == build_context(spec, full, text), spec.path
        assert overview_view(spec, light) == overview_view(spec, full)


@pytest.mark.parametrize("tree", TREES, ids=lambda p: p.name)
def test_projected_specs_give_the_same_digests(tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(tree, root, ignore=shutil.ignore_patterns(".cache"))
    full = load_repo(root, cache=False, test_tags=False)
    cache = tmp_path / "cache"
    for _ in range(2):  # first run parses and stores the projections, the second reads them back
        projected = digest_repo(root, scan_specs(root), cache)
        by_path = {s.path: s for s in projected.specs}
        for spec in full.specs:
            if spec.kind in (SpecKind.FEATURE, SpecKind.FIX):
                assert overview_view(by_path[spec.path], projected) == overview_view(spec, full), spec.path
                assert overview_view(unproject(spec.path, project(spec)), full) == overview_view(spec, full)
    assert (cache / "plan" / "projections.json").is_file()
