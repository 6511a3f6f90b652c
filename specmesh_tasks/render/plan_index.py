"""The per-feature overview digests behind `plan:<ID>`'s file_dep `.specify/.cache/deps/<ID>.json`.

Each digest holds exactly what that feature's plan shows of other specs (`render.overview.
overview_view`): the masters and APIs it uses as the domain spec describes them, the features it
cites with their title and status, whether its related specs exist. The hidden index task rewrites
a digest only when its content changes, so an edit of master M-X re-renders just the plans that
show M-X, and an unrelated edit of the domain spec re-renders none.

The index runs when an overview spec or a spec's header lines change, which is when no feature
spec body needs reading: what the digest needs of each feature (its dependency IDs, a few header
values) is kept in `.specify/.cache/plan/projections.json`, by file stat, and a feature spec is
parsed again only when its stat changed.

The common edit, a master's or an API's title or purpose, is narrowed further. The index keeps, in
`.specify/.cache/plan/index-state.json`, what its last run saw of the overview specs: their
shape (paths, kinds, IDs, titles, statuses), every item's shown fields, the header lines of every
spec and the planned features. When only items changed since then, only the features whose
master/API references can resolve to a changed item (and features whose own file changed) get
their digest computed again; the others' digests cannot have changed and are not looked at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.fsutil import write_if_changed
from specmesh_tasks.headers import SpecEntry
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import (
    DependencyRow,
    HeaderField,
    Location,
    Reference,
    Repo,
    Section,
    SpecDoc,
    SpecKind,
)

if TYPE_CHECKING:
    from specmesh_tasks.parse.cache import ParseCache

PROJECTION_VERSION = 4
INDEX_STATE_VERSION = 1
_OVERVIEW = frozenset({SpecKind.VISION, SpecKind.DOMAIN, SpecKind.SCREEN, SpecKind.UNKNOWN})
_REF_KINDS = frozenset({IdKind.MASTER, IdKind.API, IdKind.FEATURE, IdKind.FIX})
_NOWHERE = Location("", 0)


def project(spec: SpecDoc) -> dict[str, Any]:
    """What an overview digest needs of a feature spec, as JSON data."""
    from specmesh_tasks.render.overview import shown_item_refs
    from specmesh_tasks.render.related import dep_section_keys

    keys = dep_section_keys(spec)
    return {
        "items": shown_item_refs(spec),
        "kind": spec.kind.value, "title": spec.title,
        "headers": [[h.key, h.value] for h in spec.headers],
        "sections": [[s.number, s.title] for s in spec.sections if (s.number or s.title) in keys],
        "deps": [[d.id, d.kind.value, d.usage] for d in spec.dependencies],
        "refs": [[r.id, r.kind.value, r.section] for r in spec.references if r.kind in _REF_KINDS],
    }


def unproject(rel: str, data: dict[str, Any]) -> SpecDoc:
    """A SpecDoc carrying only the projected fields (enough for `overview_view`)."""
    return SpecDoc(
        path=rel, kind=SpecKind(data["kind"]), title=data["title"], h1_line=0,
        headers=tuple(HeaderField(k, v, 0) for k, v in data["headers"]),
        sections=tuple(Section(n, t, 2, 0, 0, "") for n, t in data["sections"]),
        tables=(), markers=(), definitions=(),
        references=tuple(Reference(i, IdKind(k), _NOWHERE, s) for i, k, s in data["refs"]),
        dependencies=tuple(DependencyRow(i, IdKind(k), "", u, _NOWHERE) for i, k, u in data["deps"]),
    )


def _parse(root: Path, rel: str, store: ParseCache) -> SpecDoc | None:
    """One spec through the parse cache `store` (None when it cannot be read)."""
    from specmesh_tasks.load import load_one

    return load_one(root, rel, store)[0]


def _store_or_new(root: Path, store: ParseCache | None) -> ParseCache:
    """The caller's parse cache, or one for this call. A `plan` run passes its own: the index runs
    before the plans, and every spec it parses is then not parsed again by `plan:<ID>`."""
    from specmesh_tasks.load import parse_cache_for

    return store if store is not None else parse_cache_for(root, lazy=True)


class _Projections:
    """Projections by root-relative path in `.specify/.cache/plan/projections.json`.

    A row is `[stamp, digest, projection]`: the spec file's freshness stamp and content digest when
    it was projected. An unchanged stamp serves the row without reading the file; a changed one
    (or a stamp taken too soon after the file changed) reads the file, and an unchanged digest
    still serves the row without parsing it.
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            rows = data["rows"] if data.get("version") == PROJECTION_VERSION else {}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            rows = {}
        self.rows: dict[str, list[Any]] = rows if isinstance(rows, dict) else {}
        self.dirty = False

    def data(self, root: Path, rel: str, parsed: ParseCache) -> tuple[dict[str, Any] | None, bool]:
        """The projection (None when unreadable) and whether the file changed since it was made
        (it is then parsed and projected again now)."""
        from specmesh_tasks.freshness import file_stamp, settled, stamp_from_row, stamp_to_row, unchanged
        from specmesh_tasks.fsutil import digest_bytes

        path = root / rel
        stamp = file_stamp(path)
        row = self.rows.get(rel)
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[2], (dict, type(None)))):
            row = None  # missing or damaged
        if row is not None and unchanged(stamp_from_row(row[0]), stamp):
            return row[2], False
        try:
            digest = digest_bytes(path.read_bytes())
        except OSError:
            digest = ""
        if row is not None and digest and row[1] == digest:  # touched, not changed
            row[0] = stamp_to_row(settled(stamp))
            self.dirty = True
            return row[2], False
        spec = _parse(root, rel, parsed)
        projection = project(spec) if spec is not None else None
        self.rows[rel] = [stamp_to_row(settled(stamp)), digest, projection]
        self.dirty = True
        return projection, True

    def save(self, live: set[str]) -> None:
        if set(self.rows) - live:
            self.rows = {k: v for k, v in self.rows.items() if k in live}
            self.dirty = True
        if self.dirty:
            text = json.dumps({"version": PROJECTION_VERSION, "rows": self.rows}, ensure_ascii=False,
                              sort_keys=True, separators=(",", ":"))
            write_if_changed(self.file, text)


