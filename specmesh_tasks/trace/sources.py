"""Everything the reports read, gathered once: specs, tasks.md, plan.md, the matrix, test citations,
and the recorded state of `specmesh test`.

Nothing here is a second reader. Spec files come through the package's loader and parse cache
(`load.load_one`), projected and cached per file (`trace/projections.py`); test files' tags
come from the affected-tests file facts (`affected/facts.py`), resolved to requirements exactly as
`specmesh test` resolves them (`affected/fingerprints.py`); tasks.md, plan.md and the matrix are
read by their own grammars. The caches of other tasks are only read here, never written, apart
from the parse cache when a spec had to be parsed (as every reader of specs does).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.model.ids import IdKind, kind_of
from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind
from specmesh_tasks.trace.model import PlanRef, TestRef
from specmesh_tasks.trace.projections import (
    CACHE_NAME,
    Projection,
    ProjectionCache,
    cited_ids,
    index_rows,
    project_matrix,
    project_plan,
    project_spec,
    project_tasks,
    unproject_spec,
)

if TYPE_CHECKING:
    from specmesh_tasks.affected.fingerprints import Citation, RequirementIndex
    from specmesh_tasks.affected.select import State
    from specmesh_tasks.config import Settings
    from specmesh_tasks.parse.cache import ParseCache

FEATURE_KINDS = frozenset({SpecKind.FEATURE, SpecKind.FIX})


@dataclass(frozen=True, slots=True)
class CitingTest:
    """One requirement citation of a test file, with the line of the tag that makes it."""

    file: str
    citation: Citation
    line: int

    @property
    def node(self) -> str:
        """`tests/t.py::TestC::test_x`, or the file for a file-level tag."""
        test = self.citation.test
        return f"{self.file}::{test}" if test else self.file


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task line of a tasks.md and the IDs it cites (as written)."""

    id: str
    done: bool
    file: str
    line: int
    cited: tuple[str, ...]


@dataclass
class Sources:
    """The tree as the reports see it."""

    root: Path
    repo: Repo  # specs carrying header values, definitions and FR use cases (`unproject_spec`)
    specs: dict[str, Projection]  # spec path -> its projection (cited IDs, Feature Index rows)
    index: RequirementIndex
    citations: list[CitingTest] = field(default_factory=list)
    feature_tags: dict[str, list[TestRef]] = field(default_factory=dict)  # feature ID -> tests tagging it
    state: State | None = None
    tasks: dict[str, list[TaskLine]] = field(default_factory=dict)  # feature folder -> its tasks.md
    plans: dict[str, Projection] = field(default_factory=dict)  # plan.md path -> its projection
    matrix: tuple[str, Projection] | None = None
    folders: dict[str, SpecDoc] = field(default_factory=dict)  # folder -> its feature or fix spec

    def features(self) -> list[SpecDoc]:
        """Feature and fix specs, in path order."""
        return sorted((s for s in self.repo.specs if s.kind in FEATURE_KINDS), key=lambda s: s.path)

    def feature_of(self, path: str) -> SpecDoc | None:
        """The feature or fix spec in the folder of `path` (a spec, plan.md or tasks.md)."""
        return self.folders.get(posixpath.dirname(path))

    def cites(self, spec: SpecDoc) -> dict[str, tuple[IdKind, int, str]]:
        """ID -> (kind, first line, how) for every ID `spec` cites."""
        data = self.specs.get(spec.path)
        return cited_ids(data) if data is not None else {}

    def index_rows(self) -> Iterator[tuple[SpecDoc, str, int, tuple[str, ...]]]:
        """Every Feature Index row: (the spec holding it, feature ID, line, related IDs)."""
        for spec in self.repo.specs:
            data = self.specs.get(spec.path)
            if data is not None:
                for feature_id, line, related in index_rows(data):
                    yield spec, feature_id, line, related

    def plan_lines(self) -> Iterator[tuple[str, PlanRef]]:
        """(requirement key, where a plan shows it) for every ID each plan's generated text shows."""
        for rel, data in sorted(self.plans.items()):
            if data is None:
                continue
            spec = self.feature_of(rel)
            feature = spec.spec_id if spec is not None else None
            for name, line, ids in data["slots"]:
                for key in dict.fromkeys(self.key_of(i, feature) for i in ids):
                    yield key, PlanRef(rel, line, name)

    def task_citations(self) -> Iterator[tuple[str, TaskLine]]:
        """(requirement key, task line) for every ID each task line cites."""
        for folder, tasks in sorted(self.tasks.items()):
            spec = self.folders.get(folder)
            feature = spec.spec_id if spec is not None else None
            for task in tasks:
                for key in dict.fromkeys(self.key_of(i, feature) for i in task.cited):
                    yield key, task

    def key_of(self, item_id: str, feature: str | None) -> str:
        """The requirement key of an ID as cited inside `feature` (area-less IDs are local)."""
        local = f"{feature}/{item_id}"
        return local if feature and local in self.index.own else item_id


