"""The one loader: files found by `discover`, read by `parse`, kept in the parse cache -> the model.

It sits above `parse/` and `model/` (the model never imports a parser) and is what every consumer
(gates, plan, tasks, affected tests, reports) uses to get specs as model objects:

- `load_repo(root)`: the whole tree as a `Repo` (every spec, the matrix, the test files' spec
  tags), for a caller that looks at everything.
- `parse_cache_for(root)` + `load_one(root, rel, store)`: one spec through the same cache, for a
  caller that knows which files it needs.
- `load_outline(root, entries, store)`: the overview specs in full and every other spec as the
  stub of its header lines (`header_stub`): what a plan shows of the tree besides its own spec.

Files are found by `specmesh_tasks.discover` (every `spec.md` and `test-scenarios.md` under
`.specify/specs/`, wherever it sits: the standard layout, the legacy and flat layouts and nested
projects alike; the matrix by file name). Each spec is parsed once and kept in the parse cache
keyed by its stat and text digest, so a run where no spec changed reads no spec file. A file that
cannot be read or parsed gives Problems; it never stops the others.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.fsutil import rel_posix
from specmesh_tasks.model.spec import Definition, MatrixDoc, Problem, Repo, SpecDoc, TestTag
from specmesh_tasks.parse import problems as codes
from specmesh_tasks.parse.cache import ParseCache, text_key
from specmesh_tasks.parse.matrix import parse_matrix
from specmesh_tasks.parse.problems import problem
from specmesh_tasks.parse.source import read_source
from specmesh_tasks.parse.spec import parse_spec

if TYPE_CHECKING:
    from collections.abc import Sequence

    from specmesh_tasks.config import Settings
    from specmesh_tasks.headers import SpecEntry

def load_repo(root: Path, settings: Settings | None = None, *, cache: bool = True,
              test_tags: bool = True, definitions: bool = True) -> Repo:
    """Read every spec, the matrix and the test files' tags under `root` into a Repo.

    `cache=False` neither reads nor writes the parse cache (test workers, read-only trees);
    `test_tags=False` skips the test files (callers that keep their own tag index);
    `definitions=False` leaves `Repo.definitions` empty (the gates build their own index).
    """
    from specmesh_tasks.discover import find_matrix, iter_spec_files

    root = Path(root).resolve()
    problems: list[Problem] = []
    store = ParseCache(_cache_file(root) if cache else None)
    specs = [doc for path in iter_spec_files(root)
             if (doc := _guarded_load(root, path, store, problems)) is not None]
    matrix_path = find_matrix(root)
    matrix = _load_matrix(root, matrix_path, store) if matrix_path is not None else None
    tags = _load_test_tags(root, settings, problems) if test_tags else ()
    store.save()
    by_id = index_definitions(specs) if definitions else {}  # ~20k small tuples at 1000 specs
    return Repo(
        root=root.as_posix(), specs=tuple(specs), matrix=matrix, test_tags=tags,
        problems=tuple(problems), definitions=by_id,
    )


def index_definitions(specs: list[SpecDoc] | tuple[SpecDoc, ...]) -> dict[str, tuple[Definition, ...]]:
    """ID -> every definition of it (sorted by file and line, so duplicates are visible)."""
    found: dict[str, list[Definition]] = {}
    for doc in specs:
        for definition in doc.definitions:
            found.setdefault(definition.id, []).append(definition)
    return {
        item_id: tuple(defs) if len(defs) == 1 else tuple(sorted(defs, key=_file_line))
        for item_id, defs in sorted(found.items())
    }


def _file_line(d: Definition) -> tuple[str, int]:
    return (d.location.file, d.location.line)


def _cache_file(root: Path) -> Path | None:
    try:
        from specmesh_tasks.state import cache_dir

        return cache_dir(root) / "parse" / "specs.pickle"
    except OSError:
        return None  # a read-only tree: no cache


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def load_one(root: Path, rel: str, store: ParseCache) -> tuple[SpecDoc | None, list[Problem]]:
    """One spec through the parse cache `store` (re-parsed only when its text changed): what a
    caller that knows which files changed uses instead of loading the whole tree."""
    problems: list[Problem] = []
    root = Path(root).resolve()
    doc = _guarded_load(root, root / rel, store, problems)
    return doc, problems


def load_outline(root: Path, entries: Sequence[SpecEntry], store: ParseCache) -> Repo:
    """The overview specs (vision, domain, screen, unknown kinds) loaded in full, every other spec
    as `header_stub`, in `load_repo`'s order (an overview spec that cannot be read is left out,
    as `load_repo` leaves it)."""
    from specmesh_tasks.model.spec import SpecKind

    detailed = (SpecKind.VISION, SpecKind.DOMAIN, SpecKind.SCREEN, SpecKind.UNKNOWN)
    specs = [load_one(root, e.rel, store)[0] if e.kind in detailed else header_stub(e) for e in entries]
    return Repo(root=Path(root).resolve().as_posix(), specs=tuple(s for s in specs if s is not None), matrix=None)


def header_stub(entry: SpecEntry) -> SpecDoc:
    """A spec as its header lines tell it (ID, title, status, kind), without reading it again:
    the task declaration's header scan (`headers.SpecEntry`) reads them by the same grammar."""
    from specmesh_tasks.model.spec import HeaderField

    pairs = (("Spec ID", entry.spec_id), ("Status", entry.status))
    headers = tuple(HeaderField(k, v, 0) for k, v in pairs if v)
    return SpecDoc(path=entry.rel, kind=entry.kind, title=entry.title, h1_line=0, headers=headers,
                   sections=(), tables=(), markers=(), definitions=(), references=())


