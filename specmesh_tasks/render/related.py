"""Which other specs a plan draws on: the specs by ID and kind, the nearest domain/screen spec,
and the IDs a feature depends on (its dependency tables and the references in its dependency
sections)."""

from __future__ import annotations

from pathlib import PurePosixPath

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind

# Bump when the labels a plan shows change shape: it is part of every plan's inputs hash and of
# every overview digest.
CONTEXT_VERSION = 2
_DEP_SECTION_WORDS = ("dependenc", "impact analysis", "related screen", "affected")


class SpecIndex:
    """Specs by ID and by kind, built once per Repo (a run renders hundreds of plans from one)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.by_id: dict[str, SpecDoc] = {}
        self._kinds: dict[SpecKind, list[SpecDoc]] = {}
        for spec in repo.specs:
            sid = spec.spec_id
            if sid and sid not in self.by_id:
                self.by_id[sid] = spec
            self._kinds.setdefault(spec.kind, []).append(spec)

    def of_kind(self, kind: SpecKind) -> tuple[SpecDoc, ...]:
        return tuple(self._kinds.get(kind, ()))


_last_index: list[SpecIndex] = []


def spec_index(repo: Repo) -> SpecIndex:
    """The index of `repo`, kept for the last Repo asked (every plan of a run asks for it)."""
    if not _last_index or _last_index[0].repo is not repo:
        _last_index[:] = [SpecIndex(repo)]
    return _last_index[0]


def domain_of(spec: SpecDoc, repo: Repo) -> SpecDoc | None:
    """The domain spec the feature names (nearest by path when several), else the nearest one."""
    return nearest(spec, spec_index(repo).of_kind(SpecKind.DOMAIN), spec.header("Related Domain") or "")


def nearest(spec: SpecDoc, candidates: tuple[SpecDoc, ...], named: str) -> SpecDoc | None:
    """The candidate named in `named` (else any), sharing the longest path prefix with `spec`."""
    wanted = [d for d in candidates if d.spec_id and d.spec_id in named] or list(candidates)
    if not wanted:
        return None
    return max(wanted, key=lambda d: (_shared_prefix(d.path, spec.path), [-ord(c) for c in d.path]))


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(PurePosixPath(a).parts, PurePosixPath(b).parts, strict=False):
        if x != y:
            break
        n += 1
    return n


def dep_section_keys(spec: SpecDoc) -> set[str]:
    """Numbers/titles of the sections whose references count as dependencies."""
    keys: set[str] = set()
    for section in spec.sections:
        if any(w in section.title.casefold() for w in _DEP_SECTION_WORDS):
            keys.add(section.number or section.title)
    return keys


def _in_sections(section: str, keys: set[str]) -> bool:
    return any(section == k or (k[:1].isdigit() and section.startswith(k + ".")) for k in keys)


def dep_ids(spec: SpecDoc, kind: IdKind) -> tuple[str, ...]:
    """IDs of `kind` in the dependency tables, then those mentioned in the dependency sections."""
    return _all_dep_ids(spec).get(kind, ())


_dep_memo: list[object] = [None, {}]


def _all_dep_ids(spec: SpecDoc) -> dict[IdKind, tuple[str, ...]]:
    """Dependency IDs of every kind (kept for the last spec asked: each is asked several times)."""
    if _dep_memo[0] is spec:
        return _dep_memo[1]  # type: ignore[return-value]
    keys = dep_section_keys(spec)
    found: dict[IdKind, list[str]] = {}
    for d in spec.dependencies:
        found.setdefault(d.kind, []).append(d.id)
    for r in spec.references:
        if _in_sections(r.section, keys):
            found.setdefault(r.kind, []).append(r.id)
    out = {kind: tuple(dict.fromkeys(ids)) for kind, ids in found.items()}
    _dep_memo[:] = [spec, out]
    return out
