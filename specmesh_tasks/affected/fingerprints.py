"""Fingerprints of what each test depends on: code (files and definitions) and requirements.

A test file's *code fingerprint* digests: the file itself and every `conftest.py` from the root
down to its directory (whole: any edit reruns them), and every definition of the project's
sources those can reach through imports and references (`symbols`: editing a function reruns
the tests that can reach that function; module-level code, decorated functions and classes
count for every user of their module). With `tests.granularity: file` every reachable source
file counts whole instead.

A *requirement fingerprint* belongs to one cited ID: the digest of its defining block or row
(`Definition.digest`, which changes exactly when the requirement's text changes), plus, for an FR
or SC, the digests of the use cases it belongs to — so editing a use case reruns the tests citing
it or any of its FRs, and editing FR-A reruns FR-A's tests only. A feature ID (`@spec S-X-001`) is
scope, not a dependency: it qualifies area-less IDs but editing an uncited section of the feature
reruns nothing. Unknown IDs fingerprint as "" (so defining one later reruns its tests).

Area-less IDs (`UC-001`) are keyed `S-X-001/UC-001` by the feature that defines them. A test may
write them qualified, or next to a feature tag; otherwise every definition of that ID counts (a
superset: the gates report the reference as ambiguous).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.affected.facts import FactsCache, FileFacts
from specmesh_tasks.affected.imports import Resolver
from specmesh_tasks.affected.symbols import ALL, WHOLE, Node, SymbolGraph
from specmesh_tasks.model.ids import IdKind, kind_of, strip_instance_suffix
from specmesh_tasks.model.spec import Definition, TestTag
from specmesh_tasks.state import read_json_object

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.model.spec import Repo

INDEX_SCHEMA = 1
REQUIREMENT_KINDS = frozenset(
    {IdKind.USE_CASE, IdKind.FR, IdKind.FR_RULE, IdKind.SC, IdKind.MASTER, IdKind.API, IdKind.RULE}
)
SCOPE_KINDS = frozenset({IdKind.FEATURE, IdKind.FIX})
_AREA_LESS = re.compile(r"^(?:UC|FR|SC|FR-RULE)-\d{3}$")


def is_area_less(spec_id: str) -> bool:
    """`UC-001`, `FR-001`, `SC-001`, `FR-RULE-001`: local to the feature that defines them."""
    return bool(_AREA_LESS.match(spec_id))


@dataclass(frozen=True, slots=True)
class Citation:
    """One requirement a test depends on, resolved from a tag."""

    test: str | None  # None = every test of the file
    cited: str  # as written in the test
    key: str  # `FR-LOAN-003`, `S-LEAD-001/UC-001`
    fingerprint: str
    ids: tuple[str, ...]  # the keys whose text it depends on (itself and its use cases)


@dataclass(frozen=True, slots=True)
class TestFile:
    """A test file with everything selection needs to know about it."""

    __test__ = False  # not a pytest class

    path: str
    fingerprint: str
    deps: Mapping[str, str]  # dependency path -> content digest (the file itself included)
    citations: tuple[Citation, ...] = ()
    tests: tuple[str, ...] | None = None  # defined test names, None when unknown
    errors: tuple[str, ...] = ()  # "src/a.py:3: invalid syntax" in the file or a dependency
    closure: tuple[str, ...] = ()  # files it can import (itself and its conftests included), when asked
    inputs: Mapping[str, str] = field(default_factory=dict)  # configuration, data files -> digest
    static: str = ""  # fingerprint of what the recording cannot see (`recorded.static_deps`)


@dataclass
class RequirementIndex:
    """Requirement keys -> fingerprints, built once per run from the spec model."""

    own: dict[str, str] = field(default_factory=dict)  # key -> Definition.digest
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> use case keys
    by_id: dict[str, list[str]] = field(default_factory=dict)  # plain ID -> keys
    features: dict[str, str] = field(default_factory=dict)  # spec file path -> feature ID

    def fingerprint(self, key: str) -> str:
        if key not in self.own:
            return ""
        parts = [self.own[key], *(self.own.get(p, "") for p in self.parents.get(key, ()))]
        return ":".join(parts)

    def depends_on(self, key: str) -> tuple[str, ...]:
        return (key, *self.parents.get(key, ()))

    def resolve(self, cited: str, scope: Iterable[str] = ()) -> list[str]:
        """Requirement keys a citation stands for; [] for a feature ID (scope, not dependency)."""
        if "/" in cited:
            return [cited]
        if cited.endswith("*"):
            prefix = cited[:-1]
            return sorted(k for i, keys in self.by_id.items() if i.startswith(prefix) for k in keys)
        if kind_of(cited) in SCOPE_KINDS:
            return []
        keys = self.by_id.get(cited) or self._alias(cited)
        if not keys:
            return [cited]
        if len(keys) > 1:
            scoped = [f"{feature}/{cited}" for feature in scope if f"{feature}/{cited}" in keys]
            return scoped or list(keys)
        return list(keys)


    def _alias(self, cited: str) -> list[str]:
        """`M-USER` finds `M-USER-001` when that is the only such master or API."""
        found = [i for i in self.by_id if i != cited and strip_instance_suffix(i) == cited
                 and kind_of(i) in (IdKind.MASTER, IdKind.API)]
        return self.by_id[found[0]] if len(found) == 1 else []


def requirement_index(repo: Repo | None) -> RequirementIndex:
    """Index every requirement definition of the tree (empty without a tree)."""
    index = RequirementIndex()
    if repo is None:
        return index
    index.features = {doc.path: doc.spec_id or "" for doc in repo.specs}
    related = _related_use_cases(repo)
    for doc in sorted(repo.specs, key=lambda d: d.path):
        for definition in doc.definitions:
            if definition.kind not in REQUIREMENT_KINDS:
                continue
            spec_id = definition.id
            key = _key(definition, index.features)
            index.own.setdefault(key, definition.digest)
            index.by_id.setdefault(spec_id, [])
            if key not in index.by_id[spec_id]:
                index.by_id[spec_id].append(key)
            uses = related.get((definition.location.file, spec_id)) or (
                (definition.parent,) if definition.parent else ()
            )
            index.parents[key] = tuple(_parent_key(u, definition, index.features) for u in uses
                                       if kind_of(u) is IdKind.USE_CASE and u != spec_id)
    return index


def cached_requirement_index(root: Path, settings: Settings | None, cache_file: Path | None,
                             facts: FactsCache) -> RequirementIndex:
    """The index of the current tree, read from `cache_file` when no spec file changed (by their
    digests, which `facts` keeps by stat); else built with the reader."""
    from specmesh_tasks.discover import iter_spec_files

    stamp: list[object] = []
    for path in iter_spec_files(root):
        rel = path.relative_to(root).as_posix()
        found = facts.facts(rel)
        stamp.append([rel, found.digest if found else ""])
    stamp.append(settings.digest if settings is not None else "")
    saved = read_json_object(cache_file) or {}
    if saved.get("schema") == INDEX_SCHEMA and saved.get("stamp") == stamp:
        cached = _index_from_json(saved)
        if cached is not None:
            return cached
    try:
        from specmesh_tasks.load import load_repo
    except ImportError:  # no reader: selection by files still works
        return RequirementIndex()
    # Our own cache already has the tags: the reader skips the test files.
    index = requirement_index(load_repo(root, settings, test_tags=False))
    if cache_file is not None:
        from specmesh_tasks.fsutil import write_if_changed

        payload = {"schema": INDEX_SCHEMA, "stamp": stamp, "own": index.own,
                   "parents": index.parents, "by_id": index.by_id, "features": index.features}
        write_if_changed(cache_file, json.dumps(payload, sort_keys=True))
    return index


def _index_from_json(saved: dict[str, Any]) -> RequirementIndex | None:
    """The cached index; None when the cache file is damaged (it is then built again)."""
    try:
        return RequirementIndex(
            {str(k): str(v) for k, v in saved["own"].items()},
            {str(k): tuple(map(str, v)) for k, v in saved["parents"].items()},
            {str(k): list(map(str, v)) for k, v in saved["by_id"].items()},
            {str(k): str(v) for k, v in saved["features"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None



def _key(definition: Definition, features: Mapping[str, str]) -> str:
    if is_area_less(definition.id):
        return f"{features.get(definition.location.file, '')}/{definition.id}"
    return definition.id


def _parent_key(use_case: str, child: Definition, features: Mapping[str, str]) -> str:
    if is_area_less(use_case):
        return f"{features.get(child.location.file, '')}/{use_case}"
    return use_case


def _related_use_cases(repo: Repo) -> dict[tuple[str, str], tuple[str, ...]]:
    """(spec file, FR/SC ID) -> its Related UC cells (an FR may serve several use cases)."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for doc in repo.specs:
        for row in doc.requirements:
            if row.related_use_cases:
                found[(doc.path, row.id)] = tuple(row.related_use_cases)
    return found


