"""Evaluate the gates: every active rule over the tree; severity, suppression and duplicates resolved.

`evaluate(repo, ctx, active)` runs the rules over a `Repo` that is already built (tests build one
by hand); `evaluate_tree` loads the tree and evaluates it for `run.run_gates`. The pieces
(`check_specs`, `resolve`) also serve the quick re-run after a small edit (`quick.py`).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.gates import catalog, suppress
from specmesh_tasks.gates.cache import GatesCache, RunKeys, SpecEntry, SpecResults
from specmesh_tasks.gates.catalog import Rule, Scope
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, Reported, Severity
from specmesh_tasks.gates.index import usable_spec_id
from specmesh_tasks.gates.results import GateResult, Item, tool_version
from specmesh_tasks.model.spec import Problem, Repo, SpecDoc

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
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


def check_specs(repo: Repo, ctx: RuleContext, rules: list[Rule], cached: SpecResults | None,
                known: dict[str, Rule] | None = None) -> list[Finding]:
    """One-file rules over every spec, reusing cached results for unchanged digests (`known`:
    the catalogue the reader's problem codes are looked up in, by default the whole one)."""
    found: list[Finding] = []
    for spec in repo.specs:
        hit = cached.get(spec.path) if cached is not None and spec.digest else None
        if hit is not None and hit.digest == spec.digest:
            found.extend(hit.findings)
            continue
        results = check_spec(spec, ctx, rules, known)
        if cached is not None and spec.digest:
            cached.put(spec.path, SpecEntry(spec.digest, tuple(results)))
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
             spec_cache: SpecResults | None = None) -> list[Reported]:
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


def evaluate_tree(root: Path, settings: Settings, inputs: Inputs, keys: RunKeys, select: tuple[str, ...],
                  ignore: tuple[str, ...], cache: GatesCache) -> tuple[GateResult, RuleContext]:
    """Load the tree and run every active rule over it; the per-spec results, the kept results
    and the rule table in `cache` are used and updated (the caller saves it)."""
    return _evaluate_tree(root, settings, inputs, keys, select, ignore, cache)


def _evaluate_tree(root: Path, settings: Settings, inputs: Inputs, keys: RunKeys, select: tuple[str, ...],
                     ignore: tuple[str, ...], cache: GatesCache) -> tuple[GateResult, RuleContext]:
    from specmesh_tasks.gates.selection import active_rules
    from specmesh_tasks.load import load_repo

    active = active_rules(settings, select, ignore)
    # For the next quick re-run: the rule table and the active rules, valid for this run key only.
    cache.data["rules"] = {"key": keys.run, "table": catalog.table(),
                           "active": {code: level.value if level else None for code, level in active.items()}}
    repo = load_repo(root, settings, definitions=False)  # the rules use their own index (gates/index.py)
    ctx = RuleContext(root, settings, plan_files=inputs.plans, tasks_files=inputs.tasks,
                      kept=cache.kept_results(keys.code))
    spec_cache = cache.spec_results(spec_key(keys, active))
    findings = evaluate(repo, ctx, active, spec_cache)
    spec_cache.prune({s.path for s in repo.specs})
    cache.dirty = True
    version = tool_version()
    result = GateResult(str(root), version, items_of(repo, inputs, findings), tuple(findings))
    return result, ctx


def spec_key(keys: RunKeys, active: dict[str, Severity | None]) -> str:
    """One-file results depend on the code, the settings and which rules run at which severity."""
    rules_text = json.dumps(sorted((c, str(v)) for c, v in active.items()))
    return hashlib.sha1((keys.code + rules_text).encode(), usedforsecurity=False).hexdigest()
