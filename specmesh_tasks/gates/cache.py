"""The gates' own cache (`.specify/.cache/gates.json`): why `doit gates` is incremental.

Its parts:

- **run**: the whole report of the last run, valid while every input file (and every file a rule
  looked at) is unchanged, the configuration and options are the same, and the code is the same.
  "Unchanged" is the one freshness check every cache uses (`specmesh_tasks.freshness`: size,
  mtime, ctime and inode; a stamp taken in the racy window is stored unsettled and never matches).
  A no-op run is a directory walk, some stats and one small JSON read.
- **specs**: the findings of the one-file rules for each spec, by the spec's content digest, so a
  run after one edit re-checks only that file (the reader likewise re-parses only it); the
  cross-file rules are recomputed from the indexes. An edit to a few feature specs that leaves
  what the cross-file rules read of them unchanged does not even need the indexes: see `quick.py`.
- **kept**: costly results a rule keeps by the digest of its input (`RuleContext.kept`: the
  matrix's schema check, so the validator is imported only when the matrix changed).
- **rules**: the rule table of the last full run (the quick re-run imports only what it needs).
- **dirs**: the directory listings of `inputs.scan_inputs` (`discover.MemoWalk`).

The file is rebuilt, never migrated, when its version differs; deleting it only costs one full
run. A file that cannot be read, is not JSON, or has the wrong shape anywhere is read as far as
it is sound and rebuilt by the next save: never a traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from specmesh_tasks.freshness import file_stamp, settled, stamp_from_row, stamp_to_row, unchanged
from specmesh_tasks.gates.finding import Finding
from specmesh_tasks.gates.results import finding_from_row, finding_row

if TYPE_CHECKING:
    from collections.abc import Iterable

    from specmesh_tasks.config import Settings

CACHE_VERSION = 2
CACHE_NAME = "gates.json"

# A manifest row: the file's settled stamp as a JSON row, None when it was unsettled (never
# matches), MISSING when the file did not exist (a stable state: pytest.ini usually does not).
ManifestRow = list[int] | str | None
MISSING = "missing"


def manifest(root: Path, paths: Iterable[str], now_ns: int) -> dict[str, ManifestRow]:
    """The manifest rows of root-relative (or absolute) paths, settled against `now_ns`."""
    base = str(root)
    rows: dict[str, ManifestRow] = {}
    for path in sorted(set(paths)):
        stamp = file_stamp(os.path.join(base, path))
        rows[path] = MISSING if stamp is None else stamp_to_row(settled(stamp, now_ns))
    return rows


def holds(row: Any, full_path: str) -> bool:
    """True when a stored manifest row proves the file is as it was (or still missing)."""
    current = file_stamp(full_path)
    if row == MISSING:
        return current is None
    return unchanged(stamp_from_row(row), current)


class RunKeys(NamedTuple):
    """What, besides the files, decides the findings: `code` (our code and the settings) and
    `run` (that and the run's options). Computed once per run: the code fingerprint walks the
    package."""

    code: str
    run: str


def run_keys(settings: Settings, select: Iterable[str], ignore: Iterable[str]) -> RunKeys:
    """The keys of a run with these settings and options."""
    code = _digest(str(CACHE_VERSION), code_fingerprint(), settings.digest, repr(settings))
    return RunKeys(code, _digest(code, ",".join(select), ",".join(ignore)))


def _digest(*parts: str) -> str:
    return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def code_fingerprint() -> str:
    """Digest of the stamps of our own package files: a changed rule invalidates cached results."""
    import specmesh_tasks

    package = Path(specmesh_tasks.__file__).resolve().parent
    parts = []
    for top in (package, package.parent / "templates"):
        if top == package.parent / "templates" and not (top / "plan.md.j2").exists():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if not name.endswith((".pyc", ".pyo")):
                    parts.append(f"{dirpath}/{name}:{file_stamp(os.path.join(dirpath, name))}")
    return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


class SpecEntry(NamedTuple):
    """The one-file findings of one spec, valid for the spec text with this digest."""

    digest: str
    findings: tuple[Finding, ...]
    view: str | None = None  # the digest of its cross-file view, once a quick re-run saw it

    def to_row(self) -> list[Any]:
        row: list[Any] = [self.digest, [finding_row(f) for f in self.findings]]
        return row if self.view is None else [*row, self.view]

    @classmethod
    def from_row(cls, row: Any) -> SpecEntry | None:
        """The entry kept by `to_row`, or None when the row is damaged."""
        if type(row) is not list or len(row) not in (2, 3) or type(row[0]) is not str \
                or type(row[1]) is not list or (len(row) == 3 and type(row[2]) is not str):
            return None
        findings = [finding_from_row(r) for r in row[1]]
        if any(f is None for f in findings):
            return None
        return cls(row[0], tuple(f for f in findings if f is not None), row[2] if len(row) == 3 else None)


class SpecResults:
    """The `specs` part: one `SpecEntry` per spec path, under one rule-set key."""

    def __init__(self, files: dict[str, Any]) -> None:
        self._files = files

    def get(self, path: str) -> SpecEntry | None:
        """The entry kept for `path`; None when there is none or it is damaged."""
        row = self._files.get(path)
        return None if row is None else SpecEntry.from_row(row)

    def put(self, path: str, entry: SpecEntry) -> None:
        self._files[path] = entry.to_row()

    def prune(self, live: set[str]) -> None:
        """Forget the specs that are gone."""
        for path in [p for p in self._files if p not in live]:
            del self._files[path]


@dataclass
class GatesCache:
    """The loaded cache file; `dirty` says whether it must be written back."""

    path: Path | None
    data: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, path: Path | None) -> GatesCache:
        if path is None:
            return cls(None)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return cls(path)
        return cls(path, data)

    def _part(self, name: str) -> dict[str, Any]:
        """A top-level part as a dict (a missing or damaged one starts empty)."""
        part = self.data.get(name)
        if not isinstance(part, dict):
            part = self.data[name] = {}
        return part

    # ------------------------------------------------------------------ the whole run

    def stored_run(self, key: str) -> dict[str, Any] | None:
        """The last run's entry when it was made under `key` and is well-formed, else None."""
        run = self.data.get("run")
        if not isinstance(run, dict) or run.get("key") != key:
            return None
        rows, watched = run.get("manifest"), run.get("watched")
        if not isinstance(rows, dict) or not isinstance(watched, list) \
                or not all(isinstance(w, str) for w in watched):
            return None
        return run

    def run_entry(self, key: str, root: Path, files: list[str]) -> dict[str, Any] | None:
        """The stored run when no input file (nor any file a rule looked at) has changed."""
        run = self.stored_run(key)
        if run is None:
            return None
        rows: dict[str, Any] = run["manifest"]
        if rows.keys() != {*files, *run["watched"]}:
            return None  # a file appeared or went away
        base = str(root)
        return run if all(holds(row, os.path.join(base, path)) for path, row in rows.items()) else None

    def store_run(self, key: str, rows: dict[str, ManifestRow], watched: list[str],
                  payload: dict[str, Any]) -> None:
        self.data["run"] = {"key": key, "manifest": rows, "watched": sorted(watched), **payload}
        self.dirty = True

    def listing_memo(self) -> dict[str, Any]:
        """The directory listings of `discover.MemoWalk` (entries of the wrong shape dropped)."""
        memo = self._part("dirs")
        for key in [k for k, entry in memo.items() if not _listing_ok(entry)]:
            del memo[key]
        return memo

    def kept_results(self, key: str) -> dict[str, Any]:
        """The `kept` part under this key (code and settings); another key starts it empty."""
        kept = self.data.get("kept")
        if not isinstance(kept, dict) or kept.get("key") != key or not isinstance(kept.get("values"), dict):
            kept = self.data["kept"] = {"key": key, "values": {}}
        values: dict[str, Any] = kept["values"]
        return values

    # ------------------------------------------------------------------ per spec

    def spec_results(self, key: str) -> SpecResults:
        """The one-file results kept under this rule set (a new rule set starts empty)."""
        specs = self.data.get("specs")
        if not isinstance(specs, dict) or specs.get("key") != key or not isinstance(specs.get("files"), dict):
            specs = self.data["specs"] = {"key": key, "files": {}}
        return SpecResults(specs["files"])

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        from specmesh_tasks.fsutil import write_if_changed

        self.data["version"] = CACHE_VERSION
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # A read-only checkout still gets its report, just without the cache.
        with contextlib.suppress(OSError):
            write_if_changed(self.path, text)


def _listing_ok(entry: Any) -> bool:
    """A `MemoWalk` entry: `[mtime_ns, subdirectories, file names]`."""
    return (type(entry) is list and len(entry) == 3 and type(entry[0]) is int
            and all(type(part) is list and all(type(n) is str for n in part) for part in entry[1:]))


def now_ns() -> int:
    return time.time_ns()
