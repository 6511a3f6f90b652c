"""`--shard i/n`: disjoint, complete, stable and balanced partitions of the selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specmesh_tasks.affected.fingerprints import TestFile
from specmesh_tasks.affected.select import Selection
from specmesh_tasks.affected.shard import (
    load_durations,
    parse_shard,
    partition,
    shard_selection,
    shard_units,
    unit_weights,
)
from specmesh_tasks.errors import UserError


def files(count: int, tests_each: int) -> list[TestFile]:
    return [TestFile(f"tests/test_{i:02d}.py", "fp", {}, (), tuple(f"test_{t}" for t in range(tests_each)))
            for i in range(count)]


def test_parse_shard_values() -> None:
    assert parse_shard("2/4") == (2, 4)
    assert parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/2", "3/2", "1/0", "a/b", "1-2", ""):
        with pytest.raises(UserError):
            parse_shard(bad)


def test_union_of_shards_is_the_selection_and_shards_are_disjoint() -> None:
    test_files = files(7, 3)
    selection = Selection(("tests/test_00.py", "tests/test_03.py::test_1", "tests/test_05.py",
                           "tests/unknown.py", "tests/test_06.py::test_0"), (), {})
    units = shard_units(selection, test_files)
    assert units == ["tests/test_00.py::test_0", "tests/test_00.py::test_1", "tests/test_00.py::test_2",
                     "tests/test_03.py::test_1", "tests/test_05.py::test_0", "tests/test_05.py::test_1",
                     "tests/test_05.py::test_2", "tests/unknown.py", "tests/test_06.py::test_0"]
    for count in (1, 2, 3, 4, 12):
        shards = [shard_selection(selection, test_files, i, count, {}) for i in range(1, count + 1)]
        flat = [u for s in shards for u in s]
        assert sorted(flat) == sorted(units)
        assert len(flat) == len(set(flat))
        assert shards == [shard_selection(selection, test_files, i, count, {}) for i in range(1, count + 1)]


def test_balanced_by_recorded_durations() -> None:
    units = [f"t.py::test_{i}" for i in range(6)]
    durations = {"t.py::test_0": 9.0, "t.py::test_1[a]": 2.0, "t.py::test_1[b]": 2.0, "t.py::test_2": 3.0,
                 "t.py::test_3": 1.0, "t.py::test_4": 1.0, "t.py::test_5": 0.5}
    weights = unit_weights(units, durations, {})
    assert weights["t.py::test_1"] == 4.0
    shards = partition(units, weights, 2)
    loads = [sum(weights[u] for u in s) for s in shards]
    assert "t.py::test_0" in shards[0] and "t.py::test_1" in shards[1]
    assert sorted(loads) == [9.0, 9.5]


def test_without_durations_balanced_by_test_count() -> None:
    test_files = [TestFile("big.py", "fp", {}, (), None), *files(3, 1)]
    test_files[0] = TestFile("big.py", "fp", {}, (), ("TestBig", *(f"TestBig::test_{i}" for i in range(6))))
    selection = Selection(("big.py", "tests/test_00.py", "tests/test_01.py", "tests/test_02.py"), (), {})
    weights = unit_weights(shard_units(selection, test_files), {}, {f.path: f for f in test_files})
    assert weights["big.py::TestBig"] == 6
    assert shard_selection(selection, test_files, 1, 2, {}) == ["big.py::TestBig"]
    assert shard_selection(selection, test_files, 2, 2, {}) == [
        "tests/test_00.py::test_0", "tests/test_01.py::test_0", "tests/test_02.py::test_0"]


def test_load_durations_tolerates_missing_and_bad_files(tmp_path: Path) -> None:
    assert load_durations(tmp_path) == {}
    target = tmp_path / ".specify" / "test-durations.json"
    target.parent.mkdir()
    target.write_text("not json")
    assert load_durations(tmp_path) == {}
    target.write_text(json.dumps({"a.py::t": 1.5, "b.py::t": "x"}))
    assert load_durations(tmp_path) == {"a.py::t": 1.5}
