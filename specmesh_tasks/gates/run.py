"""Run the gates over a tree: serve the last result when nothing changed, else evaluate.

`run_gates(root)` is what `doit gates` calls. It reads like the run itself: load the cache, list
the inputs, serve the stored result when none of them changed; else try the quick re-run after a
small edit (`quick.py`), else evaluate every rule (`evaluate.py`) and store the result. The
evaluation modules are imported only when something changed: a run served from the cache loads
neither the model nor the rule catalogue. Nothing is written into the spec tree; the only file
written is `.specify/.cache/gates.json`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.gates.results import GateResult, result_from_rows

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.discover import Listing


def run_gates(root: Path, settings: Settings | None = None, *, select: Iterable[str] = (),
              ignore: Iterable[str] = (), use_cache: bool = True, spec_listing: Listing | None = None) -> GateResult:
    """Check the whole tree under `root`; served from the cache when nothing changed.
    `spec_listing`: this run's `discover.list_tree(root)`, when the caller already has it."""
    if settings is None:
        from specmesh_tasks.config import load_settings

        settings = load_settings(root)
    select, ignore = tuple(select), tuple(ignore)
    from specmesh_tasks.gctune import collector_paused

    with collector_paused():  # measured: see gctune
        return _run_gates(root, settings, select, ignore, use_cache, spec_listing)


def _run_gates(root: Path, settings: Settings, select: tuple[str, ...], ignore: tuple[str, ...],
               use_cache: bool, spec_listing: Listing | None) -> GateResult:
    from specmesh_tasks.gates.cache import CACHE_NAME, GatesCache, manifest, now_ns, run_keys
    from specmesh_tasks.gates.inputs import scan_inputs
    from specmesh_tasks.state import cache_dir

    started = now_ns()
    cache = GatesCache.load(cache_dir(root) / CACHE_NAME if use_cache else None)
    inputs, listed = scan_inputs(root, settings, cache.listing_memo(), started, spec_listing)
    files = inputs.all_files()
    keys = run_keys(settings, select, ignore)
    stored = cache.run_entry(keys.run, root, files) if use_cache else None
    kept = result_from_rows(str(root), stored) if stored is not None else None
    if kept is not None:
        if listed:
            cache.dirty = True
            cache.save()
        return kept
    if use_cache:
        from specmesh_tasks.gates.quick import quick_rerun

        quick = quick_rerun(root, settings, inputs, keys, select, ignore, cache, started)
        if quick is not None:
            cache.save()
            return quick
    from specmesh_tasks.gates.evaluate import evaluate_tree
    from specmesh_tasks.gates.results import result_rows

    rows = manifest(root, files, started)  # before the rules read the files: an edit meanwhile shows
    result, ctx = evaluate_tree(root, settings, inputs, keys, select, ignore, cache)
    watched = sorted(ctx.watched - set(files))
    rows.update(manifest(root, watched, started))
    cache.store_run(keys.run, rows, watched, result_rows(result))
    cache.save()
    return result
