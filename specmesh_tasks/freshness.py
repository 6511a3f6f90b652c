"""The one answer to "has this file changed since we last looked?", for every cache we keep.

A file's `Stamp` is its size, mtime, ctime and inode. Equal stamps mean the file is unchanged
and need not be read; different stamps mean it *may* have changed, and a content digest (where
the cache keeps one) decides. Why all four:

- mtime can be set by tools that copy or sync files (`touch -r`, `cp -p`, `rsync -t`), so an
  edit that keeps the size would hide behind it; ctime is set by the kernel on every change and
  no tool can set it back.
- an editor's atomic save (temporary file + rename) gives the path a new inode.

A stamp taken moments after the file last changed is not trusted (`settled`): timestamps have a
granularity (a kernel clock tick, or seconds on some file systems), so a second write in the same
tick could leave every field of the stamp as it was. Such a stamp is stored as "unsettled" and
never matches, so the next run looks at the file again — as git does for its index ("racy git").

Rows are stored in JSON as `[size, mtime_ns, ctime_ns, inode]`; `stamp_from_row` accepts only
that shape, so a damaged cache file reads as "changed", never as a crash.
"""

from __future__ import annotations

import os
import time
from typing import Any, NamedTuple

# How long after a file's last change its stamp becomes trustworthy. Generous on purpose: the
# cost of a too-large window is one extra read of a file that was just written.
RACY_NS = 2_000_000_000


class Stamp(NamedTuple):
    """What the file system says about a file, without reading it."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


def stamp_from_stat(st: os.stat_result) -> Stamp:
    """The stamp of a file whose `os.stat` result the caller already has."""
    return Stamp(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def file_stamp(path: str | os.PathLike[str]) -> Stamp | None:
    """The stamp of `path`, or None when it does not exist or cannot be stat'ed."""
    try:
        return stamp_from_stat(os.stat(path))
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return None


def now_ns() -> int:
    """The wall clock `settled` compares with (one place, so a test can move it)."""
    return time.time_ns()


def settled(stamp: Stamp | None, now: int | None = None) -> Stamp | None:
    """`stamp` if the file last changed long enough before `now` (default: `now_ns()`) to
    trust it, else None.

    Store the result: None never equals a real stamp, so an unsettled file is looked at again.
    """
    if stamp is None:
        return None
    if now is None:
        now = now_ns()
    last_change = max(stamp.mtime_ns, stamp.ctime_ns)
    return stamp if last_change < now - RACY_NS else None


def unchanged(stored: Stamp | None, current: Stamp | None) -> bool:
    """True when a stored (settled) stamp proves the file has not changed since it was taken."""
    return stored is not None and stored == current


def stamp_to_row(stamp: Stamp | None) -> list[int] | None:
    """The JSON form of a stamp (None stays None)."""
    return None if stamp is None else list(stamp)


def stamp_from_row(row: Any) -> Stamp | None:
    """A stamp read back from JSON, or None when the row is missing or damaged."""
    if type(row) is not list or len(row) != 4 or not all(type(v) is int for v in row):
        return None
    return Stamp(*row)
