"""The gates' own cache (`.specify/.cache/gates.json`): why `doit gates` is incremental.

Two levels:

- **run**: the whole report of the last run, valid while every input file (and every file a rule
  looked at) has the same (mtime, size), the configuration and options are the same, and the code
  is the same. A no-op run is a directory walk, some stats and one small JSON read.
- **per spec**: the findings of the one-file rules for each spec, by the spec's content digest,
  so a run after one edit re-checks only that file (the reader likewise re-parses only it); the
  cross-file rules are recomputed from the indexes.

An edit to a few feature specs that leaves what the cross-file rules read of them unchanged (same
IDs on the same lines, same headers: a reworded sentence, a fixed typo) does not even need the
indexes: `quick.quick_rerun` re-checks those files alone and keeps every other finding of the
stored run (the digests kept per spec tell it which parse the last run saw).

Stamps taken within `RACY_NS` of the run are not trusted (an edit in the same clock tick could
keep mtime and size), as git does for its index. The file is rebuilt, never migrated, when its
version differs; deleting it only costs one full run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from specmesh_tasks.config import Settings

CACHE_VERSION = 1
CACHE_NAME = "gates.json"
RACY_NS = 100_000_000

Stamp = list[int] | None


def stamp(path: Path | str) -> Stamp:
    """(mtime_ns, size) of a file, None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def manifest(root: Path, paths: list[str] | set[str]) -> dict[str, Stamp]:
    """Stamps of root-relative (or absolute) paths, for comparing two runs."""
    base = str(root)
    return {p: stamp(os.path.join(base, p)) for p in sorted(set(paths))}


def run_key(settings: Settings, select: Iterable[str], ignore: Iterable[str]) -> str:
    """What, besides the files, decides the findings: code, configuration, options."""
    parts = [str(CACHE_VERSION), code_fingerprint(), settings.digest, repr(settings),
             ",".join(select), ",".join(ignore)]
    return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def code_fingerprint() -> str:
    """Digest of the stats of our own package files: a changed rule invalidates cached results."""
    import specmesh_tasks

    package = Path(specmesh_tasks.__file__).resolve().parent
    parts = []
    for top in (package, package.parent / "templates"):
        if top == package.parent / "templates" and not (top / "plan.md.j2").exists():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".pyc", ".pyo")):
                    continue
                st = os.stat(os.path.join(dirpath, name))
                parts.append(f"{dirpath}/{name}:{st.st_mtime_ns}:{st.st_size}")
    return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


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

    # ------------------------------------------------------------------ the whole run

    def run_entry(self, key: str, root: Path, files: list[str]) -> dict[str, Any] | None:
        """The stored run when it is still valid for these input files, else None."""
        run = self.data.get("run")
        if not isinstance(run, dict) or run.get("key") != key:
            return None
        stored: dict[str, Stamp] = run.get("manifest", {})
        wanted = set(files) | set(run.get("watched", []))
        if set(stored) != wanted:
            return None
        current = manifest(root, wanted)
        if current != stored:
            return None
        started = int(run.get("started_ns", 0))
        if any(s is not None and s[0] >= started - RACY_NS for s in current.values()):
            return None
        return run

    def store_run(self, key: str, stamps: dict[str, Stamp], watched: list[str], started_ns: int,
                  payload: dict[str, Any]) -> None:
        self.data["run"] = {"key": key, "manifest": stamps, "watched": sorted(watched),
                            "started_ns": started_ns, **payload}
        self.dirty = True

    def listing_memo(self) -> dict[str, Any]:
        """The directory listing cache of `inputs.Lister` (kept in this file)."""
        memo = self.data.get("dirs")
        if not isinstance(memo, dict):
            memo = self.data["dirs"] = {}
        return memo

    # ------------------------------------------------------------------ per spec

    def spec_results(self, key: str) -> dict[str, list[Any]]:
        """path -> [digest, encoded findings] for the one-file rules under this rule set."""
        specs = self.data.get("specs")
        if not isinstance(specs, dict) or specs.get("key") != key:
            specs = {"key": key, "files": {}}
            self.data["specs"] = specs
        files: dict[str, list[Any]] = specs["files"]
        return files

    def prune_specs(self, live: set[str]) -> None:
        specs = self.data.get("specs")
        if isinstance(specs, dict):
            files = specs.get("files", {})
            specs["files"] = {k: v for k, v in files.items() if k in live}

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        from specmesh_tasks.fsutil import write_if_changed

        self.data["version"] = CACHE_VERSION
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # A read-only checkout still gets its report, just without the cache.
        with contextlib.suppress(OSError):
            write_if_changed(self.path, text)


def now_ns() -> int:
    return time.time_ns()
