"""The cache directory (`.specify/.cache/`): doit's dependency file and every cache of ours.

Deleting it only costs a full rebuild, and so does damaging it: a cache file that cannot be read
or parsed is set aside (`<name>.damaged`, one line on stderr) and rebuilt (`read_cache`). It
carries its own `.gitignore` so it never pollutes the tracked spec tree, and a lock file so that
two runs never interleave (`run_lock`, `hold_lock`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from specmesh_tasks.errors import SpecmeshError

CACHE_SCHEMA = 1
LOCK_WAIT_SECONDS = 5.0
LOCK_NAME = "lock"
DAMAGED_SUFFIX = ".damaged"
# The folders of the cache directory; everything else in it, and in them, is a regular file.
CACHE_FOLDERS = frozenset({"parse", "deps", "plan", "jinja", "trace"})
_IGNORE_TEXT = "# created by specmesh-tasks: caches only, safe to delete\n*\n"
_swept: set[str] = set()  # cache directories this process has looked over (`_sweep`)


def cache_dir(root: Path) -> Path:
    """`<root>/.specify/.cache`, created on first use together with its `.gitignore` (a file in
    its place is set aside), and looked over once per process (`_sweep`)."""
    path = Path(root) / ".specify" / ".cache"
    ignore = path / ".gitignore"
    if not ignore.is_file():
        if path.exists() and not path.is_dir():
            set_aside(path, "not a directory")
        path.mkdir(parents=True, exist_ok=True)
        if ignore.exists() or ignore.is_symlink():  # something else by that name
            set_aside(ignore, "not a file")
        ignore.write_text(_IGNORE_TEXT, encoding="utf-8")
    if str(path) not in _swept:
        _swept.add(str(path))
        _sweep(path)
    return path


def _sweep(folder: Path, depth: int = 0) -> None:
    """Set aside whatever in the cache directory is not what we write there: a directory, FIFO or
    unreadable symlink where a file belongs, a file where one of `CACHE_FOLDERS` belongs. Every
    reader and writer of a cache file can then open it; what is in it is theirs to check. One
    `scandir` of the folder and of each of its folders: their entries' types come with it."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(DAMAGED_SUFFIX):
            continue
        want_folder = depth == 0 and entry.name in CACHE_FOLDERS
        try:
            is_folder, is_file = entry.is_dir(), entry.is_file()
            if entry.is_symlink():
                os.stat(entry.path)  # a loop or a dangling link raises here
        except OSError:
            is_folder = is_file = False
        if want_folder and is_folder:
            _sweep(Path(entry.path), depth + 1)
        elif not (is_file and not want_folder):
            set_aside(Path(entry.path), "not a folder" if want_folder else "not a regular file")


# --------------------------------------------------------------------------- damaged files

def read_cache(path: Path) -> Any:
    """The JSON value in cache file `path`, or None when there is none.

    A file that cannot be read or is not JSON (truncated, garbled, a directory, no permission)
    is set aside with a note, and None is returned: the caller rebuilds it. A value of the wrong
    shape is the caller's to judge (`set_aside(path, "unexpected content")`).
    """
    from specmesh_tasks.fsutil import NotRegularFileError, read_regular

    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except NotRegularFileError as exc:
        set_aside(path, exc.kind)
        return None
    except OSError as exc:
        set_aside(path, exc.strerror or str(exc))
        return None
    try:
        return json.loads(data or b"")
    except ValueError:
        set_aside(path, "not JSON")
        return None


def read_json_object(path: Path | None) -> dict[str, Any] | None:
    """The JSON object in cache file `path`, or None when it is missing, unreadable, not JSON or
    not an object. Quiet: for caches that are rebuilt as a matter of course (the affected-tests
    side's inputs, requirement and import-edge caches)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def set_aside(path: Path, reason: str) -> None:
    """Move a damaged cache file (or directory) to `<name>.damaged`, replacing an older one,
    and say so in one line; if it cannot be moved, remove it."""
    target = path.with_name(path.name + DAMAGED_SUFFIX)
    try:
        _remove(target)
        os.replace(path, target)
        done = f"set aside as {target.name}"
    except OSError:
        _remove(path)
        done = "removed"
    print(f"note: {_shown(path)} was damaged ({reason}); {done} and rebuilt", file=sys.stderr)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _shown(path: Path) -> str:
    """`.specify/.cache/x.json` rather than the absolute path (the root is known)."""
    parts = path.parts
    return "/".join(parts[parts.index(".specify"):]) if ".specify" in parts else str(path)


# ------------------------------------------------------------------------------ run lock

class LockBusyError(SpecmeshError):
    """Another specmesh run holds the lock for longer than we wait."""

    exit_code = 1


# Locks this process holds: lock path -> [open handle, how many holders]. A run nests holders
# (the `specmesh` command, a watch cycle, doit's dependency file); only the outermost one
# takes and releases the file lock.
_held: dict[str, list[Any]] = {}


def hold_lock(folder: Path, wait: float = LOCK_WAIT_SECONDS) -> None:
    """Take `<folder>/lock` for this process (again, if it holds it already): wait up to `wait`
    seconds for another process to release it, then raise LockBusyError."""
    key = os.path.join(os.path.realpath(folder), LOCK_NAME)
    if key in _held:
        _held[key][1] += 1
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    handle = _acquire(Path(key), wait)
    _held[key] = [handle, 1]


def release_lock(folder: Path) -> None:
    """Give back one hold of `<folder>/lock`; the last one releases the file lock."""
    key = os.path.join(os.path.realpath(folder), LOCK_NAME)
    entry = _held.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _held[key]
        entry[0].close()


@contextlib.contextmanager
def run_lock(root: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the project's lock (`.specify/.cache/lock`) for one run."""
    folder = cache_dir(root)
    hold_lock(folder, wait)
    try:
        yield
    finally:
        release_lock(folder)


def _acquire(lock_path: Path, wait: float) -> IO[str]:
    import fcntl  # POSIX only, imported here so Windows users can still import the package

    if lock_path.exists() and not lock_path.is_file():
        set_aside(lock_path, "not a file")
    handle = open(lock_path, "a+")  # noqa: SIM115 - kept open while the lock is held
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
    except BaseException:
        handle.close()
        raise
    return handle


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"
