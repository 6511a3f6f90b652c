"""The traceability matrix: every requirement with its tests, tasks, plan and one state.

Rows are the use cases, FRs, SCs and FR-RULEs of each feature and fix, then the domain rules
(BR/VR/CR) that some feature cites, under the domain spec. A requirement's tests are the tests
whose tags resolve to it the way `specmesh test` resolves them (an FR's tests are the tests
citing that FR: a test citing only its use case does not depend on the FR's text, so it is not
listed). Its state, most urgent first:

- `failing`: a citing test failed or errored in its last result;
- `suspect`: a citing test would be selected by `specmesh test` because the requirement's text
  (or its use case's) changed since that test file last passed (`affected.select.stale_citations`),
  and some citing test has a passing result;
- `not-run`: cited, but no citing test has a passing result (never run, or skipped);
- `covered`: cited, and the citing tests' last results passed;
- `untested`: no test cites it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from specmesh_tasks.affected.results import LastResult
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Definition, SpecDoc, SpecKind
from specmesh_tasks.trace.model import (
    FeatureTrace,
    PlanRef,
    Requirement,
    TaskRef,
    TestRef,
    TraceReport,
    TraceState,
)
from specmesh_tasks.trace.sources import CitingTest, Sources

FEATURE_REQUIREMENTS = (IdKind.USE_CASE, IdKind.FR, IdKind.SC, IdKind.FR_RULE)
_FAILED = frozenset({"failed", "error"})
_WORST = {"error": 3, "failed": 2, "skipped": 1, "passed": 0}


@dataclass(frozen=True, slots=True)
class _Links:
    """Everything that points at requirement keys, indexed once."""

    tests: Mapping[str, list[CitingTest]]
    suspect: frozenset[str]
    tasks: Mapping[str, list[TaskRef]]
    plans: Mapping[str, list[PlanRef]]


def build_trace(sources: Sources, results: Mapping[str, LastResult], *, features: Collection[str] = (),
                results_from: str = "recorded runs", version: str = "") -> TraceReport:
    """The matrix of the tree in `sources`, with each test's last result from `results`; only the
    features and fixes in `features` when given (their IDs)."""
    links = _Links(_tests_by_key(sources.citations), _suspect_keys(sources), _tasks_by_key(sources),
                   _plans_by_key(sources))
    by_file = _results_by_file(results)
    chosen = [s for s in sources.features() if not features or s.spec_id in features]
    groups = [_feature(sources, spec, links, by_file) for spec in chosen]
    domain = _domain_rules(sources, chosen, links, by_file)
    if domain is not None:
        groups.append(domain)
    return TraceReport(sources.repo.root, version, tuple(groups), results_from)


def _feature(sources: Sources, spec: SpecDoc, links: _Links, by_file: Mapping[str, list[tuple[str, LastResult]]],
             ) -> FeatureTrace:
    feature = spec.spec_id or ""
    rows = [_requirement(d, sources.key_of(d.id, feature), links, by_file)
            for d in sorted(spec.definitions, key=lambda d: d.location.line) if d.kind in FEATURE_REQUIREMENTS]
    tasks = sources.tasks.get(spec.path.rpartition("/")[0], [])
    return FeatureTrace(feature, spec.title, spec.status or "", spec.path, sum(1 for t in tasks if t.done),
                        len(tasks), tuple(rows))


def _domain_rules(sources: Sources, chosen: Iterable[SpecDoc], links: _Links,
                  by_file: Mapping[str, list[tuple[str, LastResult]]]) -> FeatureTrace | None:
    """The domain spec's BR/VR/CR rows that the chosen features cite, as one more group."""
    cited = {item for spec in chosen for item, (kind, _line, _how) in sources.cites(spec).items()
             if kind is IdKind.RULE}
    domains = [s for s in sources.repo.specs if s.kind is SpecKind.DOMAIN]
    rules = [d for s in domains for d in s.definitions if d.kind is IdKind.RULE and d.id in cited]
    if not rules:
        return None
    home = domains[0]
    rows = tuple(_requirement(d, d.id, links, by_file) for d in sorted(rules, key=lambda d: d.location.line))
    return FeatureTrace(home.spec_id or "", home.title, home.status or "", home.path, 0, 0, rows)