def input_paths(root: Path, settings: Settings) -> list[str]:
    """Every file the reports read: the files listed under `.specify/specs/` (absolute), the
    configuration, the test files (root-relative)."""
    from specmesh_tasks.config import config_path
    from specmesh_tasks.discover import list_tree, test_file_paths

    return [*list_tree(root).files, str(config_path(root)), *test_file_paths(root, settings)]


def read_sources(root: Path, settings: Settings, *, tests: bool = True) -> Sources:
    """Read the tree under `root` (test citations and state only when `tests`)."""
    from specmesh_tasks.discover import SPEC_FILE_NAMES, list_tree, pick_matrix
    from specmesh_tasks.load import index_definitions
    from specmesh_tasks.state import cache_dir

    root = Path(root).resolve()
    listing = list_tree(root)
    base = len(str(root)) + 1
    cache = ProjectionCache(cache_dir(root) / CACHE_NAME)
    (cache_dir(root) / "trace").mkdir(exist_ok=True)
    parsed = _SpecLoader(root)
    specs = {f[base:]: cache.get(root, f[base:], parsed.project) for f in listing.named(SPEC_FILE_NAMES)}
    specs = {rel: data for rel, data in specs.items() if data is not None}
    docs = [unproject_spec(rel, data) for rel, data in specs.items()]
    repo = Repo(root=root.as_posix(), specs=tuple(docs), matrix=None, definitions=index_definitions(docs))
    from specmesh_tasks.affected.fingerprints import requirement_index

    found = Sources(root, repo, specs, requirement_index(repo))
    found.folders = {posixpath.dirname(d.path): d for d in reversed(docs) if d.kind in FEATURE_KINDS}
    live = set(specs)
    for path in listing.named(frozenset({"tasks.md"})):
        rel = path[base:]
        live.add(rel)
        found.tasks[posixpath.dirname(rel)] = _task_lines(rel, cache.get(root, rel, _read(root, project_tasks)))
    for path in listing.named(frozenset({"plan.md"})):
        rel = path[base:]
        live.add(rel)
        found.plans[rel] = cache.get(root, rel, _read(root, lambda text, _rel: project_plan(text)))
    matrix = pick_matrix(root, listing)
    if matrix is not None:
        rel = matrix[base:]
        live.add(rel)
        found.matrix = (rel, cache.get(root, rel, _read(root, _project_matrix_text)))
    cache.save(live)
    parsed.save()
    if tests:
        found.citations, found.feature_tags, found.state = _test_citations(root, settings, found.index)
    return found


class _SpecLoader:
    """Specs through the parse cache, opened only when a projection must be made again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store: ParseCache | None = None

    def project(self, rel: str) -> Projection:
        from specmesh_tasks.load import load_one, parse_cache_for

        if self.store is None:
            self.store = parse_cache_for(self.root, lazy=True)
        doc, _problems = load_one(self.root, rel, self.store)  # the gates report the problems
        return project_spec(doc)

    def save(self) -> None:
        if self.store is not None:
            self.store.save()


def _read(root: Path, project: Any) -> Any:
    """`rel -> project(text or None, rel)`, reading the file as the reader does."""
    from specmesh_tasks.parse.source import read_source

    def make(rel: str) -> Projection:
        text, _problems = read_source(root / rel, rel, root=root)
        return project(text, rel)

    return make


def _project_matrix_text(text: str | None, rel: str) -> Projection:
    return project_matrix(text, rel) if text is not None else None


def _task_lines(rel: str, data: Projection) -> list[TaskLine]:
    if data is None:
        return []
    return [TaskLine(task_id, done, rel, line, tuple(cited)) for task_id, done, line, cited in data["tasks"]]


def _test_citations(root: Path, settings: Settings, index: RequirementIndex,
                    ) -> tuple[list[CitingTest], dict[str, list[TestRef]], State]:
    """Every requirement citation of the test files, the tests tagging each feature (`@spec
    S-LOAN-001`: scope, not a requirement), and the recorded state of `specmesh test`."""
    from specmesh_tasks.affected.facts import CACHE_NAME as FILES_CACHE_NAME
    from specmesh_tasks.affected.facts import FactsCache
    from specmesh_tasks.affected.fingerprints import citations_of
    from specmesh_tasks.affected.record import STATE_NAME, load_state
    from specmesh_tasks.discover import test_file_paths
    from specmesh_tasks.state import cache_dir

    cache = cache_dir(root)
    facts = FactsCache(root, cache / FILES_CACHE_NAME)  # read only: `specmesh test` owns this cache
    found: list[CitingTest] = []
    tagged: dict[str, list[TestRef]] = {}
    for path in test_file_paths(root, settings):
        own = facts.facts(path, test=True)
        if own is None:
            continue
        lines = {(tag.test, tag.id): tag.location.line for tag in own.tags}
        for citation in citations_of(own, index):
            found.append(CitingTest(path, citation, lines.get((citation.test, citation.cited), 0)))
        for tag in own.tags:
            if kind_of(tag.id) in (IdKind.FEATURE, IdKind.FIX):
                node = f"{path}::{tag.test}" if tag.test else path
                tagged.setdefault(tag.id, []).append(TestRef(node, path, tag.location.line, None, None))
    return found, tagged, load_state(cache / STATE_NAME)
