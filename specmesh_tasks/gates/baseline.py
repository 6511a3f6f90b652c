"""Baselines for adopting the gates in an existing repository.

`--update-baseline FILE` records today's findings; `--baseline FILE` then reports only new ones.
A finding matches a baseline entry by code, file and message, never by line, so edits above it do
not bring it back; each entry absorbs as many findings as it was recorded for.

File format (JSON, sorted, stable)::

    {"schema": 1, "findings": [{"code": "SM204", "file": "...", "message": "...", "count": 1}]}
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from specmesh_tasks.errors import UserError
from specmesh_tasks.gates.finding import Reported

BASELINE_SCHEMA = 1
Key = tuple[str, str, str]


def key_of(f: Reported) -> Key:
    return (f.code, f.file, f.message)


def load_baseline(path: Path) -> Counter[Key]:
    """The recorded findings; UserError (one line) when the file is missing or not a baseline."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"error: baseline file {path} does not exist "
                        "(create it with --update-baseline)") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"error: baseline file {path} is not readable JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA or not isinstance(
            data.get("findings"), list):
        raise UserError(f"error: {path} is not a specmesh baseline "
                        '(expected {"schema": 1, "findings": [...]})')
    counts: Counter[Key] = Counter()
    for entry in data["findings"]:
        if isinstance(entry, dict):
            key = (str(entry.get("code", "")), str(entry.get("file", "")), str(entry.get("message", "")))
            counts[key] += int(entry.get("count", 1))
    return counts


def render_baseline(findings: Iterable[Reported]) -> str:
    """The baseline file's text for these findings (suppressed ones are not recorded)."""
    counts = Counter(key_of(f) for f in findings if not f.suppressed)
    rows = [{"code": c, "file": f, "message": m, "count": n} for (c, f, m), n in sorted(counts.items())]
    return json.dumps({"schema": BASELINE_SCHEMA, "findings": rows}, indent=2, ensure_ascii=False) + "\n"


def apply_baseline(findings: Iterable[Reported], baseline: Counter[Key]) -> tuple[list[Reported], int]:
    """Findings not covered by the baseline, and how many were covered."""
    left = Counter(baseline)
    kept, covered = [], 0
    for f in findings:
        key = key_of(f)
        if not f.suppressed and left[key] > 0:
            left[key] -= 1
            covered += 1
        else:
            kept.append(f)
    return kept, covered
