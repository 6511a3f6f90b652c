"""Run the gates over a tree: serve the last result when nothing changed, else evaluate.

`run_gates(root)` is what `doit gates` calls. The rules themselves, the reader and the quick
re-run after a small edit live in `gates/evaluate.py`, imported only when something changed: a
run served from the cache loads neither the model nor the rule catalogue. Nothing is written
into the spec tree; the only file written is `.specify/.cache/gates.json`.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.gates.finding import Reported, Severity

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.discover import Listing


@dataclass(frozen=True, slots=True)
class Item:
    """A checked file: spec, plan, tasks, matrix, config, test (or other, for a stray finding)."""

    file: str
    kind: str
    spec_id: str | None = None


@dataclass(frozen=True, slots=True)
class GateResult:
    """Everything a report needs: the checked items and every finding (suppressed ones too)."""

    root: str
    version: str
    items: tuple[Item, ...]
    findings: tuple[Reported, ...]
    from_cache: bool = False


# ---------------------------------------------------------------------- a whole run

def run_key(settings: Settings, select: Iterable[str], ignore: Iterable[str]) -> str:
    """What, besides the files, decides the findings: code, configuration, options."""
    from specmesh_tasks.gates.cache import CACHE_VERSION, code_fingerprint

    parts = [str(CACHE_VERSION), code_fingerprint(), settings.digest, repr(settings),
             ",".join(select), ",".join(ignore)]
    return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def run_gates(root: Path, settings: Settings | None = None, *, select: Iterable[str] = (),
              ignore: Iterable[str] = (), use_cache: bool = True, spec_listing: Listing | None = None) -> GateResult:
    """Check the whole tree under `root`; served from the cache when nothing changed.
    `spec_listing`: this run's `discover.list_tree(root)`, when the caller already has it."""
    if settings is None:
        from specmesh_tasks.config import load_settings

        settings = load_settings(root)
    select, ignore = tuple(select), tuple(ignore)
    # A run builds ~10^5 small acyclic objects (the tree, the parse cache's copy of it), most of
    # them alive until the process ends: the collector is off meanwhile (each full collection
    # would only walk them all again), and they are frozen on the way out, so no later collection
    # walks them either, nor the one at exit (measured: ~0.3 s less per full run at 1000 specs).
    # Unfrozen first, so a long-lived process (watch mode) can still collect what an earlier run
    # left behind; frozen again on the way out, as the `specmesh` command does at start (cli.tune_gc).
    was_enabled = gc.isenabled()
    gc.disable()
    gc.unfreeze()
    try:
        return _run_gates(root, settings, select, ignore, use_cache, spec_listing)
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _run_gates(root: Path, settings: Settings, select: tuple[str, ...], ignore: tuple[str, ...],
               use_cache: bool, spec_listing: Listing | None) -> GateResult:
    from specmesh_tasks.gates.cache import CACHE_NAME, GatesCache, now_ns
    from specmesh_tasks.gates.inputs import manifest, scan_inputs
    from specmesh_tasks.state import cache_dir

    started = now_ns()
    cache = GatesCache.load(cache_dir(root) / CACHE_NAME if use_cache else None)
    inputs, listed = scan_inputs(root, settings, cache.listing_memo(), started, spec_listing)
    files = inputs.all_files()
    key = run_key(settings, select, ignore)
    stored = cache.run_entry(key, root, files) if use_cache else None
    if stored is not None:
        if listed:
            cache.dirty = True
            cache.save()
        return from_stored(root, stored)
    from specmesh_tasks.gates.evaluate import evaluate_tree, quick_rerun

    if use_cache:
        quick = quick_rerun(root, settings, inputs, key, select, ignore, cache, started)
        if quick is not None:
            cache.save()
            return quick
    stamps = manifest(root, files)
    result, ctx = evaluate_tree(root, settings, inputs, select, ignore, cache)
    watched = sorted(ctx.watched - set(files))
    stamps.update(manifest(root, watched))
    cache.store_run(key, stamps, watched, started, payload(result))
    cache.save()
    return result


def tool_version() -> str:
    import specmesh_tasks

    return str(specmesh_tasks.__version__)


def payload(result: GateResult) -> dict[str, Any]:
    return {
        "tool_version": result.version,
        "items": [[i.file, i.kind, i.spec_id] for i in result.items],
        "findings": [[f.code, f.name, f.severity.value, f.file, f.line, f.message, f.spec_id, f.suppressed]
                     for f in result.findings],
    }


def from_stored(root: Path, run: dict[str, Any]) -> GateResult:
    items = tuple(Item(*row) for row in run["items"])
    findings = tuple(Reported(r[0], r[1], Severity(r[2]), r[3], r[4], r[5], r[6], r[7])
                     for r in run["findings"])
    return GateResult(str(root), str(run.get("tool_version", "")), items, findings, from_cache=True)
