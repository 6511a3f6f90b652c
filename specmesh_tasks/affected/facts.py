"""What the affected-tests code knows about one file, cached by stat and content digest.

Freshness is checked cheapest first: (mtime, size) from `os.stat`, then the content digest; a
file is parsed again only when its digest changed. An entry whose mtime is within two seconds of
the moment the cache was written is "racy" (a later edit in the same clock tick could keep the
same mtime and size) and is re-hashed on the next run, as git does for its index.

The cache lives in `.specify/.cache/affected-files.json`, is written only when it changed, and is
rebuilt, never migrated, when its schema number differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the readers load only when a file is (re)read: a stat-only run skips them
    from specmesh_tasks.affected.imports import ImportRef
    from specmesh_tasks.model.spec import TestTag

SCHEMA = 3
CACHE_NAME = "affected-files.json"
RACY_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class FileFacts:
    """One file's digest and what was read from it."""

    digest: str
    imports: tuple[ImportRef, ...] = ()
    error: str | None = None  # a Python syntax error, "LINE: message"
    tags: tuple[TestTag, ...] = ()  # test files only
    tests: tuple[str, ...] | None = None  # test names defined (Python test files), None = unknown
    summary: dict[str, Any] | None = None  # definitions and references (`symbols.summarize`)


def content_digest(data: bytes) -> str:
    """A short digest of raw file content (raw: for code, every byte can matter)."""
    return hashlib.sha256(data).hexdigest()[:20]


class FactsCache:
    """`rel path -> FileFacts`, reading and parsing only files whose content changed."""

    def __init__(self, root: Path, cache_file: Path | None) -> None:
        self.root = Path(root)
        self.cache_file = cache_file
        self.entries: dict[str, dict[str, Any]] = {}
        self.written_ns = 0
        self.changed = False
        self.memo: dict[tuple[str, bool], FileFacts | None] = {}
        self._load()

    def _load(self) -> None:
        if self.cache_file is None:
            return
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("schema") == SCHEMA:
            self.entries = data.get("files") or {}
            self.written_ns = int(data.get("written_ns") or 0)

    def facts(self, rel: str, *, test: bool = False) -> FileFacts | None:
        """The facts of `rel` (None when it does not exist or cannot be read)."""
        key = (rel, test)
        if key not in self.memo:
            self.memo[key] = self._facts(rel, test)
        return self.memo[key]

    def _facts(self, rel: str, test: bool) -> FileFacts | None:
        path = self.root / rel
        try:
            stat = path.stat()
        except OSError:
            return None
        entry = self.entries.get(rel)
        if entry is not None and self._trusted(entry, stat) and (entry.get("k") or not test):
            return _from_entry(rel, entry)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest = content_digest(data)
        if entry is not None and entry.get("d") == digest and (entry.get("k") or not test):
            entry["m"], entry["s"] = stat.st_mtime_ns, stat.st_size
            self.changed = True
            return _from_entry(rel, entry)
        facts = _read_facts(rel, data, digest, test)
        self.entries[rel] = _to_entry(facts, stat, test)
        self.changed = True
        return facts

    def _trusted(self, entry: dict[str, Any], stat: os.stat_result) -> bool:
        if entry.get("m") != stat.st_mtime_ns or entry.get("s") != stat.st_size:
            return False
        return bool(stat.st_mtime_ns < self.written_ns - RACY_NS)

    def any_stale(self) -> bool:
        """Did any file this cache knows change or vanish? Stats only (racy entries are hashed)."""
        if not self.entries:
            return True
        for rel, entry in self.entries.items():
            try:
                stat = (self.root / rel).stat()
            except OSError:
                return True
            if entry.get("m") != stat.st_mtime_ns or entry.get("s") != stat.st_size:
                return True
            if not self._trusted(entry, stat):
                try:
                    if content_digest((self.root / rel).read_bytes()) != entry.get("d"):
                        return True
                except OSError:
                    return True
        return False

    def save(self) -> None:
        """Write the cache if anything changed or some entry is still racy."""
        if self.cache_file is None:
            return
        now = time.time_ns()
        racy = any(e.get("m", 0) >= self.written_ns - RACY_NS for e in self.entries.values())
        if not (self.changed or racy):
            return
        live = {rel for rel, _ in self.memo} or set(self.entries)
        files = {rel: self.entries[rel] for rel in sorted(self.entries) if rel in live}
        payload = {"schema": SCHEMA, "written_ns": now, "files": files}
        from specmesh_tasks.fsutil import write_if_changed

        write_if_changed(self.cache_file, json.dumps(payload, separators=(",", ":")))


def _read_facts(rel: str, data: bytes, digest: str, test: bool) -> FileFacts:
    """Parse a file once for everything we need from it."""
    from specmesh_tasks.affected.imports import ImportRef, parse_python, scan_imports
    from specmesh_tasks.affected.symbols import summarize

    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    python = rel.endswith(".py")
    tree, error = parse_python(text) if python else (None, None)
    summary = summarize(tree, text) if tree is not None else None
    if summary is not None:  # the summary's walk already listed the imports
        imports = tuple(dict.fromkeys(ImportRef(m, tuple(n), lv) for m, n, lv in summary.pop("i")))
    else:
        imports = scan_imports(text).imports if python else ()
    tags: tuple[TestTag, ...] = ()
    tests: tuple[str, ...] | None = None
    if test:
        from specmesh_tasks.parse.test_tags import read_test_file

        tags, tests = read_test_file(text, rel, tree)
    return FileFacts(digest, imports, error, tags, tests, summary)


def _to_entry(facts: FileFacts, stat: os.stat_result, test: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"m": stat.st_mtime_ns, "s": stat.st_size, "d": facts.digest}
    if facts.imports:
        entry["i"] = [[r.module, list(r.names), r.level] for r in facts.imports]
    if facts.error:
        entry["e"] = facts.error
    if facts.summary is not None:
        entry["y"] = facts.summary
    if test:
        entry["k"] = 1
        entry["t"] = [[t.id, t.location.line, t.test, t.source] for t in facts.tags]
        if facts.tests is not None:
            entry["n"] = list(facts.tests)
    return entry


def _from_entry(rel: str, entry: dict[str, Any]) -> FileFacts:
    from specmesh_tasks.affected.imports import ImportRef
    from specmesh_tasks.model.spec import Location, TestTag

    imports = tuple(ImportRef(m, tuple(n), int(lv)) for m, n, lv in entry.get("i", ()))
    tags = tuple(TestTag(i, Location(rel, int(line)), test, src) for i, line, test, src in entry.get("t", ()))
    tests = tuple(entry["n"]) if "n" in entry else None
    return FileFacts(str(entry["d"]), imports, entry.get("e"), tags, tests, entry.get("y"))
