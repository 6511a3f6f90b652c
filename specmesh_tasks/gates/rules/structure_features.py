"""SM2xx about features as a whole: the domain's Feature Index, dependency cycles, staleness.

Feature Index rows may name features that have no spec yet (status `Backlog` or `Planned`, a
folder that does not exist yet): those are plans, not errors, and so are rows of features that
are gone (`Deprecated`, `Superseded`). A row with any other status says the feature is there: its
spec must exist, whatever the row's path says. Paths are checked only for features that have a
spec, except that a path leading outside the root is always refused (and never opened).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import INDEX_EXTRA_STATUSES, RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import (
    RepoIndex,
    header_location,
    repo_index,
    specs_of,
    usable_spec_id,
    written_spec_id,
)
from specmesh_tasks.gates.rules.structure import has_feature_index
from specmesh_tasks.model.ids import IdKind, kind_of
from specmesh_tasks.model.spec import FeatureIndexRow, Location, Repo, SpecDoc, SpecKind

STALE_DAYS = 7
_DAY = 86400


def _index_rows(repo: Repo) -> list[tuple[SpecDoc, FeatureIndexRow]]:
    rows = []
    for domain in specs_of(repo, SpecKind.DOMAIN):
        for row in domain.feature_index:
            if kind_of(row.feature_id) in (IdKind.FEATURE, IdKind.FIX):
                rows.append((domain, row))
    return rows


def _status_word(status: str) -> str:
    """A Feature Index status cell as one lower-case word (`**Backlog**` -> `backlog`)."""
    return status.strip().strip("*`_ ").strip().casefold()


def is_planned(status: str) -> bool:
    """A Feature Index status saying the feature has no spec yet (`Backlog`, `Planned`)."""
    return _status_word(status).startswith(("backlog", "planned"))


def is_active(status: str) -> bool:
    """A Feature Index status saying the feature's spec exists: anything but planned or gone."""
    return not is_planned(status) and not _status_word(status).startswith(("deprecated", "superseded"))


def planned_features(repo: Repo) -> dict[str, FeatureIndexRow]:
    """Feature ID -> its Feature Index row, for the features listed as planned (no spec yet)."""
    return {row.feature_id: row for _domain, row in _index_rows(repo) if is_planned(row.status)}


def _clean_path(raw: str) -> str:
    path = raw.strip().strip("`").strip()
    while path.startswith("./"):
        path = path[2:]
    return path


def _candidates(path: str, domain: SpecDoc) -> list[str] | None:
    """Root-relative readings of an index path (as written, then from the domain spec's folder);
    None when every reading leads outside the root."""
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return None
    found = []
    for joined in (path, posixpath.join(posixpath.dirname(domain.path), path)):
        norm = posixpath.normpath(joined)
        if norm != ".." and not norm.startswith("../"):
            found.append(norm)
    return found or None


