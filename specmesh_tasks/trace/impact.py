"""What depends on an ID: the change workflow's impact analysis, without an LLM.

For one ID (a master, API, rule, screen, use case, FR or feature):

- features: every feature or fix that defines it, cites it in a dependency table (`dependency`)
  or elsewhere in its text (`reference`, wildcards such as `API-AUTH-*` included), or whose
  Feature Index row lists it (`feature-index`); each feature once, with the line that ties it;
- plans: the generated lines and blocks of plan.md files that show it;
- tasks: tasks.md lines citing it;
- tests: the tests whose selection depends on its text (for a use case, the tests citing it or
  any of its FRs: `specmesh test` reruns them when it changes), or that are tagged with it (a
  feature);
- matrix: the entries of cross-reference.json naming it.

Severity: `CRITICAL` when three or more features are affected, `HIGH` for one or two, `MEDIUM`
when only matrix entries name it, `LOW` otherwise.

The tree is inverted once into an `ImpactIndex` (ID or requirement key -> what points at it), plain
JSON data, so answering for an ID is a few lookups and the index can be kept between runs
(`trace/snapshot.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.errors import UserError
from specmesh_tasks.model.ids import kind_of
from specmesh_tasks.trace.model import (
    Dependent,
    Impact,
    ImpactReport,
    MatrixRef,
    PlanRef,
    TaskRef,
    TestRef,
    severity_of,
)
from specmesh_tasks.trace.sources import Sources

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

INDEX_VERSION = 2  # bump when the stored layout of ImpactIndex changes
_HOW_ORDER = {"defines": 0, "dependency": 1, "reference": 2, "feature-index": 3}

Rows = dict[str, list[list[Any]]]


@dataclass
class ImpactIndex:
    """Who points at what, as compact JSON-ready data: file paths are indexes into `files`; keys
    are plain IDs, or requirement keys where resolution is per feature (plans, tasks, tests). The
    feature defining an ID is not stored: it is the owner of the file of its definition."""

    files: list[str] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)  # file index -> the feature whose spec it is
    defs: dict[str, list[Any]] = field(default_factory=dict)  # ID -> [kind, file, line, title]
    keys: dict[str, list[str]] = field(default_factory=dict)  # ID -> its keys, when not just itself
    features: Rows = field(default_factory=dict)  # cited ID (or wildcard) -> [[feature, file, line, how]]
    plans: Rows = field(default_factory=dict)  # key -> [[file, line, block]]
    tasks: Rows = field(default_factory=dict)  # key -> [[id, done, file, line]]
    tests: Rows = field(default_factory=dict)  # key a test depends on -> [[node, line]]
    tagged: Rows = field(default_factory=dict)  # feature ID -> [[node, line]] (`@spec` tags)
    matrix: Rows = field(default_factory=dict)  # ID -> [[entry, file, line]]

    def known(self) -> set[str]:
        """Every ID defined (local ones also as qualified keys) or cited anywhere in the specs."""
        found = set(self.defs) | set(self.features)
        for keys in self.keys.values():
            found.update(keys)
        return found

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


class _Files:
    """Paths as indexes into one list (a path is written once in the stored index)."""

    def __init__(self, index: ImpactIndex) -> None:
        self.index = index
        self.numbers: dict[str, int] = {}

    def __call__(self, path: str) -> int:
        number = self.numbers.get(path)
        if number is None:
            number = self.numbers[path] = len(self.index.files)
            self.index.files.append(path)
        return number


def build_index(sources: Sources) -> ImpactIndex:
    """Invert the tree in `sources`."""
    index = ImpactIndex()
    f = _Files(index)
    for item, defs in sources.repo.definitions.items():
        for n, d in enumerate(defs):  # the first under its ID; a local one also under its key
            row = [d.kind.value, f(d.location.file), d.location.line, d.title]
            spec = sources.feature_of(d.location.file)
            key = sources.key_of(d.id, spec.spec_id if spec is not None else None)
            if n == 0:
                index.defs[item] = row
            if key != item:
                index.defs[key] = row
    index.keys = {item: list(keys) for item, keys in sources.index.by_id.items() if list(keys) != [item]}
    for spec in sources.features():
        feature = spec.spec_id or spec.path
        index.owners[str(f(spec.path))] = feature
        for cited, (_kind, line, how) in sources.cites(spec).items():
            _add(index.features, cited, [feature, f(spec.path), line, how])
    for spec, feature_id, line, related in sources.index_rows():
        for cited in related:
            _add(index.features, cited, [feature_id, f(spec.path), line, "feature-index"])
    for key, plan in sources.plan_lines():
        _add(index.plans, key, [f(plan.file), plan.line, plan.block])
    for key, task in sources.task_citations():
        _add(index.tasks, key, [task.id, task.done, f(task.file), task.line])
    for citing in sources.citations:
        for key in citing.citation.ids:
            _add(index.tests, key, [citing.node, citing.line])
    for feature_id, refs in sources.feature_tags.items():
        index.tagged[feature_id] = [[t.id, t.line] for t in refs]
    if sources.matrix is not None and sources.matrix[1] is not None:
        _index_matrix(f(sources.matrix[0]), sources.matrix[1], index)
    return index


def _add(rows: Rows, key: str, row: list[Any]) -> None:
    rows.setdefault(key, []).append(row)


def _index_matrix(file: int, data: Any, index: ImpactIndex) -> None:
    for entry, key_line, ids in data["entries"]:
        for item in ids:  # the first line naming it from the entry's key on
            line = next((n for n in sorted(data["lines"].get(item, ())) if n >= key_line), key_line)
            _add(index.matrix, item, [entry, file, line])


def index_from_data(data: dict[str, Any]) -> ImpactIndex:
    """An index stored with `as_data`."""
    return ImpactIndex(**data)


def check_known(index: ImpactIndex, ids: Iterable[str]) -> None:
    """Raise one UserError (exit 3) naming every ID that is neither defined nor cited anywhere,
    each with a "did you mean" hint."""
    from specmesh_tasks.suggest import did_you_mean

    known = index.known()
    lines = []
    for item in ids:
        if item not in known:
            hint = did_you_mean(item, known, "") or "; it is defined and cited nowhere under .specify/specs"
            lines.append(f"error: unknown ID {item}{hint}")
    if lines:
        raise UserError("\n".join(lines))


def impact_of(index: ImpactIndex, item: str, change: str = "asked", diff: str = "", kind: str = "") -> Impact:
    """Everything that depends on `item` (an ID as written, or a qualified local key); `kind` names
    its kind when it is defined nowhere now (removed since REF)."""
    owner, _, plain = item.rpartition("/")
    keys = sorted({item} if owner else set(index.keys.get(item, [item])))
    home = index.defs.get(item) or index.defs.get(plain)
    features = _features(index, plain, owner, home)
    path = index.files.__getitem__
    matrix = tuple(MatrixRef(entry, path(file), line) for entry, file, line in index.matrix.get(plain, ()))
    if home is not None:
        kind = home[0]
    elif not kind:
        found = kind_of(plain)
        kind = found.value if found is not None else "unknown"
    rows = [row for key in keys for row in index.tests.get(key, ())] + index.tagged.get(plain, [])
    tests = {node: TestRef(node, node.partition("::")[0], line, None, None) for node, line in rows}
    return Impact(
        id=item, kind=kind, change=change, severity=severity_of(len(features), len(matrix)),
        file=path(home[1]) if home else "", line=home[2] if home else 0, title=home[3] if home else "",
        diff=diff, features=features,
        plans=tuple(PlanRef(path(file), line, block) for key in keys for file, line, block in index.plans.get(key, ())),
        tasks=tuple(TaskRef(task, done, path(file), line)
                    for key in keys for task, done, file, line in index.tasks.get(key, ())),
        tests=tuple(sorted(tests.values(), key=lambda t: (t.file, t.line, t.id))),
        matrix=matrix,
    )


def _features(index: ImpactIndex, plain: str, owner: str, home: list[Any] | None) -> tuple[Dependent, ...]:
    """Each feature once, by its strongest tie (defines > dependency > reference > feature-index)."""
    rows = list(index.features.get(plain, ()))
    rows += [row for cited, found in index.features.items()
             if cited.endswith("-*") and plain.startswith(cited[:-1]) for row in found]
    if home is not None and str(home[1]) in index.owners:
        rows.append([index.owners[str(home[1])], home[1], home[2], "defines"])
    if owner:  # a local ID (`S-LEAD-001/UC-001`): its own feature's definition only
        rows = [row for row in rows if row[0] == owner and row[3] != "feature-index"]
    found: dict[str, Dependent] = {}
    for feature, file, line, how in rows:
        known = found.get(feature)
        if known is None or _HOW_ORDER[how] < _HOW_ORDER[known.how]:
            found[feature] = Dependent(feature, index.files[file], line, how)
    return tuple(sorted(found.values(), key=lambda d: (_HOW_ORDER[d.how], d.id)))


def asked(index: ImpactIndex, ids: Sequence[str]) -> tuple[Impact, ...]:
    """`specmesh impact ID…`: one impact per asked ID (unknown IDs: UserError, exit 3)."""
    check_known(index, ids)
    return tuple(impact_of(index, item) for item in dict.fromkeys(ids))


def since_report(root: Path, settings: Settings, sources: Sources, ids: Sequence[str], since: str,
                 version: str) -> ImpactReport:
    """`specmesh impact --since REF [ID…]`: every definition changed since REF (only the asked ones
    among them when IDs are given; an asked ID that did not change is reported as asked)."""
    from specmesh_tasks.trace.rebuilds import rerendered_plans, selected_tests
    from specmesh_tasks.trace.since import spec_diff

    diff = spec_diff(root, since)
    index = build_index(sources)
    changed = {c.key for c in diff.changes}
    check_known(index, [i for i in ids if i not in changed])
    wanted = set(ids)
    impacts = [impact_of(index, c.key, c.change, c.diff, c.kind.value) for c in diff.changes
               if not wanted or c.key in wanted or c.key.rpartition("/")[2] in wanted]
    shown = {i.id for i in impacts} | {i.id.rpartition("/")[2] for i in impacts}
    impacts += [impact_of(index, i) for i in dict.fromkeys(ids) if i not in shown]
    return ImpactReport(sources.repo.root, version, since, tuple(impacts),
                        rerendered_plans(root, settings, diff), selected_tests(root, sources, diff))
