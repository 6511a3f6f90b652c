"""The part of the tree a plan needs, without loading the whole tree.

A plan shows its own spec in full, the overview specs in full, and of every other spec only its
ID, title, status and kind (for the features it cites, and to tell whether a related spec exists).
So `plan:<ID>` parses its own spec, and shares within the process one tree of the overview specs
(parsed) and a stub of every other spec made from the header scan that task declaration already
did (`spec_entries()`, cached by stat). The header scan and the reader agree on those four values
(tests/unit/test_tasks_plan_repo.py checks the rendered context is the same as with `load_repo`),
so the plan, and the gates' stale check that uses the full tree, come out the same.
"""

from __future__ import annotations

from pathlib import Path

from specmesh_tasks.discover import SpecEntry
from specmesh_tasks.model.spec import HeaderField, Problem, Repo, SpecDoc, SpecKind

_DETAILED_KINDS = frozenset({SpecKind.VISION, SpecKind.DOMAIN, SpecKind.SCREEN, SpecKind.UNKNOWN})
_parsed: dict[str, tuple[tuple[int, int], SpecDoc | None, tuple[Problem, ...]]] = {}


def parse_file(root: Path, rel: str) -> tuple[SpecDoc | None, tuple[Problem, ...]]:
    """One spec parsed (None when it cannot be read), kept in memory by stat for this process."""
    from dataclasses import replace

    from specmesh_tasks.parse.source import read_source
    from specmesh_tasks.parse.spec import parse_spec

    path = root / rel
    stamp = _stamp(path)
    hit = _parsed.get(rel)
    if hit is not None and hit[0] == stamp:
        return hit[1], hit[2]
    text, found = read_source(path, rel, root=root)
    doc = parse_spec(text, rel) if text is not None else None
    if doc is not None and found:
        doc = replace(doc, problems=tuple(found) + doc.problems)
    _parsed[rel] = (stamp, doc, tuple(found))
    return doc, tuple(found)


def stub(entry: SpecEntry) -> SpecDoc:
    """What other plans show of a spec, from its header lines only."""
    pairs = (("Spec ID", entry.spec_id), ("Status", entry.status))
    headers = tuple(HeaderField(k, v, 0) for k, v in pairs if v)
    return SpecDoc(path=entry.rel, kind=entry.kind, title=entry.title, h1_line=0, headers=headers,
                   sections=(), tables=(), markers=(), definitions=(), references=())


_base: dict[str, object] = {}


def base_repo(root: Path, entries: list[SpecEntry]) -> Repo:
    """Overview specs parsed, every other spec as a stub, in `load_repo`'s order (kept per process
    while the header scan and the overview files are unchanged)."""
    if _base.get("entries") is not entries:
        _base.clear()
        _base["entries"] = entries
        _base["overview"] = [e for e in entries if e.kind in _DETAILED_KINDS]
    overview: list[SpecEntry] = _base["overview"]  # type: ignore[assignment]
    stamps = tuple(_stamp(root / e.rel) for e in overview)
    if _base.get("stamps") == stamps:
        return _base["repo"]  # type: ignore[return-value]
    docs: list[SpecDoc] = []
    for entry in entries:
        doc = parse_file(root, entry.rel)[0] if entry.kind in _DETAILED_KINDS else stub(entry)
        if doc is not None:
            docs.append(doc)
    _base["stamps"] = stamps
    _base["repo"] = Repo(root=root.resolve().as_posix(), specs=tuple(docs), matrix=None)
    return _base["repo"]  # type: ignore[return-value]


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def light_repo(root: Path, entries: list[SpecEntry],
               spec_rel: str) -> tuple[Repo, SpecDoc | None, list[Problem]]:
    """The shared tree for plans, and `spec_rel` parsed (None when it cannot be read)."""
    spec, problems = parse_file(root, spec_rel)
    return base_repo(root, entries), spec, list(problems)
