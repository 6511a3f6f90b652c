"""The dependency backend rewrites its file only when a stored value changes."""

from __future__ import annotations

import os
from pathlib import Path

from doit.dependency import JSONCodec

from specmesh_tasks.doitdb import QuietJsonDB, same_value


def reopen(path: Path) -> QuietJsonDB:
    return QuietJsonDB(str(path), JSONCodec())


def test_unchanged_values_leave_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "doit.json"
    db = reopen(path)
    db.set("plan:S-A-001", "deps:", ("a.md", "b.md"))
    db.dump()
    os.utime(path, ns=(1, 1))
    again = reopen(path)
    again.set("plan:S-A-001", "deps:", ("a.md", "b.md"))  # read back as a list: the same value
    again.dump()
    assert path.stat().st_mtime_ns == 1
    again.set("plan:S-A-001", "deps:", ("a.md",))
    again.dump()
    assert path.stat().st_mtime_ns != 1
    assert reopen(path).get("plan:S-A-001", "deps:") == ["a.md"]


def test_removals_are_written(tmp_path: Path) -> None:
    path = tmp_path / "doit.json"
    db = reopen(path)
    db.set("t", "x", "1")
    db.dump()
    again = reopen(path)
    again.remove("t")
    again.dump()
    assert not reopen(path).in_("t")


def test_same_value_reads_tuples_as_lists() -> None:
    assert same_value(["a", ["b"]], ("a", ("b",)))
    assert not same_value(["a"], ["b"])