def parse_cache_for(root: Path, *, lazy: bool = False) -> ParseCache:
    """The tree's parse cache (or an inert one for a read-only tree)."""
    return ParseCache(_cache_file(Path(root).resolve()), lazy=lazy)


def _guarded_load(root: Path, path: Path, store: ParseCache, problems: list[Problem]) -> SpecDoc | None:
    try:
        return _load_spec(root, path, store, problems)
    except Exception as exc:
        problems.append(problem(codes.READER_ERROR, rel_posix(path, root), 0,
                                f"internal reader error: {type(exc).__name__}: {exc}"))
        return None


def _load_spec(root: Path, path: Path, store: ParseCache, problems: list[Problem]) -> SpecDoc | None:
    """One spec from the cache or parsed afresh; None (and a Problem) when it cannot be read."""
    rel = rel_posix(path, root)
    stat = _stat(path)
    if stat is not None:
        cached = store.by_stat(rel, stat)
        if isinstance(cached, SpecDoc):
            return cached
    text, found = read_source(path, rel, root=root)
    if text is None:
        problems.extend(found)
        return None
    key = text_key(text, _problems_key(found))
    cached = store.by_text(rel, stat, key)
    if isinstance(cached, SpecDoc):
        return cached
    doc = parse_spec(text, rel)
    if found:
        doc = replace(doc, problems=tuple(found) + doc.problems)
    store.put(rel, stat, key, doc)
    return doc


def _problems_key(found: list[Problem]) -> str:
    return "".join(f":{p.code}@{p.location.line}" for p in found)


def _load_matrix(root: Path, path: Path, store: ParseCache) -> MatrixDoc:
    """The matrix, from the parse cache when unchanged (scanning a large one for IDs is slow)."""
    rel = rel_posix(path, root)
    stat = _stat(path)
    if stat is not None:
        cached = store.by_stat(rel, stat)
        if isinstance(cached, MatrixDoc):
            return cached
    text, found = read_source(path, rel, root=root)
    if text is None:
        return MatrixDoc(rel, None, tuple(found))
    key = text_key(text, ":matrix" + _problems_key(found))
    cached = store.by_text(rel, stat, key)
    if isinstance(cached, MatrixDoc):
        return cached
    doc = parse_matrix(text, rel)
    doc = replace(doc, problems=tuple(found) + doc.problems) if found else doc
    store.put(rel, stat, key, doc)
    return doc


def _load_test_tags(root: Path, settings: Settings | None, problems: list[Problem]) -> tuple[TestTag, ...]:
    from specmesh_tasks.discover import iter_test_files
    from specmesh_tasks.parse.test_file import parse_test_tags

    tags: list[TestTag] = []
    for path in iter_test_files(root, _settings(root, settings)):
        rel = rel_posix(path, root)
        text, found = read_source(path, rel, root=root)
        problems.extend(found)
        if text is None:
            continue
        try:
            tags.extend(parse_test_tags(text, rel))
        except Exception as exc:
            problems.append(problem(codes.READER_ERROR, rel, 0,
                                    f"internal error reading test tags: {type(exc).__name__}: {exc}"))
    return tuple(tags)


def _settings(root: Path, settings: Settings | None) -> Settings | None:
    """The given settings, else the project's; a bad config file falls back to the defaults
    (the config check reports it with its own one-line error)."""
    if settings is not None:
        return settings
    from specmesh_tasks.config import load_settings
    from specmesh_tasks.errors import SpecmeshError

    try:
        return load_settings(root)
    except SpecmeshError:
        return None
