"""`--shard i/n`: a stable, balanced partition of the selected tests for CI matrix jobs.

The units are the selected pytest arguments, with a whole Python test file split into its
top-level tests (functions and classes) so one big file does not unbalance the shards. Each unit
weighs its recorded duration (`.specify/test-durations.json`, node ID -> seconds, written by
`--store-durations`), or its number of tests when nothing is recorded. Units go, heaviest first,
to the lightest shard (ties by name and shard number): every job computes the same partition from
the same selection, so the shards are disjoint and their union is the selection.

Why not pytest-split: it splits inside pytest after a full collection in every job, so a job
cannot know before starting pytest whether its shard is empty, cannot shard a non-Python runner,
and would add a runtime dependency; its `least_duration` idea is the same greedy partition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from specmesh_tasks.affected.fingerprints import TestFile
from specmesh_tasks.affected.select import Selection
from specmesh_tasks.errors import UserError

DURATIONS_FILE = ".specify/test-durations.json"
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` -> (2, 4); a bad value is a one-line error (exit 3)."""
    match = _SHARD.match(text)
    if match is None:
        raise UserError(f"error: --shard takes I/N (for example 1/4), not {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UserError(f"error: --shard {text}: I must be between 1 and N")
    return index, count


def load_durations(root: Path) -> dict[str, float]:
    """Recorded durations by node ID ({} when the file is missing or unreadable)."""
    try:
        data = json.loads((Path(root) / DURATIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float))}


def shard_units(selection: Selection, files: Sequence[TestFile]) -> list[str]:
    """The selected arguments with whole Python files split into their top-level tests."""
    by_path = {f.path: f for f in files}
    units: list[str] = []
    for arg in selection.selected:
        test_file = by_path.get(arg)
        tops = [t for t in (test_file.tests or ()) if "::" not in t] if test_file else []
        units.extend(f"{arg}::{t}" for t in tops) if tops else units.append(arg)
    return units


def unit_weights(units: Sequence[str], durations: Mapping[str, float],
                 files: Mapping[str, TestFile]) -> dict[str, float]:
    """Recorded seconds of each unit's tests, else its number of tests (at the mean duration)."""
    by_file: dict[str, list[tuple[str, float]]] = {}
    for node, seconds in durations.items():
        by_file.setdefault(node.partition("::")[0], []).append((node, seconds))
    mean = sum(durations.values()) / len(durations) if durations else 1.0
    weights = {}
    for unit in units:
        recorded = [s for node, s in by_file.get(unit.partition("::")[0], ()) if _within(node, unit)]
        weights[unit] = sum(recorded) if recorded else _test_count(unit, files) * mean
    return weights


def _within(node: str, unit: str) -> bool:
    return node == unit or node.startswith((unit + "::", unit + "["))


def _test_count(unit: str, files: Mapping[str, TestFile]) -> int:
    path, _, name = unit.partition("::")
    test_file = files.get(path)
    if test_file is None or test_file.tests is None:
        return 1
    if not name:
        return max(1, sum(1 for t in test_file.tests if not _is_class(t, test_file.tests)))
    inside = [t for t in test_file.tests if t.startswith(name + "::") and not _is_class(t, test_file.tests)]
    return max(1, len(inside))


def _is_class(name: str, names: Sequence[str]) -> bool:
    return any(other.startswith(name + "::") for other in names)


def partition(units: Sequence[str], weights: Mapping[str, float], count: int) -> list[list[str]]:
    """Greedy longest-first partition into `count` shards, deterministic for equal input."""
    shards: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for unit in sorted(units, key=lambda u: (-weights.get(u, 1.0), u)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        shards[lightest].append(unit)
        loads[lightest] += weights.get(unit, 1.0)
    return [sorted(s) for s in shards]


def shard_selection(selection: Selection, files: Sequence[TestFile], index: int, count: int,
                    durations: Mapping[str, float]) -> list[str]:
    """The pytest arguments of shard `index` (1-based) of `count`."""
    units = shard_units(selection, files)
    by_path = {f.path: f for f in files}
    return partition(units, unit_weights(units, durations, by_path), count)[index - 1]