def digest_repo(root: Path, entries: list[SpecEntry], cache: Path, parsed: ParseCache | None = None) -> Repo:
    """Overview specs in full and every other spec projected, in `load_repo`'s order."""
    parsed = _store_or_new(root, parsed)
    store = _Projections(cache / "plan" / "projections.json")
    overview = {e.rel: _parse(root, e.rel, parsed) for e in entries if e.kind in _OVERVIEW}
    projections = {e.rel: store.data(root, e.rel, parsed)[0] for e in entries if e.kind not in _OVERVIEW}
    store.save(set(projections))
    return _repo(root, entries, overview, projections, set(projections))


def write_digests(root: Path, entries: list[SpecEntry], cache: Path, jobs: list[tuple[str, str]],
                  parsed: ParseCache | None = None) -> int:
    """Write each job's `(spec path, digest file)`; returns how many files changed. `parsed`: the
    run's parse cache, shared with the plans (see `_store_or_new`)."""
    from specmesh_tasks.render.overview import overview_view, resolves_to_any

    parsed = _store_or_new(root, parsed)
    store = _Projections(cache / "plan" / "projections.json")
    overview = {e.rel: _parse(root, e.rel, parsed) for e in entries if e.kind in _OVERVIEW}
    state = _IndexState(cache / "plan" / "index-state.json", entries, overview, jobs)
    changed_items = state.changed_items()  # None: anything may have changed
    known = _Written(cache / "plan" / "digests.json")
    # Which features need their digest computed: all of them, unless only items changed.
    projections: dict[str, dict[str, Any] | None] = {}
    needed: set[str] = set()
    for entry in entries:
        if entry.kind in _OVERVIEW:
            continue
        data, reparsed = store.data(root, entry.rel, parsed)
        projections[entry.rel] = data
        touched = changed_items is None or reparsed
        if touched or (data is not None and resolves_to_any(data["items"], changed_items or set())):
            needed.add(entry.rel)
    needed.update(spec_rel for spec_rel, target in jobs if not known.has(target))
    changed = 0
    if any(spec_rel in needed for spec_rel, _target in jobs):
        repo = _repo(root, entries, overview, projections, needed)
        by_path = {s.path: s for s in repo.specs}
        for spec_rel, target in jobs:
            if spec_rel not in needed:
                continue
            spec = by_path.get(spec_rel)
            view = overview_view(spec, repo) if spec is not None else {"unreadable": spec_rel}
            text = json.dumps(view, ensure_ascii=False, sort_keys=True) + "\n"
            if known.unchanged(target, text):
                continue  # the file still holds this content
            changed += write_if_changed(Path(target), text)
            known.written(target)
    store.save(set(projections))
    known.save()
    state.save()
    return changed


