"""What the reports need of each file, cached per file in `.specify/.cache/trace/projections.json`.

A full model of a large tree costs a second to unpickle; the reports need a small part of it: of
a spec its kind, ID, title, status, definitions, the IDs it cites and its Feature Index rows; of a
tasks.md its task lines and the IDs each cites; of a plan.md the generated lines and blocks and
the IDs each shows; of the matrix its entries and the IDs each names. Each file's projection is
made from the package's one reader (specs through `load.load_one` and the parse cache) and
kept with the file's `freshness.Stamp`; a file whose stamp did not change is not read again.
Measured A/B on the 1000-feature bench tree (whole processes, a report computed afresh): without
this cache the run costs 1.8x the CPU (every spec from the parse cache, then projected).

Projections are JSON data (lists, not objects) so the cache reads back at `json` speed;
`unproject_spec` turns a spec's projection back into a `SpecDoc` holding just those fields, so the
model's own functions (`requirement_index`, `index_definitions`) work on it unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import (
    Definition,
    HeaderField,
    Location,
    RequirementRow,
    SpecDoc,
    SpecKind,
)

PROJECTION_VERSION = 1
CACHE_NAME = "trace/projections.json"

Projection = Any  # JSON data: dicts and lists of str and int


class ProjectionCache:
    """Root-relative path -> (freshness stamp, projection), in one JSON file."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.rows: dict[str, list[Any]] = {}
        self.dirty = False
        if file is not None:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == PROJECTION_VERSION:
                    self.rows = dict(data["rows"])
            except (OSError, ValueError, KeyError, TypeError):
                self.rows = {}

    def get(self, root: Path, rel: str, make: Callable[[str], Projection]) -> Projection:
        """The projection of `rel`, made again by `make(rel)` when the file changed."""
        from specmesh_tasks.freshness import file_stamp, settled, stamp_from_row, stamp_to_row, unchanged

        stamp = file_stamp(root / rel)
        row = self.rows.get(rel)
        if row is not None and unchanged(stamp_from_row(row[0]), stamp):
            return row[1]
        value = make(rel)
        self.rows[rel] = [stamp_to_row(settled(stamp)), value]
        self.dirty = True
        return value

    def save(self, live: Collection[str]) -> None:
        """Write the cache when something changed (entries of files not in `live` are dropped)."""
        if self.file is None:
            return
        if set(self.rows) - set(live):
            self.rows = {rel: row for rel, row in self.rows.items() if rel in live}
            self.dirty = True
        if self.dirty:
            from specmesh_tasks.fsutil import write_if_changed

            text = json.dumps({"version": PROJECTION_VERSION, "rows": self.rows}, ensure_ascii=False,
                              sort_keys=True, separators=(",", ":"))
            write_if_changed(self.file, text)


# --------------------------------------------------------------------------------------- specs

_SPEC_LEVEL = frozenset({IdKind.FEATURE, IdKind.FIX, IdKind.VISION, IdKind.DOMAIN, IdKind.SCREEN_SPEC,
                         IdKind.TEST_SCENARIO})


def project_spec(doc: SpecDoc | None) -> Projection:
    """A spec's kind, header values, definitions, cited IDs (first line, how) and Feature Index."""
    if doc is None:
        return None
    dependencies = {d.id for d in doc.dependencies}
    refs: dict[str, list[Any]] = {}
    for ref in doc.references:
        how = "dependency" if ref.id in dependencies else "reference"
        known = refs.get(ref.id)
        if known is None or (how == "dependency" and known[2] != how):
            refs[ref.id] = [ref.kind.value, ref.location.line, how]
    related = {row.id: list(row.related_use_cases) for row in doc.requirements if row.related_use_cases}
    return {
        "kind": doc.kind.value, "id": doc.spec_id or "", "title": doc.title, "status": doc.status or "",
        "defs": [[d.id, d.kind.value, d.title, d.location.line, d.digest, d.parent or ""]
                 for d in doc.definitions],
        "related": related,
        "refs": [[item, *rest] for item, rest in refs.items()],
        "index": [[row.feature_id, row.location.line, list(row.related)] for row in doc.feature_index],
    }


