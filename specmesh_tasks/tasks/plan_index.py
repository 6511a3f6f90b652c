"""The per-feature overview digests behind `plan:<ID>`'s file_dep `.specify/.cache/deps/<ID>.json`.

Each digest holds exactly what that feature's plan shows of other specs (`render.context.
overview_view`): the masters and APIs it uses as the domain spec describes them, the features it
cites with their title and status, whether its related specs exist. The hidden index task rewrites
a digest only when its content changes, so an edit of master M-X re-renders just the plans that
show M-X, and an unrelated edit of the domain spec re-renders none.

The index runs when an overview spec or a spec's header lines change, which is when no feature
spec body needs reading: what the digest needs of each feature (its dependency IDs, a few header
values) is kept in `.specify/.cache/plan/projections.json`, by file stat, and a feature spec is
parsed again only when its stat changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from specmesh_tasks.discover import SpecEntry
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

PROJECTION_VERSION = 1
_OVERVIEW = frozenset({SpecKind.VISION, SpecKind.DOMAIN, SpecKind.SCREEN, SpecKind.UNKNOWN})
_REF_KINDS = frozenset({IdKind.MASTER, IdKind.API, IdKind.FEATURE, IdKind.FIX})
_NOWHERE = Location("", 0)


def project(spec: SpecDoc) -> dict[str, Any]:
    """What an overview digest needs of a feature spec, as JSON data."""
    from specmesh_tasks.render.context import dep_section_keys

    keys = dep_section_keys(spec)
    return {
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


class _Projections:
    """Projections by root-relative path and file stat, in `.specify/.cache/plan/projections.json`."""

    def __init__(self, file: Path) -> None:
        self.file = file
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            current = data.get("version") == PROJECTION_VERSION
            self.rows: dict[str, list[Any]] = data["rows"] if current else {}
        except (OSError, ValueError, KeyError, AttributeError):
            self.rows = {}
        self.dirty = False

    def get(self, root: Path, rel: str) -> SpecDoc | None:
        """The projected spec (parsed again only when its stat changed); None when unreadable."""
        from specmesh_tasks.tasks.plan_repo import parse_file

        try:
            st = (root / rel).stat()
            stamp = [st.st_mtime_ns, st.st_size]
        except OSError:
            stamp = [0, -1]
        row = self.rows.get(rel)
        if row is None or row[:2] != stamp:
            spec, _problems = parse_file(root, rel)
            row = [*stamp, project(spec) if spec is not None else None]
            self.rows[rel] = row
            self.dirty = True
        return unproject(rel, row[2]) if row[2] is not None else None

    def save(self, live: set[str]) -> None:
        from specmesh_tasks.fsutil import write_if_changed

        if set(self.rows) - live:
            self.rows = {k: v for k, v in self.rows.items() if k in live}
            self.dirty = True
        if self.dirty:
            text = json.dumps({"version": PROJECTION_VERSION, "rows": self.rows}, ensure_ascii=False,
                              sort_keys=True, separators=(",", ":"))
            write_if_changed(self.file, text)


def digest_repo(root: Path, entries: list[SpecEntry], cache: Path) -> Repo:
    """Overview specs in full and every other spec projected, in `load_repo`'s order."""
    from specmesh_tasks.tasks.plan_repo import parse_file

    store = _Projections(cache / "plan" / "projections.json")
    docs: list[SpecDoc] = []
    for entry in entries:
        doc = parse_file(root, entry.rel)[0] if entry.kind in _OVERVIEW else store.get(root, entry.rel)
        if doc is not None:
            docs.append(doc)
    store.save({e.rel for e in entries if e.kind not in _OVERVIEW})
    return Repo(root=root.resolve().as_posix(), specs=tuple(docs), matrix=None)


def write_digests(root: Path, entries: list[SpecEntry], cache: Path, jobs: list[tuple[str, str]]) -> int:
    """Write each job's `(spec path, digest file)`; returns how many files changed."""
    from specmesh_tasks.render.context import overview_view

    repo = digest_repo(root, entries, cache)
    by_path = {s.path: s for s in repo.specs}
    known = _Written(cache / "plan" / "digests.json")
    changed = 0
    for spec_rel, target in jobs:
        spec = by_path.get(spec_rel)
        view = overview_view(spec, repo) if spec is not None else {"unreadable": spec_rel}
        text = json.dumps(view, ensure_ascii=False, sort_keys=True) + "\n"
        if known.unchanged(target, text):
            continue  # same content as last written, and the file is still there
        changed += write_digest(Path(target), text)
    known.save()
    return changed


class _Written:
    """Hashes of the digests last written, so an index run reads one file instead of a thousand."""

    def __init__(self, file: Path) -> None:
        self.file = file
        try:
            self.hashes: dict[str, str] = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.hashes = {}
        self.dirty = False

    def unchanged(self, target: str, text: str) -> bool:
        from specmesh_tasks.fsutil import short_hash

        digest = short_hash(text)
        if self.hashes.get(target) == digest and os.path.exists(target):
            return True
        self.hashes[target] = digest
        self.dirty = True
        return False

    def save(self) -> None:
        if self.dirty:
            write_digest(self.file, json.dumps(self.hashes, sort_keys=True))


def write_digest(path: Path, text: str) -> bool:
    """Write a digest file unless unchanged (True when written).

    Not `fsutil.write_if_changed`: a thousand `mkstemp` calls cost more than the rest of the index.
    A fixed temporary name is safe because runs take the cache lock, and a digest torn by a crash
    only makes its plan re-render once.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True
