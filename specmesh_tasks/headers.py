"""The header entry of every spec - kind, Spec ID, status, title - which is all task declaration
reads of a spec, kept by file stamp in `.specify/.cache/headers.json`.

`scan_tree` reads a spec's first bytes again only when its `freshness` stamp changed (rows
`[stamp, kind, spec ID, status, title]`; an unsettled stamp is stored as None, so the file is read
again next time), by the one header grammar (`formats.spec_header`). A spec that is not a regular
file gets no entry and is never opened. On the path of every no-op run: no model classes here.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from specmesh_tasks.discover import KIND_VALUES, SPEC_FILE_NAMES, Listing, cache_doc, list_tree, save_doc
from specmesh_tasks.freshness import settled, stamp_from_stat, stamp_to_row

if TYPE_CHECKING:
    from specmesh_tasks.model.spec import SpecKind

HEADER_CACHE_VERSION = 5  # 4: rows read by formats.spec_header; 5: rows keyed by freshness stamps


@cache
def _kinds() -> dict[str, SpecKind]:
    from specmesh_tasks.model.spec import SpecKind

    return {kind.value: kind for kind in SpecKind}


@dataclass(frozen=True, slots=True)
class SpecEntry:
    """What task declaration needs to know about a spec, from its header lines only.

    Plain strings (`file`, `kind_value`): the no-op path builds a thousand of these. `path` and
    `kind` give the Path and SpecKind forms on demand.
    """

    file: str  # absolute path, `/`-separated below the root
    rel: str  # root-relative POSIX path
    kind_value: str  # a SpecKind value
    spec_id: str | None
    status: str | None
    title: str

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def folder(self) -> str:
        """The spec's directory as a string."""
        return self.file[: self.file.rfind("/")]

    @property
    def name(self) -> str:
        """The spec's file name."""
        return self.file[self.file.rfind("/") + 1:]

    @property
    def kind(self) -> SpecKind:
        return _kinds()[self.kind_value]


def _entry(file: str, rel: str, text: str) -> SpecEntry:
    """The entry of one spec from the first bytes of its text, read by the one header grammar
    (`formats.spec_header`, imported here: only a spec whose stat changed gets this far)."""
    from specmesh_tasks.formats.spec_header import read_header_text, spec_kind

    header = read_header_text(text)
    return SpecEntry(file, rel, spec_kind(header, rel), header.get("Spec ID", "Spec ID(s)"),
                     header.get("Status"), header.title)


class SpecTree(NamedTuple):
    """One scan of `.specify/specs/`: the spec entries and every listed file."""

    entries: list[SpecEntry]
    listing: Listing


def scan_tree(root: Path, listing: Listing | None = None) -> SpecTree:
    """Every spec's header entry (reading only files whose stamp changed since the last scan,
    rows `[stamp, kind, spec ID, status, title]` kept in `.specify/.cache/headers.json`) and the
    listing of `.specify/specs/` (`list_tree`, unless the caller took it already in this run).
    A listed spec that is not a regular file gets no entry and is never opened."""
    base = str(root)
    if listing is None:
        listing = list_tree(base)
    doc = cache_doc(base, "headers", HEADER_CACHE_VERSION)
    rows: dict[str, list[Any]] = doc["data"]
    dirty = doc["dirty"]
    entries: list[SpecEntry] = []
    live: set[str] = set()
    prefix = len(base) + 1
    for name in listing.named(SPEC_FILE_NAMES):
        rel = name[prefix:]
        try:
            st = os.stat(name)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue  # a FIFO would block the read for ever
        live.add(rel)
        stamp = stamp_from_stat(st)
        row = rows.get(rel)
        if _row_ok(row) and row[0] == stamp_to_row(stamp):
            entries.append(SpecEntry(name, rel, row[1], row[2], row[3], row[4]))
            continue
        entry = _entry(name, rel, _read_head(name))
        # An unsettled stamp is stored as None: the file is read again next time.
        rows[rel] = [stamp_to_row(settled(stamp)), entry.kind_value, entry.spec_id, entry.status, entry.title]
        dirty = True
        entries.append(entry)
    if len(live) != len(rows):
        for gone in [k for k in rows if k not in live]:
            del rows[gone]
        dirty = True
    if dirty:
        save_doc(doc)
    return SpecTree(entries, listing)


def _row_ok(row: Any) -> TypeGuard[list[Any]]:
    """A header row as `scan_tree` writes it (the cache file may be damaged)."""
    if type(row) is not list or len(row) != 5:
        return False
    _, kind, spec_id, status, title = row
    return (isinstance(kind, str) and kind in KIND_VALUES and isinstance(title, str)
            and (spec_id is None or isinstance(spec_id, str)) and (status is None or isinstance(status, str)))


def scan_specs(root: Path) -> list[SpecEntry]:
    """Every spec's header entry, reading only files whose stat changed since the last scan."""
    return scan_tree(root).entries


def _read_head(path: str, limit: int = 16384) -> str:
    """The first bytes of a file as text; undecodable bytes replaced (the gates report them)."""
    try:
        # Non-blocking: a file swapped for a FIFO since it was stat'ed reads as empty, never hangs.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            data = handle.read(limit) or b""
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