def unproject_spec(rel: str, data: Projection) -> SpecDoc:
    """A SpecDoc carrying the projected header values, definitions and FR/SC rows' use cases: what
    `requirement_index` and `index_definitions` read. (Cited IDs and Feature Index rows stay data:
    `cited_ids` and `index_rows`.)"""
    defs = tuple(Definition(i, IdKind(k), title, Location(rel, line), line, digest, parent or None)
                 for i, k, title, line, digest, parent in data["defs"])
    kinds = {d.id: d.kind for d in defs}
    rows = tuple(RequirementRow(i, kinds.get(i, IdKind.FR), "", tuple(ucs), None, Location(rel, 0), "")
                 for i, ucs in data["related"].items())
    headers = (HeaderField("Spec ID", data["id"], 0), HeaderField("Status", data["status"], 0))
    return SpecDoc(path=rel, kind=SpecKind(data["kind"]), title=data["title"], h1_line=0, headers=headers,
                   sections=(), tables=(), markers=(), definitions=defs, references=(), requirements=rows)


def cited_ids(data: Projection) -> dict[str, tuple[IdKind, int, str]]:
    """ID -> (kind, first line, how) for every ID a spec cites; how is `dependency` when it is in a
    dependency table, else `reference`."""
    return {i: (IdKind(k), line, how) for i, k, line, how in data["refs"]}


def index_rows(data: Projection) -> list[tuple[str, int, tuple[str, ...]]]:
    """The Feature Index rows of an overview spec: (feature ID, line, related IDs)."""
    return [(i, line, tuple(related)) for i, line, related in data["index"]]


def is_spec_level(kind: IdKind) -> bool:
    """IDs that name a whole spec (a feature, a fix, an overview spec)."""
    return kind in _SPEC_LEVEL


# --------------------------------------------------------------------------- tasks.md, plan.md


def project_tasks(text: str | None, rel: str) -> Projection:
    """Task lines of a tasks.md: `[id, done, line, [IDs cited by its tags and description]]`."""
    if text is None:
        return None
    from specmesh_tasks.parse.scan import ids_in
    from specmesh_tasks.parse.tasks_md import parse_tasks_md

    doc = parse_tasks_md(text, rel)
    tasks = []
    for task in doc.tasks:
        item = task.item
        cited = dict.fromkeys(t.id for t in ids_in(" ".join((*item.tags, item.description))))
        tasks.append([item.id or "", bool(item.done), task.line, [c for c in cited if not c.startswith("T-")]])
    return {"tasks": tasks}


def project_plan(text: str | None) -> Projection:
    """Generated lines and blocks of a managed plan.md: `[name, line, [IDs shown]]`; for a plan we
    do not manage, every line that shows an ID (name "")."""
    if text is None:
        return None
    from specmesh_tasks.parse.plan import scan_plan
    from specmesh_tasks.parse.scan import ids_in

    scan = scan_plan(text)
    if scan.managed:
        slots = [[s.name, s.line, sorted({t.id for t in ids_in(s.content)})] for s in scan.slots]
    else:
        slots = [["", n, sorted({t.id for t in found})]
                 for n, line in enumerate(scan.lines, start=1) if (found := ids_in(line))]
    return {"slots": [s for s in slots if s[2]]}


# -------------------------------------------------------------------------------------- matrix


def project_matrix(text: str, rel: str) -> Projection:
    """Entries of cross-reference.json (`features/S-LOAN-001`) with the line of their key and the
    IDs each names, key included: `[entry, line, [IDs]]`; and the lines of every ID."""
    from specmesh_tasks.parse.matrix import parse_matrix
    from specmesh_tasks.parse.scan import ids_in

    doc = parse_matrix(text, rel)
    lines: dict[str, list[int]] = {}
    for ref in doc.references:
        lines.setdefault(ref.id, []).append(ref.location.line)
    raw = text.splitlines()
    entries = []
    data = doc.data if isinstance(doc.data, dict) else {}
    for section, members in data.items():
        if not isinstance(members, dict):
            continue
        at = _key_line(raw, section, 0)
        for key, value in members.items():
            named = dict.fromkeys(t.id for t in ids_in(json.dumps([key, value], ensure_ascii=False)))
            line = _key_line(raw, key, at)
            if named:
                entries.append([f"{section}/{key}", line, list(named)])
    return {"entries": entries, "lines": lines}


def _key_line(lines: list[str], key: str, after: int) -> int:
    """The 1-based line where `"key":` first appears after line `after` (0 when it does not)."""
    needle = json.dumps(key, ensure_ascii=False)
    for number in range(after, len(lines)):
        found = lines[number].find(needle)
        if found >= 0 and lines[number][found + len(needle):].lstrip().startswith(":"):
            return number + 1
    return 0
