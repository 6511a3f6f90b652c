"""The recorded state of `specmesh test` (`.specify/.cache/affected-state.json`): per test file,
what was true at its last passing run (see `select`), read and written here only.

It holds a schema number and is rebuilt, never migrated, on a mismatch; a file that is missing,
unreadable or damaged in any way reads as "nothing recorded" (every test then runs once more).
"""

from __future__ import annotations

import json
from pathlib import Path

from specmesh_tasks.affected.select import FileRecord, State

STATE_SCHEMA = 1
STATE_NAME = "affected-state.json"


def load_state(path: Path) -> State:
    """The recorded state; empty when missing, unreadable, of another schema or damaged in any way
    (rebuilt, never migrated: the next run then runs every test and records again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return State()
    if not isinstance(data, dict) or data.get("schema") != STATE_SCHEMA:
        return State()
    try:
        files = {
            str(path): FileRecord(str(r.get("fp", "")), {str(k): str(v) for k, v in r.get("req", {}).items()},
                                  tuple(map(str, r.get("failed", ()))))
            for path, r in (data.get("files") or {}).items()
        }
        digests = {str(k): str(v) for k, v in (data.get("digests") or {}).items()}
    except (AttributeError, TypeError, ValueError):
        return State()
    return State(files, digests)


def dump_state(state: State) -> str:
    """The state as stable JSON text."""
    files = {
        path: {"fp": r.fingerprint, "req": dict(sorted(r.requirements.items())), "failed": list(r.failed)}
        for path, r in sorted(state.files.items())
    }
    digests = dict(sorted(state.digests.items()))
    return json.dumps({"schema": STATE_SCHEMA, "files": files, "digests": digests}, indent=1)