def _repo(root: Path, entries: list[SpecEntry], overview: dict[str, SpecDoc | None],
          projections: dict[str, dict[str, Any] | None], needed: set[str]) -> Repo:
    """Overview specs in full, the needed features projected, every other spec as the stub of its
    header lines (all another plan shows of it: `load.header_stub`), in `load_repo`'s order."""
    from specmesh_tasks.load import header_stub as stub

    docs: list[SpecDoc] = []
    for entry in entries:
        data = projections.get(entry.rel)
        if entry.kind in _OVERVIEW:
            doc = overview[entry.rel]
        elif data is None:
            doc = None  # unreadable: as `load_repo`, which leaves it out
        else:
            doc = unproject(entry.rel, data) if entry.rel in needed else stub(entry)
        if doc is not None:
            docs.append(doc)
    return Repo(root=root.resolve().as_posix(), specs=tuple(docs), matrix=None)


class _IndexState:
    """What the last index run saw of the overview specs and the headers (see the module doc)."""

    def __init__(self, file: Path, entries: list[SpecEntry], overview: dict[str, SpecDoc | None],
                 jobs: list[tuple[str, str]]) -> None:
        from specmesh_tasks.render.overview import item_fields
        from specmesh_tasks.render.related import CONTEXT_VERSION

        self.file = file
        docs = [d for d in overview.values() if d is not None]
        self.now: dict[str, Any] = {
            "version": [INDEX_STATE_VERSION, PROJECTION_VERSION, CONTEXT_VERSION],
            "shape": [[rel, d.kind.value, d.spec_id, d.title, d.status] if d else [rel]
                      for rel, d in overview.items()],
            "headers": [[e.rel, e.kind_value, e.spec_id, e.title, e.status] for e in entries],
            "jobs": sorted(spec_rel for spec_rel, _target in jobs),
            "items": {f"{d.path}|{item}": shown for d in docs for item, shown in item_fields(d).items()},
        }
        try:
            self.before: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.before = {}

    def changed_items(self) -> set[str] | None:
        """IDs of the items whose shown fields changed (added and removed ones too), when nothing
        else an overview digest depends on changed; None otherwise."""
        before = self.before
        if not isinstance(before, dict) or any(before.get(k) != self.now[k]
                                               for k in ("version", "shape", "headers", "jobs")):
            return None
        old, new = before.get("items"), self.now["items"]
        if not isinstance(old, dict):
            return None
        return {key.rsplit("|", 1)[1] for key in old.keys() | new.keys() if old.get(key) != new.get(key)}

    def save(self) -> None:
        if self.before != self.now:
            write_if_changed(self.file, json.dumps(self.now, ensure_ascii=False, sort_keys=True))


class _Written:
    """The digests last written, so an index run reads one file instead of a thousand.

    `.specify/.cache/plan/digests.json` maps each digest file to `[hash, stamp]`: the hash of what
    was written and the file's freshness stamp after writing. An unchanged stamp proves the file
    still holds that text; otherwise the file is read and its hash decides.
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        try:
            rows = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rows = {}
        self.rows: dict[str, Any] = rows if isinstance(rows, dict) else {}
        self.dirty = False

    def has(self, target: str) -> bool:
        """A digest was written for `target` and the file still holds it."""
        row = self.rows.get(target)
        return type(row) is list and len(row) == 2 and self._holds(target, row[0], row)

    def unchanged(self, target: str, text: str) -> bool:
        """True when `target` already holds `text`; else the text is recorded as what will be written."""
        from specmesh_tasks.fsutil import short_hash

        digest = short_hash(text)
        row = self.rows.get(target)
        if type(row) is list and len(row) == 2 and row[0] == digest and self._holds(target, digest, row):
            return True
        self.rows[target] = [digest, None]  # the stamp is taken after writing (`written`)
        self.dirty = True
        return False

    def written(self, target: str) -> None:
        from specmesh_tasks.freshness import file_stamp, settled, stamp_to_row

        self.rows[target][1] = stamp_to_row(settled(file_stamp(target)))

    def _holds(self, target: str, digest: str, row: list[Any]) -> bool:
        from specmesh_tasks.freshness import file_stamp, settled, stamp_from_row, stamp_to_row, unchanged
        from specmesh_tasks.fsutil import short_hash

        stamp = file_stamp(target)
        if stamp is None:
            return False
        if unchanged(stamp_from_row(row[1]), stamp):
            return True
        try:
            held = short_hash(Path(target).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if held != digest:
            return False
        row[1] = stamp_to_row(settled(stamp))
        self.dirty = True
        return True

    def save(self) -> None:
        if self.dirty:
            write_if_changed(self.file, json.dumps(self.rows, sort_keys=True))

