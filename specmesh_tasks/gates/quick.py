"""The quick re-run: after an edit to a few feature specs that leaves every cross-file fact as it
was, re-run their one-file rules and keep every other finding of the last run.

What the cross-file rules read of a feature is its `cross_file_view`; the digest of that view is
kept in the gates cache beside the spec's one-file results, so the next run can tell whether an
edit changed it. Anything that does not qualify (a file added or removed, an overview spec, a
moved line, a watched file) returns None and the caller evaluates everything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.cache import GatesCache, RunKeys, SpecResults, holds, manifest
from specmesh_tasks.gates.catalog import Rule, Scope
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.evaluate import check_specs, resolve, spec_key
from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.gates.results import GateResult, result_from_rows, result_rows, tool_version
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.gates.inputs import Inputs

# Spec kinds whose edit the quick re-run may take: what the cross-file rules (and the plans they
# check) read of a feature is all in `cross_file_view`; overview specs feed far more.
QUICK_KINDS = frozenset({SpecKind.FEATURE, SpecKind.FIX, SpecKind.TEST_SCENARIO})
QUICK_MAX_FILES = 16
_WHOLE_FILE_KINDS = frozenset({IdKind.FEATURE, IdKind.FIX, IdKind.VISION, IdKind.DOMAIN, IdKind.SCREEN_SPEC,
                               IdKind.TEST_SCENARIO})


def cross_file_view(spec: SpecDoc) -> SpecDoc:
    """A feature spec without what only the one-file rules read (section and table contents,
    requirement rows, coverage, reader problems, placeholders, line count, whole-file digest).

    Two versions of a spec with the same view give the same cross-file findings: every cross-file
    rule reads a feature only through its path, kind, title, headers, definitions (with their
    digests), references, dependencies, use cases, markers and index rows, and anything else a
    rule reads from the file itself is recorded as watched (and watched files never take the
    quick path). Line numbers are part of the view, so an edit that moves lines does not qualify.
    """
    from dataclasses import replace

    # The spec's own definition (its `Spec ID:` line) carries the whole file's digest.
    definitions = tuple(replace(d, digest="") if d.kind in _WHOLE_FILE_KINDS else d for d in spec.definitions)
    return replace(spec, sections=(), tables=(), requirements=(), coverage=(), problems=(), line_count=0,
                   digest="", placeholders=(), unfilled=(), definitions=definitions)


def quick_rerun(root: Path, settings: Settings, inputs: Inputs, keys: RunKeys, select: tuple[str, ...],
                ignore: tuple[str, ...], cache: GatesCache, started: int) -> GateResult | None:
    """The report after an edit to a few feature specs that leaves every cross-file fact as it was
    (reworded prose, a fixed typo, a changelog row: same IDs on the same lines, same headers):
    their one-file rules are re-run, every other finding is the last run's. None when the edit
    does not qualify (the caller then runs everything)."""
    run = cache.stored_run(keys.run)
    previous = result_from_rows(str(root), run) if run is not None else None
    if run is None or previous is None:
        return None
    stored: dict[str, Any] = run["manifest"]
    watched = set(run["watched"])
    wanted = set(inputs.all_files()) | watched
    if stored.keys() != wanted:
        return None  # a file appeared or went away
    base = str(root)
    changed = sorted(f for f in wanted if not holds(stored[f], os.path.join(base, f)))
    specs = set(inputs.specs)
    if not changed or len(changed) > QUICK_MAX_FILES or any(f not in specs or f in watched for f in changed):
        return None
    active, rules = _rules_for(cache, keys.run, settings, select, ignore)
    spec_cache = cache.spec_results(spec_key(keys, active))
    reread = _reread(root, changed, spec_cache)
    if reread is None:
        return None
    fresh = [doc for doc, _view in reread]
    ctx = RuleContext(root, settings, plan_files=inputs.plans, tasks_files=inputs.tasks)
    part = Repo(root=Path(root).resolve().as_posix(), specs=tuple(fresh), matrix=None)
    chosen = [rules[c] for c in sorted(active) if c in rules and rules[c].scope is Scope.SPEC]
    raw = check_specs(part, ctx, chosen, spec_cache, rules)
    if ctx.watched - set(changed) or any(f.file not in changed for f in raw):
        return None  # a one-file rule looked beyond its file: let the full run record that
    for doc, view in reread:  # the view this run's cross-file findings rest on, for the next one
        entry = spec_cache.get(doc.path)
        if entry is not None:
            spec_cache.put(doc.path, entry._replace(view=view))
    findings = _merge(resolve(raw, part, ctx, active, rules), previous.findings, set(changed), rules)
    result = GateResult(str(root), tool_version(), previous.items, tuple(findings))
    cache.store_run(keys.run, manifest(root, wanted, started), sorted(watched), result_rows(result))
    return result


def _rules_for(cache: GatesCache, key: str, settings: Settings, select: tuple[str, ...],
               ignore: tuple[str, ...]) -> tuple[dict[str, Severity | None], dict[str, Rule]]:
    """The active rules and the catalogue: from the table the last full run kept under this run
    key (importing only the one-file rules' modules), else from the whole catalogue."""
    kept = cache.data.get("rules")
    if isinstance(kept, dict) and kept.get("key") == key:
        try:
            rules = catalog.from_table(kept["table"])
            active = {code: Severity(level) if level else None for code, level in kept["active"].items()}
            return active, rules
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            pass  # a damaged entry: the whole catalogue below
    from specmesh_tasks.gates.selection import active_rules

    return active_rules(settings, select, ignore), catalog.by_code()


def view_digest(spec: SpecDoc) -> str:
    """A digest of `cross_file_view(spec)`: what the quick re-run compares, kept in the gates cache
    beside the spec's one-file results once a quick re-run has seen it."""
    text = repr(cross_file_view(spec))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _reread(root: Path, changed: list[str], spec_cache: SpecResults) -> list[tuple[SpecDoc, str]] | None:
    """The changed specs re-read, with their view digests, when each one's cross-file view is the
    one the last run saw.

    The view the last run saw is the digest kept with the file's one-file results (an earlier
    quick re-run stored it), else that of the parse the parse cache holds for the digest the
    results were recorded for (after a full run). The new text is parsed on its own: the parse
    cache is neither needed nor written (its entry for the file is stale and re-parsed when a
    full run comes)."""
    from specmesh_tasks.load import load_one, parse_cache_for
    from specmesh_tasks.parse.cache import ParseCache

    fresh: list[tuple[SpecDoc, str]] = []
    unseen: dict[str, tuple[str, str]] = {}  # file -> (checked digest, new view) without a stored view
    for rel in changed:
        hit = spec_cache.get(rel)
        doc, problems = load_one(root, rel, ParseCache(None))
        if hit is None or doc is None or problems or not doc.digest or doc.kind not in QUICK_KINDS:
            return None
        view = view_digest(doc)
        if hit.view is None:
            unseen[rel] = (hit.digest, view)
        elif hit.view != view:
            return None
        fresh.append((doc, view))
    if unseen:
        store = parse_cache_for(root, lazy=True)
        for rel, (checked, view) in unseen.items():
            before = store.peek(rel)
            # The cached parse is the version the last run checked only if its digest is the one
            # recorded with that run's one-file results (another command may have re-parsed it since).
            if not isinstance(before, SpecDoc) or not before.digest or checked != before.digest:
                return None
            if before.kind not in QUICK_KINDS or view_digest(before) != view:
                return None
    return fresh


def _merge(new: list[Reported], previous: Iterable[Reported], changed: set[str],
           rules: dict[str, Rule]) -> list[Reported]:
    """The last run's findings with the changed files' one-file findings replaced by `new`."""
    out: dict[tuple[str, int, str, str], Reported] = {}
    for f in new:
        out.setdefault((f.file, f.line, f.code, f.message), f)
    for f in previous:
        if f.file in changed and (f.code not in rules or rules[f.code].scope is not Scope.REPO):
            continue  # a one-file finding (or a reader problem) of a changed spec: replaced
        out.setdefault((f.file, f.line, f.code, f.message), f)
    return [out[k] for k in sorted(out)]
