"""The cache directory (`.specify/.cache/`): doit's dependency file and every cache of ours.

Deleting it only costs a full rebuild. It carries its own `.gitignore` so it never pollutes the
tracked spec tree, and a lock file so a watcher and a manual run do not interleave.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from specmesh_tasks.errors import SpecmeshError

CACHE_SCHEMA = 1
LOCK_WAIT_SECONDS = 5.0


def cache_dir(root: Path) -> Path:
    """`<root>/.specify/.cache`, created on first use together with its `.gitignore`."""
    path = Path(root) / ".specify" / ".cache"
    ignore = path / ".gitignore"
    if not ignore.exists():
        path.mkdir(parents=True, exist_ok=True)
        ignore.write_text("# created by specmesh-tasks: caches only, safe to delete\n*\n", encoding="utf-8")
    return path


class LockBusyError(SpecmeshError):
    """Another specmesh run holds the lock for longer than we wait."""

    exit_code = 1


@contextlib.contextmanager
def run_lock(root: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold `.specify/.cache/lock` for one run; wait briefly, then fail with a clear message."""
    import fcntl  # POSIX only, imported here so Windows users can still import the package

    lock_path = cache_dir(root) / "lock"
    handle = open(lock_path, "a+")  # noqa: SIM115 - closed in finally
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusyError(
                        f"error: another specmesh run holds {lock_path} (pid {_holder(lock_path)}); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"
