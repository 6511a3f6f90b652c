"""What the affected-tests code knows about one file, cached by its stamp and content digest.

Freshness is `specmesh_tasks.freshness`: a file whose stamp (size, mtime, ctime, inode) equals the
settled stamp stored for it is not read; otherwise its content digest decides, and a file is
parsed again only when its digest changed.

The cache lives in `.specify/.cache/affected-files.json`, is written only when it changed, and is
rebuilt, never migrated, when its schema number differs. A damaged file, or a damaged entry in
it, reads as "not cached": that file is read again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.freshness import Stamp, file_stamp, settled, stamp_from_row, stamp_to_row, unchanged
from specmesh_tasks.fsutil import read_regular

if TYPE_CHECKING:  # the readers load only when a file is (re)read: a stat-only run skips them
    from specmesh_tasks.affected.imports import ImportRef
    from specmesh_tasks.affected.summary import Summary
    from specmesh_tasks.model.spec import TestTag

SCHEMA = 5
CACHE_NAME = "affected-files.json"


@dataclass(frozen=True, slots=True)
class FileFacts:
    """One file's digest and what was read from it."""

    digest: str
    imports: tuple[ImportRef, ...] = ()
    error: str | None = None  # a Python syntax error, "LINE: message"
    tags: tuple[TestTag, ...] = ()  # test files only
    tests: tuple[str, ...] | None = None  # test names defined (Python test files), None = unknown
    summary: Summary | None = None  # definitions, references and bodies (`summary.summarize`)
    test: bool = False  # read as a test file (tags and test names looked for)


@dataclass(slots=True)
class _Entry:
    """A cache row: the facts and the stamp the file had when they were read (None: unsettled)."""

    stamp: Stamp | None
    facts: FileFacts


def content_digest(data: bytes) -> str:
    """A short digest of raw file content (raw: for code, every byte can matter)."""
    return hashlib.sha256(data).hexdigest()[:20]


class FactsCache:
    """`rel path -> FileFacts`, reading and parsing only files whose content changed."""

    def __init__(self, root: Path, cache_file: Path | None) -> None:
        self.root = Path(root)
        self.cache_file = cache_file
        self.saved: dict[str, Any] = {}  # rows as read from the cache file, decoded on first use
        self.entries: dict[str, _Entry] = {}
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
        if isinstance(data, dict) and data.get("schema") == SCHEMA and isinstance(data.get("files"), dict):
            self.saved = data["files"]

    def _entry(self, rel: str) -> _Entry | None:
        if rel not in self.entries and rel in self.saved:
            entry = _from_row(rel, self.saved.pop(rel))
            if entry is not None:
                self.entries[rel] = entry
        return self.entries.get(rel)

    def facts(self, rel: str, *, test: bool = False) -> FileFacts | None:
        """The facts of `rel` (None when it does not exist or cannot be read)."""
        key = (rel, test)
        if key not in self.memo:
            self.memo[key] = self._facts(rel, test)
        return self.memo[key]

    def _facts(self, rel: str, test: bool) -> FileFacts | None:
        path = self.root / rel
        stamp = file_stamp(path)
        if stamp is None:
            return None
        entry = self._entry(rel)
        usable = entry is not None and (entry.facts.test or not test)
        if usable and unchanged(entry.stamp, stamp):  # type: ignore[union-attr]
            return entry.facts  # type: ignore[union-attr]
        try:
            data = read_regular(path)
        except OSError:  # gone, unreadable, or not a regular file (a FIFO is never opened)
            data = None
        if data is None:
            return None
        digest = content_digest(data)
        if usable and entry.facts.digest == digest:  # type: ignore[union-attr]
            entry.stamp = stamp  # type: ignore[union-attr]
            self.changed = True
            return entry.facts  # type: ignore[union-attr]
        facts = _read_facts(rel, data, digest, test)
        self.entries[rel] = _Entry(stamp, facts)
        self.changed = True
        return facts

    def still_as_read(self, rel: str) -> bool:
        """The file still has the stamp it had when this run read (or confirmed) its facts."""
        entry = self.entries.get(rel)
        return entry is not None and entry.stamp is not None and entry.stamp == file_stamp(self.root / rel)

    def any_stale(self) -> bool:
        """Did any file this cache knows change or vanish? Stats only (unsettled files are hashed)."""
        rels = set(self.saved) | set(self.entries)
        if not rels:
            return True
        for rel in rels:
            entry = self._entry(rel)
            if entry is None:
                return True
            stamp = file_stamp(self.root / rel)
            if stamp is None:
                return True
            if unchanged(entry.stamp, stamp):
                continue
            try:
                if content_digest((self.root / rel).read_bytes()) != entry.facts.digest:
                    return True
            except OSError:
                return True
        return False

    def save(self) -> None:
        """Write the cache if anything changed or some entry is still unsettled."""
        if self.cache_file is None:
            return
        now = time.time_ns()
        live = {rel for rel, _ in self.memo} or set(self.entries)
        for rel in live:
            self._entry(rel)
        rows = {}
        unsettled = False
        for rel in sorted(self.entries):
            if rel not in live:
                continue
            entry = self.entries[rel]
            stamp = settled(entry.stamp, now)
            unsettled = unsettled or stamp is None
            rows[rel] = _to_row(entry.facts, stamp)
        if not (self.changed or unsettled):
            return
        from specmesh_tasks.fsutil import write_if_changed

        payload = {"schema": SCHEMA, "files": rows}
        write_if_changed(self.cache_file, json.dumps(payload, separators=(",", ":")))


