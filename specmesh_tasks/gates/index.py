"""The repo-wide ID index the cross-file rules share: who defines what, and how a reference resolves.

Resolution follows the contract (§2): IDs with an area are global; area-less `UC-001`, `FR-001`,
`SC-001` and every `FR-RULE-NNN` are local to their feature directory (qualified as
`S-LEAD-001/UC-001` from elsewhere); a master or API defined with a numeric suffix
(`M-USER-001`) is also found by its name without the suffix when that is unique; a wildcard
(`API-AUTH-*`) resolves when any defined ID has that prefix.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from specmesh_tasks.model.ids import PLACEHOLDER_ID, IdKind, strip_instance_suffix
from specmesh_tasks.model.spec import Definition, Location, Repo, SpecDoc, SpecKind

_AREALESS = re.compile(r"^(?:UC|FR|SC)-\d{3}$")
_LOCAL_KINDS = frozenset({IdKind.USE_CASE, IdKind.FR, IdKind.FR_RULE, IdKind.SC})
_SPEC_KINDS = {IdKind.FEATURE, IdKind.FIX, IdKind.VISION, IdKind.DOMAIN, IdKind.SCREEN_SPEC,
               IdKind.TEST_SCENARIO}
APPROVED_STATUSES = ("approved", "implemented")


def is_local_id(item_id: str, kind: IdKind | None = None) -> bool:
    """Area-less UC/FR/SC IDs and feature rules (`FR-RULE-001`) belong to one feature."""
    if kind is not None and kind not in _LOCAL_KINDS:
        return False
    return item_id.startswith("FR-RULE-") or _AREALESS.match(item_id) is not None


def scope_of(path: str) -> str:
    """The feature directory a file belongs to (its parent directory)."""
    return posixpath.dirname(path)


def is_approved(spec: SpecDoc) -> bool:
    """Approved or Implemented: open questions there are errors, not warnings."""
    return (spec.status or "").strip().casefold() in APPROVED_STATUSES


def written_spec_id(spec: SpecDoc) -> str | None:
    """The (first) Spec ID as written, placeholders included (`S-{AREA}-001`); None when missing."""
    sid = (spec.spec_id or "").strip()
    return re.split(r"[,|]", sid)[0].strip() or None


def usable_spec_id(spec: SpecDoc) -> str | None:
    """The spec's ID when it is a real ID (not missing, not an unfilled placeholder)."""
    first = written_spec_id(spec)
    if not first or PLACEHOLDER_ID.search(first) or "{" in first or "[" in first:
        return None
    return first


@dataclass
class RepoIndex:
    """Definitions by ID (global and per feature directory), specs by ID, and aliases."""

    defs: dict[str, list[Definition]] = field(default_factory=lambda: defaultdict(list))
    local: dict[tuple[str, str], list[Definition]] = field(default_factory=lambda: defaultdict(list))
    aliases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    specs_by_id: dict[str, list[SpecDoc]] = field(default_factory=lambda: defaultdict(list))
    spec_of_file: dict[str, SpecDoc] = field(default_factory=dict)
    sorted_ids: list[str] = field(default_factory=list)
    _memo: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def of_kind(self, *kinds: IdKind) -> list[tuple[str, list[Definition]]]:
        """Global IDs whose (first) definition is of one of these kinds, sorted by ID."""
        return [(item, self.defs[item]) for item in self.sorted_ids if self.defs[item][0].kind in kinds]

    def add_definition(self, d: Definition) -> None:
        if d.kind in _SPEC_KINDS:
            return  # specs are indexed by `specs_by_id`; their header line is not an item
        if is_local_id(d.id, d.kind):
            self.local[(scope_of(d.location.file), d.id)].append(d)
            return
        self.defs[d.id].append(d)
        if d.kind in (IdKind.MASTER, IdKind.API):
            base = strip_instance_suffix(d.id)
            if base != d.id:
                self.aliases[base].add(d.id)

    def is_defined(self, item_id: str, from_file: str = "") -> bool:
        """True when a reference to `item_id` written in `from_file` resolves."""
        return bool(self.resolve(item_id, from_file))

    def resolve(self, item_id: str, from_file: str = "") -> list[str]:
        """The defined IDs a reference stands for (several for a wildcard); [] when undefined.

        The list returned is shared between calls: do not change it."""
        if item_id in self.defs or item_id in self.specs_by_id:
            return self._self(item_id)  # the common case: a defined global ID
        key = (item_id, scope_of(from_file) if is_local_id(item_id) else "")
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(item_id, from_file)
        return found

    def _self(self, item_id: str) -> list[str]:
        found = self._memo.get((item_id, ""))
        if found is None:
            found = self._memo[(item_id, "")] = [item_id]
        return found

    def _resolve(self, item_id: str, from_file: str) -> list[str]:
        if item_id.endswith("*"):
            return self._wildcard(item_id[:-1])
        if "/" in item_id:
            return self._qualified(item_id)
        if is_local_id(item_id):
            return [item_id] if (scope_of(from_file), item_id) in self.local else []
        if item_id in self.defs or item_id in self.specs_by_id:
            return [item_id]
        targets = self.aliases.get(item_id, set())
        return sorted(targets) if len(targets) == 1 else []

    def _wildcard(self, prefix: str) -> list[str]:
        import bisect

        start = bisect.bisect_left(self.sorted_ids, prefix)
        found = []
        for item in self.sorted_ids[start:]:
            if not item.startswith(prefix):
                break
            found.append(item)
        return found

    def _qualified(self, item_id: str) -> list[str]:
        spec_id, _, local_id = item_id.partition("/")
        for spec in self.specs_by_id.get(spec_id, []):
            if (scope_of(spec.path), local_id) in self.local:
                return [item_id]
        return []


def build_index(repo: Repo) -> RepoIndex:
    """Index every spec of the repo (linear in the number of definitions)."""
    index = RepoIndex()
    for spec in repo.specs:
        index.spec_of_file[spec.path] = spec
        sid = usable_spec_id(spec)
        if sid:
            index.specs_by_id[sid].append(spec)
        for d in spec.definitions:
            index.add_definition(d)
    index.sorted_ids = sorted(index.defs)
    return index


def repo_index(repo: Repo, ctx: object) -> RepoIndex:
    """The index of this run, built once and shared between rules through the context."""
    from specmesh_tasks.gates.context import RuleContext

    assert isinstance(ctx, RuleContext)
    return ctx.shared("index", lambda: build_index(repo))


def specs_of(repo: Repo, *kinds: SpecKind) -> list[SpecDoc]:
    """Specs of the given kinds, in path order."""
    return sorted((s for s in repo.specs if s.kind in kinds), key=lambda s: s.path)


def header_location(spec: SpecDoc, key: str) -> Location:
    """Where a header field is (its line), else the H1, else the whole file."""
    return Location(spec.path, spec.header_line(key) or spec.h1_line or 0)


def first(items: Iterable[Definition]) -> Definition | None:
    return next(iter(sorted(items, key=lambda d: (d.location.file, d.location.line))), None)
