"""The whole-report cache key over the inputs' freshness stamps (`trace/snapshot.py`)."""

from __future__ import annotations

import time
from pathlib import Path

from specmesh_tasks.trace import snapshot

LATER = 10_000_000_000  # ns: a run this long after the writes (every file has settled by then)


def test_the_key_follows_every_input_and_refuses_a_file_changed_just_now(tmp_path: Path) -> None:
    (tmp_path / ".specify").mkdir()
    spec = tmp_path / "spec.md"
    spec.write_text("one", encoding="utf-8")
    later = time.time_ns() + LATER
    first = snapshot.inputs_key(tmp_path, ["spec.md", "missing.md"], "trace", later)
    assert first is not None and first == snapshot.inputs_key(tmp_path, ["missing.md", "spec.md"], "trace", later)
    assert snapshot.inputs_key(tmp_path, ["spec.md", "missing.md"], "impact", later) != first
    spec.write_text("two", encoding="utf-8")  # same size: the stamp still differs (ctime, mtime)
    assert snapshot.inputs_key(tmp_path, ["spec.md", "missing.md"], "trace", time.time_ns() + LATER) != first
    # An edit this instant is not trusted: the key is None, so nothing is read or stored.
    assert snapshot.inputs_key(tmp_path, ["spec.md"], "trace") is None


def test_stored_data_is_served_only_under_its_key(tmp_path: Path) -> None:
    (tmp_path / ".specify").mkdir()
    snapshot.write(tmp_path, "trace", "k1", {"a": [1, "二"]})
    assert snapshot.read(tmp_path, "trace", "k1") == {"a": [1, "二"]}
    assert snapshot.read(tmp_path, "trace", "k2") is None
    assert snapshot.read(tmp_path, "trace", None) is None
    snapshot.write(tmp_path, "trace", None, {"b": 2})  # unsettled inputs: nothing stored
    assert snapshot.read(tmp_path, "trace", "k1") == {"a": [1, "二"]}
    (tmp_path / ".specify" / ".cache" / "trace" / "trace.json").write_text("{damaged", encoding="utf-8")
    assert snapshot.read(tmp_path, "trace", "k1") is None