def _read_facts(rel: str, data: bytes, digest: str, test: bool) -> FileFacts:
    """Parse a file once for everything we need from it."""
    from specmesh_tasks.affected.imports import ImportRef, parse_python, scan_imports
    from specmesh_tasks.affected.summary import summarize

    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    python = rel.endswith(".py")
    tree, error = parse_python(text) if python else (None, None)
    summary = summarize(tree, text) if tree is not None else None
    if summary is not None:  # the summary's walk already listed the imports
        imports = tuple(dict.fromkeys(ImportRef(w.module, w.names, w.level) for w in summary.written))
    else:
        imports = scan_imports(text).imports if python else ()
    tags: tuple[TestTag, ...] = ()
    tests: tuple[str, ...] | None = None
    if test:
        from specmesh_tasks.parse.test_file import read_test_file

        tags, tests = read_test_file(text, rel, tree)
    return FileFacts(digest, imports, error, tags, tests, summary, test)


def _to_row(facts: FileFacts, stamp: Stamp | None) -> dict[str, Any]:
    from specmesh_tasks.affected.summary import summary_to_json

    row: dict[str, Any] = {"stamp": stamp_to_row(stamp), "digest": facts.digest}
    if facts.imports:
        row["imports"] = [[r.module, list(r.names), r.level] for r in facts.imports]
    if facts.error:
        row["error"] = facts.error
    if facts.summary is not None:
        row["summary"] = summary_to_json(facts.summary)
    if facts.test:
        row["tags"] = [[t.id, t.location.line, t.test, t.source] for t in facts.tags]
        if facts.tests is not None:
            row["tests"] = list(facts.tests)
    return row


def _from_row(rel: str, row: Any) -> _Entry | None:
    """A cache row decoded; None when it is damaged (the file is then read again)."""
    from specmesh_tasks.affected.imports import ImportRef
    from specmesh_tasks.model.spec import Location, TestTag

    try:
        summary = None
        if "summary" in row:
            from specmesh_tasks.affected.summary import summary_from_json

            summary = summary_from_json(row["summary"])
            if summary is None:
                return None
        imports = tuple(ImportRef(str(m), tuple(map(str, n)), int(lv)) for m, n, lv in row.get("imports", ()))
        tags = tuple(TestTag(str(i), Location(rel, int(line)), None if t is None else str(t), str(src))
                     for i, line, t, src in row.get("tags", ()))
        tests = tuple(map(str, row["tests"])) if "tests" in row else None
        error = row.get("error")
        facts = FileFacts(str(row["digest"]), imports, None if error is None else str(error), tags, tests,
                          summary, "tags" in row)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return _Entry(stamp_from_row(row.get("stamp")), facts)
