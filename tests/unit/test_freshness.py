"""The one freshness check: an edit is seen whatever a tool does to the file's times."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from specmesh_tasks.freshness import (
    RACY_NS,
    Stamp,
    file_stamp,
    settled,
    stamp_from_row,
    stamp_to_row,
    unchanged,
)


def _old(path: Path) -> None:
    """Move a file's mtime back so its stamp is settled (ctime follows the change itself)."""
    past = time.time() - 3600
    os.utime(path, (past, past))


def test_an_untouched_file_keeps_its_stamp(tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text("# Spec\n", encoding="utf-8")
    assert unchanged(file_stamp(spec), file_stamp(spec))


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    # `touch -r` / `cp -p` / `rsync -t` put the old mtime back; ctime still moves.
    spec = tmp_path / "spec.md"
    spec.write_text("Status: Draft\n", encoding="utf-8")
    _old(spec)
    before = file_stamp(spec)
    assert before is not None
    time.sleep(0.01)  # ctime has a clock-tick granularity; the edit must land in a later tick
    spec.write_text("Status: Final\n", encoding="utf-8")
    os.utime(spec, ns=(before.mtime_ns, before.mtime_ns))
    after = file_stamp(spec)
    assert after is not None and (after.size, after.mtime_ns) == (before.size, before.mtime_ns)
    assert not unchanged(before, after)


def test_an_atomic_replace_with_the_same_times_is_seen(tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text("one\n", encoding="utf-8")
    before = file_stamp(spec)
    replacement = tmp_path / "spec.md.tmp"
    replacement.write_text("two\n", encoding="utf-8")
    shutil.copystat(spec, replacement)
    keep_alive = tmp_path / "old-inode"
    os.link(spec, keep_alive)  # the old inode stays in use, so the new file cannot reuse its number
    os.replace(replacement, spec)
    assert not unchanged(before, file_stamp(spec))


def test_a_missing_file_has_no_stamp(tmp_path: Path) -> None:
    assert file_stamp(tmp_path / "nope.md") is None
    assert not unchanged(None, None)


def test_a_stamp_taken_right_after_a_change_is_not_trusted(tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text("x\n", encoding="utf-8")
    fresh = file_stamp(spec)
    assert fresh is not None
    assert settled(fresh) is None
    later = max(fresh.mtime_ns, fresh.ctime_ns) + RACY_NS + 1
    assert settled(fresh, now=later) == fresh


def test_rows_round_trip_and_damaged_rows_read_as_unknown() -> None:
    stamp = Stamp(10, 20, 30, 40)
    assert stamp_from_row(stamp_to_row(stamp)) == stamp
    assert stamp_to_row(None) is None
    for damaged in (None, [1, 2, 3], [1, 2, 3, "4"], {"size": 1}, "1,2,3,4", [1.0, 2, 3, 4], [True, 2, 3, 4]):
        assert stamp_from_row(damaged) is None