def member_ids(repo: Repo, spec_id: str) -> set[str]:
    """IDs that belong to `spec_id`: a use case's FRs/SCs; every ID a feature defines."""
    members: set[str] = set()
    for doc in repo.specs:
        if doc.spec_id == spec_id:
            members |= {d.id for d in doc.definitions} | {f"{spec_id}/{d.id}" for d in doc.definitions}
    for doc in repo.specs:
        for row in doc.requirements:
            if spec_id in row.related_use_cases:
                members.add(row.id)
        for definition in doc.definitions:
            if definition.parent == spec_id:
                members.add(definition.id)
    return members


def file_fingerprint(deps: Mapping[str, str]) -> str:
    """One digest over (path, digest) pairs."""
    text = "\n".join(f"{path}\0{digest}" for path, digest in sorted(deps.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def conftests_above(rel: str, facts: FactsCache) -> list[str]:
    """`conftest.py` in the root and in every directory down to the test file's own."""
    parts = rel.split("/")[:-1]
    found = []
    for depth in range(len(parts) + 1):
        candidate = "/".join([*parts[:depth], "conftest.py"])
        if candidate != rel and facts.facts(candidate) is not None:
            found.append(candidate)
    return found


def collect_test_files(
    test_paths: Sequence[str],
    facts: FactsCache,
    resolver: Resolver | None,
    requirements: RequirementIndex,
    needs_deps: Callable[[str, str], bool] | None = None,
    *,
    file_level: bool = False,
    graph: SymbolGraph | None = None,
    inputs_of: Callable[[str], Mapping[str, str]] | None = None,
    with_closure: bool = False,
) -> list[TestFile]:
    """A TestFile for each test path (a missing file is skipped).

    With a resolver (pytest), the fingerprint covers every definition the file and its
    conftests can reach (`symbols`); `deps` (node -> digest, for --explain, --since and the
    record) is listed only where `needs_deps(path, fingerprint)` says so, as it costs a walk.
    Without one (a non-Python runner) the file itself is the only file dependency. The
    non-code inputs of each file (`inputs_of`) count like the file itself; `with_closure` lists
    the files each test file can import (for the recorded granularity).
    """
    if graph is None and resolver is not None:
        graph = SymbolGraph(facts, resolver, file_level=file_level)
    result = []
    for rel in sorted(test_paths):
        own = facts.facts(rel, test=True)
        if own is None:
            continue
        inputs = dict(inputs_of(rel)) if inputs_of is not None else {}
        closure: tuple[str, ...] = ()
        if graph is None:
            deps: dict[str, str] = {rel: own.digest, **inputs}
            fingerprint = file_fingerprint(deps)
        else:
            # The test file and its conftests count whole (any edit reruns them, as the contract
            # says); the sources they reach count by definition.
            wholes = {p: f.digest for p in [rel, *conftests_above(rel, facts)] if (f := facts.facts(p))}
            starts = [(p, ALL) for p in wholes]
            deep = {f"{p}::*": graph.deep_digest((p, ALL)) for p in wholes}
            fingerprint = file_fingerprint({**wholes, **deep, **inputs})
            wanted = needs_deps is None or needs_deps(rel, fingerprint)
            deps = {**node_digests(graph, starts), **wholes, **inputs} if wanted else {}
            if with_closure:
                closure = tuple(sorted({p for p, _ in graph.reachable(starts)}))
        result.append(TestFile(rel, fingerprint, deps, citations_of(own, requirements), own.tests,
                               _errors(deps, facts), closure, inputs))
    return result


def node_key(node: Node) -> str:
    """`pkg/a.py::helper`, `pkg/a.py::<module>`, or the path alone for a whole file."""
    path, name = node
    return path if name == WHOLE else f"{path}::{name}"


def node_digests(graph: SymbolGraph, starts: Iterable[Node]) -> dict[str, str]:
    """Every node reachable from `starts` with its own digest."""
    return {node_key(n): graph.own_digest(n) for n in sorted(graph.reachable(starts)) if n[1] != ALL}


def _errors(deps: Mapping[str, str], facts: FactsCache) -> tuple[str, ...]:
    paths = sorted({key.partition("::")[0] for key in deps})
    return tuple(f"{p}:{f.error}" for p in paths if (f := facts.facts(p)) is not None and f.error)


def citations_of(facts: FileFacts, requirements: RequirementIndex) -> tuple[Citation, ...]:
    """Resolve each tag of a test file to requirement keys and their fingerprints."""
    scopes = _feature_scopes(facts.tags)
    found: dict[tuple[str | None, str], Citation] = {}
    for tag in facts.tags:
        scope = scopes.get(None, set()) | _scope_of(tag.test, scopes)
        for key in requirements.resolve(tag.id, sorted(scope)):
            found.setdefault((tag.test, key), Citation(
                tag.test, tag.id, key, requirements.fingerprint(key), requirements.depends_on(key)))
    return tuple(found[k] for k in sorted(found, key=lambda k: (k[0] or "", k[1])))


def _feature_scopes(tags: Iterable[TestTag]) -> dict[str | None, set[str]]:
    scopes: dict[str | None, set[str]] = {}
    for tag in tags:
        if kind_of(tag.id) in SCOPE_KINDS:
            scopes.setdefault(tag.test, set()).add(tag.id)
    return scopes


def _scope_of(test: str | None, scopes: Mapping[str | None, set[str]]) -> set[str]:
    """Feature tags on the test itself and on its enclosing classes/blocks."""
    if test is None:
        return set()
    found: set[str] = set()
    parts = test.split("::")
    for depth in range(1, len(parts) + 1):
        found |= scopes.get("::".join(parts[:depth]), set())
    return found
