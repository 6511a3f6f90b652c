"""Evaluate the gates: every active rule over the tree, or, after a small edit, the one-file rules
over the changed specs only (the quick re-run); severity, suppression and duplicates resolved.

`evaluate(repo, ctx, active)` runs the rules over a `Repo` that is already built (tests build one
by hand); `evaluate_tree` and `quick_rerun` are the two ways `run.run_gates` gets a new result.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.gates import catalog, suppress
from specmesh_tasks.gates.catalog import Rule, Scope
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, Reported, Severity
from specmesh_tasks.gates.index import usable_spec_id
from specmesh_tasks.gates.run import GateResult, Item, from_stored, payload, run_key, tool_version
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Problem, Repo, SpecDoc, SpecKind

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.gates.cache import GatesCache
    from specmesh_tasks.gates.inputs import Inputs

READER_ERROR = "SM212"
# A spec the reader had to skip has no content worth checking further.
SKIPPED_PROBLEMS = frozenset({"SM207", "SM208", "SM209"})


# ---------------------------------------------------------------------- evaluation

def problem_finding(p: Problem, known: dict[str, Rule] | None = None) -> Finding:
    """A reader Problem as a Finding; a code outside the catalogue (`known`, by default the whole
    catalogue) becomes a reader error."""
    if known is None:
        known = catalog.by_code()
    if p.code in known:
        return Finding(p.code, p.location.file, p.location.line, p.message)
    return Finding(READER_ERROR, p.location.file, p.location.line, f"{p.message} [{p.code}]")


def check_spec(spec: SpecDoc, ctx: RuleContext, rules: Iterable[Rule],
               known: dict[str, Rule] | None = None) -> list[Finding]:
    """The reader's problems and every one-file rule's findings for one spec."""
    found = [problem_finding(p, known) for p in spec.problems]
    if any(p.code in SKIPPED_PROBLEMS for p in spec.problems):
        return found
    for rule_ in rules:
        assert rule_.check is not None
        found.extend(rule_.check(spec, ctx))
    return found


def _encode(f: Finding) -> list[Any]:
    return [f.code, f.file, f.line, f.message, f.spec_id, f.severity.value if f.severity else None]


def _decode(row: list[Any]) -> Finding:
    return Finding(row[0], row[1], row[2], row[3], row[4], Severity(row[5]) if row[5] else None)


def check_specs(repo: Repo, ctx: RuleContext, rules: list[Rule], cached: dict[str, list[Any]] | None,
                known: dict[str, Rule] | None = None) -> list[Finding]:
    """One-file rules over every spec, reusing cached results for unchanged digests (`known`:
    the catalogue the reader's problem codes are looked up in, by default the whole one)."""
    found: list[Finding] = []
    for spec in repo.specs:
        hit = cached.get(spec.path) if cached is not None and spec.digest else None
        if hit is not None and hit[0] == spec.digest:
            found.extend(_decode(row) for row in hit[1])
            continue
        results = check_spec(spec, ctx, rules, known)
        if cached is not None and spec.digest:
            cached[spec.path] = [spec.digest, [_encode(f) for f in results]]
        found.extend(results)
    return found


def check_repo(repo: Repo, ctx: RuleContext, rules: list[Rule]) -> list[Finding]:
    """Every whole-repo rule, plus the repo-level and matrix problems of the reader."""
    found = [problem_finding(p) for p in repo.problems]
    if repo.matrix is not None:
        found.extend(problem_finding(p) for p in repo.matrix.problems)
    for rule_ in rules:
        assert rule_.check is not None
        found.extend(rule_.check(repo, ctx))
    return found


def evaluate(repo: Repo, ctx: RuleContext, active: dict[str, Severity | None] | None = None,
             spec_cache: dict[str, list[Any]] | None = None) -> list[Reported]:
    """Run the active rules (all by default) and return the findings, sorted, suppression marked."""
    rules = catalog.by_code()
    if active is None:
        active = dict.fromkeys(rules)
    chosen = [rules[c] for c in sorted(active) if c in rules]
    raw = check_specs(repo, ctx, [r for r in chosen if r.scope is Scope.SPEC], spec_cache)
    raw += check_repo(repo, ctx, [r for r in chosen if r.scope is Scope.REPO])
    return resolve(raw, repo, ctx, active, rules)


def resolve(raw: Iterable[Finding], repo: Repo, ctx: RuleContext, active: dict[str, Severity | None],
            rules: dict[str, Rule]) -> list[Reported]:
    """Final severity (config > finding > rule), spec ID, suppression; duplicates dropped."""
    specs = {s.path: s for s in repo.specs}
    tables: dict[str, suppress.Table] = {}
    out: dict[tuple[str, int, str, str], Reported] = {}
    for f in raw:
        if f.code not in active:
            continue
        rule_ = rules[f.code]
        severity = active[f.code] or f.severity or rule_.severity
        spec_id = f.spec_id or _spec_id_of(f.file, specs)
        if f.file not in tables:
            tables[f.file] = _table(f.file, specs, ctx)
        hidden = suppress.is_suppressed(tables[f.file], f.line, f.code, rule_.name)
        key = (f.file, f.line, f.code, f.message)
        out.setdefault(key, Reported(f.code, rule_.name, severity, f.file, f.line, f.message, spec_id,
                                     hidden))
    return [out[k] for k in sorted(out)]


def _spec_id_of(file: str, specs: dict[str, SpecDoc]) -> str | None:
    spec = specs.get(file) or specs.get(posixpath.join(posixpath.dirname(file), "spec.md"))
    return usable_spec_id(spec) if spec is not None else None


def _table(file: str, specs: dict[str, SpecDoc], ctx: RuleContext) -> suppress.Table:
    if file in specs:
        return suppress.from_spec(specs[file])
    if file.endswith(".json"):
        return {}
    text = ctx.read_text(file)
    return suppress.from_text(text) if text else {}


def items_of(repo: Repo, inputs: Inputs | None, findings: Iterable[Reported]) -> tuple[Item, ...]:
    """Every checked file as an item (a finding in any other file adds that file too)."""
    specs = {s.path: s for s in repo.specs}
    items: dict[str, Item] = {s.path: Item(s.path, "spec", usable_spec_id(s)) for s in repo.specs}
    if inputs is not None:
        for kind, files in (("spec", inputs.specs), ("plan", inputs.plans), ("tasks", inputs.tasks),
                            ("test", inputs.tests)):
            for file in files:
                items.setdefault(file, Item(file, kind, _spec_id_of(file, specs) if kind != "test" else None))
        if inputs.config:
            items.setdefault(inputs.config, Item(inputs.config, "config"))
    else:
        for tag in repo.test_tags:
            items.setdefault(tag.location.file, Item(tag.location.file, "test"))
    if repo.matrix is not None:
        items.setdefault(repo.matrix.path, Item(repo.matrix.path, "matrix"))
    for f in findings:
        items.setdefault(f.file, Item(f.file, "other", f.spec_id))
    return tuple(items[k] for k in sorted(items))


def evaluate_tree(root: Path, settings: Settings, inputs: Inputs, select: tuple[str, ...],
                   ignore: tuple[str, ...], cache: GatesCache) -> tuple[GateResult, RuleContext]:
    from specmesh_tasks.load import gc_paused

    with gc_paused():  # already paused under `run_gates`; `evaluate` callers get it too
        return _evaluate_paused(root, settings, inputs, select, ignore, cache)


def _evaluate_paused(root: Path, settings: Settings, inputs: Inputs, select: tuple[str, ...],
                     ignore: tuple[str, ...], cache: GatesCache) -> tuple[GateResult, RuleContext]:
    from specmesh_tasks.gates.selection import active_rules
    from specmesh_tasks.load import load_repo

    active = active_rules(settings, select, ignore)
    # For the next quick re-run: the rule table and the active rules, valid for this run key only.
    cache.data["rules"] = {"key": run_key(settings, select, ignore), "table": catalog.table(),
                           "active": {code: level.value if level else None for code, level in active.items()}}
    repo = load_repo(root, settings, definitions=False)  # the rules use their own index (gates/index.py)
    ctx = RuleContext(root, settings, plan_files=inputs.plans, tasks_files=inputs.tasks)
    spec_cache = cache.spec_results(_spec_key(settings, active))
    findings = evaluate(repo, ctx, active, spec_cache)
    cache.prune_specs({s.path for s in repo.specs})
    cache.dirty = True
    version = tool_version()
    result = GateResult(str(root), version, items_of(repo, inputs, findings), tuple(findings))
    return result, ctx


def _spec_key(settings: Settings, active: dict[str, Severity | None]) -> str:
    """One-file results depend on the code, the settings and which rules run at which severity."""
    rules_text = json.dumps(sorted((c, str(v)) for c, v in active.items()))
    return hashlib.sha1((run_key(settings, (), ()) + rules_text).encode(), usedforsecurity=False).hexdigest()


# ---------------------------------------------------------------------- after a small edit

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


def quick_rerun(root: Path, settings: Settings, inputs: Inputs, key: str, select: tuple[str, ...],
                 ignore: tuple[str, ...], cache: GatesCache, started: int) -> GateResult | None:
    """The report after an edit to a few feature specs that leaves every cross-file fact as it was
    (reworded prose, a fixed typo, a changelog row: same IDs on the same lines, same headers):
    their one-file rules are re-run, every other finding is the last run's. None when the edit
    does not qualify (the caller then runs everything)."""
    from specmesh_tasks.gates.cache import RACY_NS
    from specmesh_tasks.gates.inputs import manifest

    run = cache.data.get("run")
    if not isinstance(run, dict) or run.get("key") != key or "findings" not in run:
        return None
    stored: dict[str, Any] = run.get("manifest", {})
    watched = set(run.get("watched", []))
    wanted = set(inputs.all_files()) | watched
    if set(stored) != wanted:
        return None  # a file appeared or went away
    current = manifest(root, wanted)
    racy = int(run.get("started_ns", 0)) - RACY_NS
    changed = sorted(f for f, st in current.items() if st != stored[f] or (st is not None and st[0] >= racy))
    specs = set(inputs.specs)
    if not changed or len(changed) > QUICK_MAX_FILES or any(f not in specs or f in watched for f in changed):
        return None
    active, rules = _rules_for(cache, key, settings, select, ignore)
    spec_cache = cache.spec_results(_spec_key(settings, active))
    reread = _reread(root, changed, spec_cache)
    if reread is None:
        return None
    fresh = [doc for doc, _view in reread]
    ctx = RuleContext(root, settings, plan_files=inputs.plans, tasks_files=inputs.tasks)
    part = Repo(root=Path(root).resolve().as_posix(), specs=tuple(fresh), matrix=None)
    chosen = [rules[c] for c in sorted(active) if c in rules and rules[c].scope is Scope.SPEC]
    raw = check_specs(part, ctx, chosen, spec_cache, rules)
    if ctx.watched or any(f.file not in changed for f in raw):
        return None  # a one-file rule looked beyond its file: let the full run record that
    for doc, view in reread:  # the view this run's cross-file findings rest on, for the next one
        spec_cache[doc.path] = [*spec_cache[doc.path][:2], view]
    previous = from_stored(root, run)
    findings = _merge(resolve(raw, part, ctx, active, rules), previous.findings, set(changed), rules)
    result = GateResult(str(root), tool_version(), previous.items, tuple(findings))
    cache.store_run(key, current, sorted(watched), started, payload(result))
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
        except (KeyError, TypeError, ValueError, ImportError):
            pass  # a damaged entry: the whole catalogue below
    from specmesh_tasks.gates.selection import active_rules

    return active_rules(settings, select, ignore), catalog.by_code()


def view_digest(spec: SpecDoc) -> str:
    """A digest of `cross_file_view(spec)`: what the quick re-run compares, kept in the gates cache
    beside the spec's one-file results once a quick re-run has seen it."""
    text = repr(cross_file_view(spec))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _reread(root: Path, changed: list[str],
            spec_cache: dict[str, list[Any]]) -> list[tuple[SpecDoc, str]] | None:
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
    unseen: dict[str, str] = {}  # file -> the new view's digest, for files without a stored one
    for rel in changed:
        hit = spec_cache.get(rel)
        doc, problems = load_one(root, rel, ParseCache(None))
        if hit is None or doc is None or problems or not doc.digest or doc.kind not in QUICK_KINDS:
            return None
        view = view_digest(doc)
        if len(hit) > 2:
            if hit[2] != view:
                return None
        else:
            unseen[rel] = view
        fresh.append((doc, view))
    if unseen:
        store = parse_cache_for(root, lazy=True)
        for rel, view in unseen.items():
            before = store.peek(rel)
            # The cached parse is the version the last run checked only if its digest is the one
            # recorded with that run's one-file results (another command may have re-parsed it since).
            if not isinstance(before, SpecDoc) or not before.digest or spec_cache[rel][0] != before.digest:
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