def _requirement(d: Definition, key: str, links: _Links,
                 by_file: Mapping[str, list[tuple[str, LastResult]]]) -> Requirement:
    tests = tuple(_test_ref(c, by_file) for c in links.tests.get(key, []))
    state, reason = decide_state(tests, key in links.suspect)
    plans = links.plans.get(key, [])
    home = d.location.file.rpartition("/")[0]
    plan = min(plans, key=lambda p: (p.file.rpartition("/")[0] != home, p.file, p.line)) if plans else None
    return Requirement(d.id, d.kind.value, d.title, d.location.file, d.location.line, state, reason, tests,
                       tuple(links.tasks.get(key, [])), plan)


def decide_state(tests: tuple[TestRef, ...], suspect: bool) -> tuple[TraceState, str]:
    """A requirement's state from its tests' last results and whether its text changed since."""
    if not tests:
        return TraceState.UNTESTED, "no test cites it"
    failed = [t for t in tests if t.result in _FAILED]
    if failed:
        name = failed[0].id.rpartition("::")[2] or failed[0].id
        return TraceState.FAILING, f"{name} {failed[0].result}" + _more(len(failed))
    passed = sum(1 for t in tests if t.result == "passed")
    # Suspect means changed since a citing test last passed: a citation only a never-run test
    # makes (a new test in a file that passed before) is not-run, as `specmesh test` selects
    # that file for its own change, not for a spec reason.
    if suspect and passed:
        return TraceState.SUSPECT, "its text changed since its tests last passed"
    if not passed:
        skipped = any(t.result == "skipped" for t in tests)
        return TraceState.NOT_RUN, "its tests were skipped" if skipped else "its tests have never run"
    return TraceState.COVERED, f"{passed} of {len(tests)} test{'s' if len(tests) != 1 else ''} passed"


def _more(count: int) -> str:
    return f" (and {count - 1} more)" if count > 1 else ""


def _test_ref(citing: CitingTest, by_file: Mapping[str, list[tuple[str, LastResult]]]) -> TestRef:
    """The citing test with its last result: the worst of its nodes (parameters, methods of a
    class, tests of a file) and the latest time."""
    node = citing.node
    mine = [r for n, r in by_file.get(citing.file, []) if n == node or n.startswith((node + "[", node + "::"))]
    if not mine:
        return TestRef(node, citing.file, citing.line, None, None)
    worst = max(mine, key=lambda r: _WORST.get(r.outcome, 0))
    return TestRef(node, citing.file, citing.line, worst.outcome, max(r.at for r in mine) or None)


def _results_by_file(results: Mapping[str, LastResult]) -> dict[str, list[tuple[str, LastResult]]]:
    found: dict[str, list[tuple[str, LastResult]]] = defaultdict(list)
    for node, result in results.items():
        found[node.partition("::")[0]].append((node, result))
    return found


def _tests_by_key(citations: Iterable[CitingTest]) -> dict[str, list[CitingTest]]:
    found: dict[str, list[CitingTest]] = defaultdict(list)
    for citing in sorted(citations, key=lambda c: (c.file, c.line, c.node)):
        if citing.node not in {c.node for c in found[citing.citation.key]}:
            found[citing.citation.key].append(citing)
    return found


def _suspect_keys(sources: Sources) -> frozenset[str]:
    """Requirement keys `specmesh test` would select tests for because their text changed."""
    from specmesh_tasks.affected.select import stale_citations

    if sources.state is None:
        return frozenset()
    by_file: dict[str, list[CitingTest]] = defaultdict(list)
    for citing in sources.citations:
        by_file[citing.file].append(citing)
    keys: set[str] = set()
    for path, cited in by_file.items():
        record = sources.state.files.get(path)
        if record is None or not record.fingerprint:  # never passed whole: no spec reason yet
            continue
        keys.update(c.key for c in stale_citations([c.citation for c in cited], record))
    return frozenset(keys)


def _tasks_by_key(sources: Sources) -> dict[str, list[TaskRef]]:
    found: dict[str, list[TaskRef]] = defaultdict(list)
    for key, task in sources.task_citations():
        found[key].append(TaskRef(task.id, task.done, task.file, task.line))
    return found


def _plans_by_key(sources: Sources) -> dict[str, list[PlanRef]]:
    found: dict[str, list[PlanRef]] = defaultdict(list)
    for key, plan in sources.plan_lines():
        found[key].append(plan)
    return found
