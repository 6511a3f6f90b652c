"""The plan index after an overview edit: narrowed to the features an item change can reach, and
always the same digests as computing every feature's digest afresh."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from specmesh_tasks.discover import clear_cache
from specmesh_tasks.headers import scan_specs
from specmesh_tasks.render import plan_index
from specmesh_tasks.render.plan_index import write_digests

DOMAIN = ".specify/specs/overview/domain/spec.md"
FEATURES = 24


def domain_text(items: dict[str, tuple[str, str]]) -> str:
    blocks = "".join(f"### {item}: {title}\n\n**Purpose:** {purpose}\n\n" for item, (title, purpose) in items.items())
    return ("# Domain Spec: Shop\n\nSpec Type: Domain\nSpec ID: S-DOMAIN-001\nStatus: Approved\n\n---\n\n"
            "## 3. Master Data Definitions (M-*)\n\n" + blocks +
            "## 5. Business Rules\n\nNone yet.\n")


def feature_text(i: int) -> str:
    refs = [f"M-ITEM{i % 6}", f"M-ITEM{(5 * i) % 6}"]
    if i % 8 == 0:
        refs.append("API-PAY-*")  # a wildcard family
    if i % 8 == 1:
        refs.append("M-ORDER")  # resolved through a numeric instance suffix (`M-ORDER-2`) when unique
    rows = "".join(f"| {r} | x | used |\n" for r in refs)
    return (f"# Feature Spec: Feature {i}\n\nSpec Type: Feature\nSpec ID: S-FEAT-{i:03d}\nStatus: Approved\n"
            "Related Domain: S-DOMAIN-001\n\n---\n\n## 2. Domain Dependencies\n\n"
            "| Master ID | Name | Usage in this Feature |\n|---|---|---|\n" + rows)


BASE_ITEMS = {f"M-ITEM{k}": (f"Item {k}", f"Item number {k}.") for k in range(6)}
BASE_ITEMS |= {"M-ORDER-2": ("Order", "An order."), "API-PAY-CARD": ("Card", "Pay by card.")}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    past = time.time() - 60  # out of every racy window
    os.utime(path, (past, past))


def make_tree(root: Path, items: dict[str, tuple[str, str]]) -> None:
    write(root / DOMAIN, domain_text(items))
    for i in range(FEATURES):
        write(root / f".specify/specs/features/f{i:03d}/spec.md", feature_text(i))


def run_index(root: Path, cache: Path) -> dict[str, str]:
    """One index run, as in a new process; every digest file's text by feature."""
    clear_cache()
    entries = scan_specs(root)
    jobs = [(e.rel, str(cache / "deps" / f"{e.rel.split('/')[-2]}.json")) for e in entries
            if e.rel.startswith(".specify/specs/features/")]
    write_digests(root, entries, cache, jobs)
    return {rel: Path(target).read_text(encoding="utf-8") for rel, target in jobs}


EDITS = {
    "title": lambda items: items | {"M-ITEM2": ("Renamed item", "Item number 2.")},
    "purpose": lambda items: items | {"M-ITEM4": ("Item 4", "Now something else.")},
    "added suffix": lambda items: items | {"M-ORDER-3": ("Order", "Another order.")},
    "removed": lambda items: {k: v for k, v in items.items() if k != "M-ITEM5"},
    "family": lambda items: items | {"API-PAY-BANK": ("Bank", "Pay by transfer.")},
    "nothing shown": lambda items: dict(items),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_item_edit_recomputes_only_what_it_reaches_and_matches_a_full_run(
    tmp_path: Path, edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    make_tree(root, BASE_ITEMS)
    before = run_index(root, cache)
    items = EDITS[edit](BASE_ITEMS)
    text = domain_text(items) + ("\nA note nobody's plan shows.\n" if edit == "nothing shown" else "")
    write(root / DOMAIN, text)
    viewed: list[str] = []
    real_view = plan_index_overview_view()
    monkeypatch.setattr("specmesh_tasks.render.overview.overview_view",
                        lambda spec, repo: viewed.append(spec.path) or real_view(spec, repo))
    narrowed = run_index(root, cache)
    monkeypatch.undo()
    full = run_index(root, tmp_path / "fresh-cache")  # no state: every digest computed
    assert narrowed == full
    changed = {rel for rel in full if full[rel] != before[rel]}
    assert changed <= set(viewed) and len(viewed) < FEATURES  # never missed, and narrowed
    if edit == "nothing shown":
        assert viewed == [] and changed == set()
    else:
        assert changed


def plan_index_overview_view():  # type: ignore[no-untyped-def]
    from specmesh_tasks.render.overview import overview_view

    return overview_view


def test_a_changed_shape_or_feature_recomputes_everything_it_must(tmp_path: Path) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    make_tree(root, BASE_ITEMS)
    run_index(root, cache)
    write(root / DOMAIN, domain_text(BASE_ITEMS).replace("S-DOMAIN-001", "S-DOMAIN-002"))  # its ID
    assert run_index(root, cache) == run_index(root, tmp_path / "fresh-1")
    feature = root / ".specify/specs/features/f003/spec.md"
    write(feature, feature_text(3).replace("| M-ITEM3 |", "| M-ITEM1 |"))  # a feature's own refs
    write(root / DOMAIN, domain_text(BASE_ITEMS | {"M-ITEM1": ("One", "Changed.")}))
    assert run_index(root, cache) == run_index(root, tmp_path / "fresh-2")
    assert (cache / "plan" / "index-state.json").is_file() and plan_index.INDEX_STATE_VERSION


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    """`touch -r`, `cp -p`, `rsync -t`: the feature's projection is made again (issue 13)."""
    root, cache = tmp_path / "tree", tmp_path / "cache"
    make_tree(root, BASE_ITEMS)
    run_index(root, cache)
    feature = root / ".specify/specs/features/f003/spec.md"
    before = feature.stat()
    edited = feature_text(3).replace("| M-ITEM3 |", "| M-ITEM1 |", 1)
    assert len(edited) == len(feature_text(3))
    feature.write_text(edited, encoding="utf-8")
    os.utime(feature, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (feature.stat().st_size, feature.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    write(root / DOMAIN, domain_text(BASE_ITEMS | {"M-ITEM1": ("One", "Changed.")}))
    digests = run_index(root, cache)
    assert digests == run_index(root, tmp_path / "fresh")
    assert "M-ITEM1 (One)" in digests[".specify/specs/features/f003/spec.md"]


@pytest.mark.parametrize("damage", ["[1, 2]", "{\"version\": 3, \"rows\": [1]}", "\x00garbage", "{\"rows\": {}}"])
def test_damaged_index_caches_are_rebuilt(tmp_path: Path, damage: str) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    make_tree(root, BASE_ITEMS)
    run_index(root, cache)
    for name in ("projections.json", "digests.json", "index-state.json"):
        (cache / "plan" / name).write_text(damage, encoding="utf-8")
    write(root / DOMAIN, domain_text(BASE_ITEMS | {"M-ITEM2": ("Two", "Changed.")}))
    assert run_index(root, cache) == run_index(root, tmp_path / "fresh")


def test_a_digest_file_changed_behind_the_index_is_written_again(tmp_path: Path) -> None:
    root, cache = tmp_path / "tree", tmp_path / "cache"
    make_tree(root, BASE_ITEMS)
    first = run_index(root, cache)
    target = cache / "deps" / "f005.json"
    target.write_text("{}\n", encoding="utf-8")
    assert run_index(root, cache) == first
