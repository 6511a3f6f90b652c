"""Whole-report caches: a report whose inputs all kept their freshness stamp is not computed again.

Why: at 1000 features a full build reads a projection of every spec, resolves every test's tags
and joins them (seconds); with nothing changed, `specmesh trace` then costs a stat per input and
reading one JSON file. Measured A/B on the 1000-feature bench tree (bench/README.md, "trace"),
whole processes, the warm run against the same run with its stored file deleted first: the
latter costs 5.9x the CPU for `trace --format json` and 8.5x for `impact M-ITEM0`.

The key digests the freshness stamp (`freshness.Stamp`) of every input — every file under
`.specify/specs/` the listing holds, `specmesh.yaml`, every test file, and whatever the report
adds (the recorded results and state of `specmesh test`, JUnit files given with `--results`) —
with the tool's version and this module's schema number. A file changed within the settling
window (`freshness.settled`) makes the run uncacheable: it is computed and not stored. Each
report keeps one entry, `.specify/.cache/trace/<name>.json`, rewritten when its key changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SNAPSHOT_SCHEMA = 1


def inputs_key(root: Path, paths: Iterable[str], extra: str = "", now_ns: int | None = None) -> str | None:
    """One digest over the stamps of `paths` (root-relative or absolute; a missing file counts as
    missing) and `extra`; None when a file changed too recently (before `now_ns`) to be trusted."""
    import time

    from specmesh_tasks.freshness import file_stamp, settled

    now = time.time_ns() if now_ns is None else now_ns
    digest = hashlib.sha256(f"{SNAPSHOT_SCHEMA}\0{extra}".encode())
    for path in sorted(set(paths)):
        stamp = file_stamp(root / path)
        if stamp is not None and settled(stamp, now) is None:
            return None
        digest.update(f"\0{path}\0{tuple(stamp) if stamp else '-'}".encode())
    return digest.hexdigest()


def read(root: Path, name: str, key: str | None) -> Any | None:
    """The data stored under `name` when it was stored with `key`, else None."""
    if key is None:
        return None
    try:
        stored = json.loads(_file(root, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(stored, dict) and stored.get("key") == key:
        return stored.get("data")
    return None


def write(root: Path, name: str, key: str | None, data: Any) -> None:
    """Store `data` under `name` with `key` (nothing when the key is None: inputs not settled)."""
    if key is None:
        return
    from specmesh_tasks.fsutil import write_if_changed

    text = json.dumps({"key": key, "data": data}, ensure_ascii=False, separators=(",", ":"))
    write_if_changed(_file(root, name), text)


def _file(root: Path, name: str) -> Path:
    from specmesh_tasks.state import cache_dir

    folder = cache_dir(root) / "trace"
    folder.mkdir(exist_ok=True)
    return folder / f"{name}.json"