@rule(
    code="SM229", name="feature-not-indexed", severity="error",
    summary="a feature spec is missing from the domain spec's Feature Index",
    rationale="The Feature Index is the domain's list of what it serves; a feature missing there is "
              "invisible to anyone reading the domain.",
    bad_example="features/sloan002-returns/spec.md: Spec ID: S-LOAN-002   (no S-LOAN-002 row in the "
                "Feature Index)",
    good_example="| S-LOAN-002 | Returns | .specify/specs/features/sloan002-returns/spec.md | Draft |",
    fix="Add a Feature Index row for the feature.",
)
def check_feature_indexed(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    domains = specs_of(repo, SpecKind.DOMAIN)
    if not any(has_feature_index(d) for d in domains):
        return  # no index at all: SM225/SM228 say so once
    listed = {row.feature_id for _domain, row in _index_rows(repo)}
    for spec in specs_of(repo, SpecKind.FEATURE):
        sid = usable_spec_id(spec)
        if sid and sid not in listed:
            yield finding("SM229", header_location(spec, "Spec ID"),
                          f"{sid} is not listed in the domain spec's Feature Index", sid)


@rule(
    code="SM230", name="feature-index-missing-path", severity="error",
    summary="a Feature Index row of an existing feature points to a path that does not exist",
    rationale="Readers and tools follow the path to the feature; a stale one (a renamed folder) "
              "leads nowhere. Directory paths (`features/sloan001-book-lending/`) are fine.",
    bad_example="| S-LOAN-001 | Lending | .specify/specs/features/old-name/spec.md | Draft |",
    good_example="| S-LOAN-001 | Lending | `.specify/specs/features/sloan001-book-lending/` | Draft |",
    fix="Correct the path (root-relative, or relative to the domain spec).",
)
def check_index_paths(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    index = repo_index(repo, ctx)
    for domain, row in _index_rows(repo):
        path = _clean_path(row.path)
        if row.feature_id not in index.specs_by_id:
            continue
        candidates = _candidates(path, domain) if path else None
        if not path:
            yield finding("SM230", row.location, f"Feature Index entry for {row.feature_id} has no path")
        elif candidates is not None and _existing(candidates, ctx) is None:
            yield finding("SM230", row.location,
                          f"Feature Index entry for {row.feature_id} points to missing path {path}")


def _existing(candidates: list[str], ctx: RuleContext) -> str | None:
    for candidate in candidates:
        if ctx.exists(candidate):
            return candidate
    return None


@rule(
    code="SM242", name="indexed-feature-without-spec", severity="error",
    summary="a Feature Index row with an active status names a feature that has no spec",
    rationale="An active status (Draft, Approved, Implemented, ...) says the feature exists; a row "
              "whose spec is missing points readers and tools at nothing, whatever its path says (a "
              "missing file, a folder without a spec, a path out of the project). A feature that has "
              "no spec yet is `Backlog` (or `Planned`); one that is gone is `Deprecated` or "
              "`Superseded`.",
    bad_example="| S-LOAN-003 | Fines | `.specify/specs/features/sloan003-fines/` | Draft |   "
                "(no spec has Spec ID S-LOAN-003)",
    good_example="| S-LOAN-003 | Fines | `.specify/specs/features/sloan003-fines/` | Backlog |",
    fix="Write the feature's spec (or correct its Spec ID), or set the row's status to Backlog.",
)
def check_indexed_features_have_specs(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    index = repo_index(repo, ctx)
    for _domain, row in _index_rows(repo):
        if row.feature_id not in index.specs_by_id and is_active(row.status):
            status = row.status.strip() or "no status"
            yield finding("SM242", row.location, f"Feature Index lists {row.feature_id} ({status}) "
                                                 f"but no spec has Spec ID {row.feature_id}")


@rule(
    code="SM231", name="feature-index-path-outside-root", severity="error",
    summary="a Feature Index path leads outside the project root",
    rationale="Paths in specs are refused when they leave the root: the target is not part of the "
              "project and may not exist on another machine.",
    bad_example="| S-LOAN-001 | Lending | /home/me/other-repo/spec.md | Draft |",
    good_example="| S-LOAN-001 | Lending | .specify/specs/features/sloan001-book-lending/spec.md | Draft |",
    fix="Use a path inside the project.",
)
def check_index_paths_inside(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    for domain, row in _index_rows(repo):
        path = _clean_path(row.path)
        if not path:
            continue
        candidates = _candidates(path, domain)
        if candidates is None or all(ctx.resolve(c) is None for c in candidates):
            yield finding("SM231", row.location,
                          f"Feature Index entry for {row.feature_id} points outside the root: {path}")


@rule(
    code="SM232", name="feature-index-path-mismatch", severity="warning",
    summary="a Feature Index path leads to a spec with a different Spec ID",
    rationale="The row and the spec it points to disagree about which feature this is. A Spec ID "
              "still the scaffold's `S-{AREA}-001` disagrees like any other.",
    bad_example="| S-LOAN-002 | Returns | .specify/specs/features/sloan001-book-lending/spec.md | Draft |",
    good_example="| S-LOAN-002 | Returns | .specify/specs/features/sloan002-returns/spec.md | Draft |",
    fix="Point the row to the right folder, or correct the ID.",
)
def check_index_path_targets(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    index = repo_index(repo, ctx)
    for domain, row in _index_rows(repo):
        path = _clean_path(row.path)
        candidates = _candidates(path, domain) if path else None
        target = _existing(candidates, ctx) if candidates else None
        spec = _spec_at(target, index) if target else None
        sid = written_spec_id(spec) if spec else None
        if spec and sid and sid != row.feature_id:
            yield finding("SM232", row.location,
                          f"Feature Index entry for {row.feature_id} points to {spec.path}, whose Spec ID is {sid}")


def _spec_at(target: str, index: RepoIndex) -> SpecDoc | None:
    return index.spec_of_file.get(target) or index.spec_of_file.get(posixpath.join(target, "spec.md"))


@rule(
    code="SM233", name="feature-index-bad-status", severity="warning",
    summary="a Feature Index row's status is not an allowed status (or `Backlog`)",
    rationale="The index status is what people scan to see where features stand.",
    bad_example="| S-LOAN-001 | Lending | .specify/specs/features/sloan001-book-lending/ | Done |",
    good_example="| S-LOAN-001 | Lending | .specify/specs/features/sloan001-book-lending/ | Implemented |",
    fix="Use one of `specs.statuses`, or `Backlog` for a feature without a spec yet.",
)
def check_index_statuses(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    allowed = {s.casefold() for s in (*ctx.statuses, *INDEX_EXTRA_STATUSES)}
    for _domain, row in _index_rows(repo):
        status = row.status.strip().strip("*`_ ").strip()
        if status and status.casefold() not in allowed:
            yield finding("SM233", row.location,
                          f'Feature Index status "{status}" for {row.feature_id} is not allowed')


# ---------------------------------------------------------------------- dependency cycles

Graph = dict[str, dict[str, Location]]


def dependency_graph(repo: Repo) -> Graph:
    """Feature ID -> {depended-on feature ID: the dependency row's Location}; Parallel rows are
    not dependencies (features developed side by side)."""
    known = {sid for s in repo.specs if (sid := usable_spec_id(s))}
    graph: Graph = {}
    for spec in specs_of(repo, SpecKind.FEATURE, SpecKind.FIX):
        sid = usable_spec_id(spec)
        if not sid:
            continue
        edges = graph.setdefault(sid, {})
        for dep in spec.dependencies:
            parallel = dep.usage.strip().casefold().startswith("parallel")
            if dep.kind not in (IdKind.FEATURE, IdKind.FIX) or parallel:
                continue
            if dep.id in known:
                edges.setdefault(dep.id, dep.location)
    return graph


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle per strongly connected component (or self-loop), each starting at its smallest ID."""
    cycles = []
    for component in _components(graph):
        members = set(component)
        start = min(members)
        if len(members) == 1 and start not in graph.get(start, {}):
            continue
        cycles.append(_cycle_from(start, graph, members))
    return sorted(cycles)


def _components(graph: Graph) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (chains of thousands of features)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    for root in sorted(graph):
        if root in order:
            continue
        work = [(root, iter(sorted(graph.get(root, {}))))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == order[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item == node:
                        break
                result.append(component)
    return result


def _cycle_from(start: str, graph: Graph, members: set[str]) -> list[str]:
    """A shortest path from `start` back to itself inside one component (breadth first)."""
    parents: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for nxt in sorted(graph.get(node, {})):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if nxt in members and nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return [start, start]


@rule(
    code="SM238", name="dependency-cycle", severity="error",
    summary="features depend on each other in a cycle (Feature Dependencies, Hard or Soft)",
    rationale="A cycle has no order in which the features can be built; one of the dependencies is "
              "wrong or the features should be one. Parallel rows are not dependencies.",
    bad_example="S-LOAN-001 §2.4: | S-MEMBER-001 | Hard | members borrow |\n"
                "S-MEMBER-001 §2.4: | S-LOAN-001 | Hard | shows loans |",
    good_example="S-LOAN-001 §2.4: | S-MEMBER-001 | Hard | members borrow |\n"
                 "S-MEMBER-001 §2.4: | S-LOAN-001 | Parallel | shows loans |",
    fix="Remove or retype (Parallel) one dependency of the cycle.",
)
def check_dependency_cycles(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    graph = dependency_graph(repo)
    for cycle in find_cycles(graph):
        yield finding("SM238", graph[cycle[0]][cycle[1]],
                      "circular dependency: " + " → ".join(cycle), cycle[0])


# ---------------------------------------------------------------------- staleness (git dates)

@rule(
    code="SM237", name="feature-older-than-domain", severity="info",
    summary="a feature spec was last committed more than 7 days before the latest domain spec change",
    rationale="When the domain moves on, features written against the old domain may need review. "
              "Dates come from git commits (file mtimes mean nothing after a checkout); outside a git "
              "repository the rule is skipped. Implemented, Deprecated and Superseded features are "
              "not checked.",
    bad_example="domain spec committed 2025-03-20; feature S-LOAN-001 (Approved) last committed "
                "2025-03-01",
    good_example="feature S-LOAN-001 reviewed and committed 2025-03-21",
    fix="Review the feature against the current domain spec and commit the result.",
)
def check_feature_staleness(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    domains = specs_of(repo, SpecKind.DOMAIN)
    settled = ("implemented", "deprecated", "superseded")
    features = [f for f in specs_of(repo, SpecKind.FEATURE)
                if not (f.status or "").strip().casefold().startswith(settled)]
    if not domains or not features:
        return
    from specmesh_tasks.gates import gitdates

    gdir = gitdates.git_dir(ctx.root)
    if gdir is None:
        return
    for path in gitdates.head_files(gdir):
        ctx.watch(path)
    dates = gitdates.last_commit_dates(ctx.root, [s.path for s in domains + features])
    domain_dates = [(dates[d.path], d.path) for d in domains if d.path in dates]
    if not domain_dates:
        return
    newest, domain_path = max(domain_dates)
    for spec in features:
        stamp = dates.get(spec.path)
        if stamp is not None and newest - stamp > STALE_DAYS * _DAY:
            days = (newest - stamp) // _DAY
            yield finding("SM237", header_location(spec, "Status"),
                          f"last committed {days} days before the latest change of {domain_path}; "
                          "review it against the domain spec", usable_spec_id(spec))
