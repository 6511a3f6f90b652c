"""doit's dependency store, made ours: the json backend and the md5 file checker, registered as
`specmesh-json` (entry point `doit.BACKEND`) and set in `DOIT_CONFIG`.

The backend (`QuietJsonDB`):

- reads and writes the file only under the run lock: it takes the lock (`state.hold_lock`, in
  the file's folder) at its first read or write, and gives it back once the file is written.
  So every run that checks or executes tasks holds it, whichever command line started it
  (`specmesh`, a watch cycle, a plain `doit` through a user's dodo), while `doit list` does not
  wait. A run that finds the lock busy for longer than `state.LOCK_WAIT_SECONDS` stops with one
  line and exit 1;
- sets a damaged file aside (`state.set_aside`) and starts empty, so the run is a first run;
- writes only when a stored value changed (JSON reads tuples back as lists: that is no change),
  atomically, recreating the cache folder if it was deleted meanwhile;
- stores, for a file an action declared it read (`read_inputs`), the state of what it read: if
  the file changed after the action read it, a state that never matches is stored instead of
  the file's new state, so the next run runs the task again; an action that wants to run again
  next time whatever happens (a blocked plan, to report it again) returns `run_again()`.

The checker (`MD5Checker`, the name doit already knows) keys a file by its `freshness` stamp
(size, mtime, ctime, inode), then its md5: `touch -r`, `cp -p` and `rsync -t` cannot hide an edit.
A stamp taken in the racy window is stored untrusted, and the md5 decides next time; when the
md5 shows no change, the stored state is brought up to date, so the md5 is computed once.
Anything that is not a regular file is never read. doit's own states (`[mtime, size, md5]`) are
still understood, and replaced as their tasks run.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from doit.dependency import JsonDB
from doit.dependency import MD5Checker as DoitMD5Checker

from specmesh_tasks.freshness import Stamp, file_stamp, settled, stamp_from_stat, stamp_to_row

_MISSING = object()
# A task's values carry the stamps of the files its action read under this key (`read_inputs`),
# or True to run again next time (`run_again`); the backend uses it and does not store it.
READ_KEY = "specmesh:read"
# The state stored for a file that changed while its task ran: it never matches a real file.
CHANGED_WHILE_RUNNING = [-1, -1, -1, -1, "", 0]
# The `os.stat` of a file_dep that vanished since the tasks were declared: nothing, never regular.
_VANISHED = os.stat_result((0,) * 10)
# Files whose stored state a check found out of date although their content is the same:
# path -> the new state. The checker fills it, the backend applies it when it writes the file.
_refreshed: dict[str, list[Any]] = {}


def same_value(old: Any, new: Any) -> bool:
    """Equal once tuples are read as lists (what a JSON round trip does)."""
    if old is _MISSING:
        return False
    return bool(old == new or _plain(old) == _plain(new))


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read_inputs(paths: Any) -> dict[str, Any]:
    """Values for an action to return: the stamps of `paths` now, before it reads them."""
    return {READ_KEY: {str(p): stamp_to_row(file_stamp(p)) for p in paths}}


def run_again() -> dict[str, Any]:
    """Values for an action to return when its task must run next time, changed or not."""
    return {READ_KEY: True}


# --------------------------------------------------------------------------- the backend

class QuietJsonDB(JsonDB):  # type: ignore[misc]  # doit ships no type hints
    """doit's json backend, opened under the run lock, healed when damaged, written on change."""

    desc = "json file, locked while in use, rewritten only when a value changed (specmesh-tasks)"

    def __init__(self, name: str, codec: Any, *, module_name: str | None = None) -> None:
        # Not JsonDB.__init__: the file is read at first use, under the lock.
        self.name = name
        self.codec = codec
        self._db: dict[str, dict[str, Any]] | None = None
        self._dirty = False
        # What each task saved in this run read: path -> stamp row, or True (run it again).
        self._read: dict[str, Any] = {}

    def _open(self) -> dict[str, dict[str, Any]]:
        from specmesh_tasks.state import LockBusyError, hold_lock

        try:
            hold_lock(Path(self.name).parent)
        except LockBusyError as exc:
            # doit turns any exception into exit 2 or 3 with a traceback; a busy lock is exit 1.
            print(str(exc), file=sys.stderr)
            raise SystemExit(exc.exit_code) from None
        self._db = self._load_healed()
        self._dirty = not os.path.exists(self.name)
        return self._db

    def _load_healed(self) -> dict[str, dict[str, Any]]:
        from specmesh_tasks.fsutil import NotRegularFileError, read_regular
        from specmesh_tasks.state import set_aside

        path = Path(self.name)
        try:
            data = self.codec.decode((read_regular(path) or b"").decode("utf-8"))
        except FileNotFoundError:
            return {}
        except NotRegularFileError as exc:
            set_aside(path, exc.kind)
            return {}
        except OSError as exc:
            set_aside(path, exc.strerror or str(exc))
            return {}
        except ValueError:
            set_aside(path, "not JSON")
            return {}
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            set_aside(path, "unexpected content")
            return {}
        return data

    def get(self, task_id: str, dependency: str) -> Any:
        db = self._db if self._db is not None else self._open()
        deps = db.get(task_id)
        return None if deps is None else deps.get(dependency)

    def in_(self, task_id: str) -> bool:
        db = self._db if self._db is not None else self._open()
        return task_id in db

    def set(self, task_id: str, dependency: str, value: Any) -> None:
        db = self._db if self._db is not None else self._open()
        if dependency == "_values_:" and isinstance(value, dict) and READ_KEY in value:
            value = self._take_reads(db, task_id, value)
        elif task_id in self._read and _is_file_state(value):
            value = _as_read(value, dependency, self._read[task_id])
        deps = db.setdefault(task_id, {})
        if not same_value(deps.get(dependency, _MISSING), value):
            self._dirty = True
        deps[dependency] = value

    def _take_reads(self, db: dict[str, dict[str, Any]], task_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Keep what the task read for the file states doit stores next (it stores values first);
        to run the task again, forget its stored file states now (doit keeps a state it finds
        unchanged)."""
        read = values[READ_KEY]
        if read is True:
            for dep, state in db.get(task_id, {}).items():
                if _is_file_state(state):
                    db[task_id][dep] = list(CHANGED_WHILE_RUNNING)
        if isinstance(read, dict) or read is True:
            self._read[task_id] = read
        return {k: v for k, v in values.items() if k != READ_KEY}

    def remove(self, task_id: str) -> None:
        db = self._db if self._db is not None else self._open()
        if task_id in db:
            self._dirty = True
            del db[task_id]

    def remove_all(self) -> None:
        if self._db is None:
            self._open()
        self._db = {}
        self._dirty = True

    def dump(self) -> None:
        """Write the file if a value changed, then give back the lock (the end of a run)."""
        if self._db is None:
            return  # never opened: nothing read, nothing to write, no lock held
        from specmesh_tasks.state import release_lock

        try:
            self._apply_refreshed()
            if self._dirty:
                self._write()
                self._dirty = False
        finally:
            self._read.clear()
            release_lock(Path(self.name).parent)

    def _apply_refreshed(self) -> None:
        if not _refreshed or self._db is None:
            return
        for deps in self._db.values():
            for path in deps.keys() & _refreshed.keys():
                new = _refreshed[path]
                if _digest(deps[path]) == new[4]:
                    deps[path] = new
                    self._dirty = True
        _refreshed.clear()

    def _write(self) -> None:
        folder = os.path.dirname(os.path.abspath(self.name))
        if not os.path.isdir(folder):  # the cache folder was deleted while the run went on
            from specmesh_tasks.state import cache_dir

            parts = Path(folder).parts
            if parts[-2:] == (".specify", ".cache"):
                cache_dir(Path(folder).parent.parent)
            os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".doit-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.codec.encode(self._db))
            os.replace(tmp, self.name)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def _is_file_state(value: Any) -> bool:
    """A file's state as `MD5Checker` stores it (not one of doit's own entries)."""
    return isinstance(value, list) and len(value) == 6


def _as_read(state: list[Any], dependency: str, read: Any) -> list[Any]:
    """The state to store for a file its task read (`read`: path -> stamp row, or True to run the
    task again): `state` when the file is still as it was read, else one that never matches."""
    if read is not True and dependency not in read:
        return state  # a file the action did not say it read
    if read is not True and state[:4] == read[dependency]:
        return state
    return list(CHANGED_WHILE_RUNNING)


def _digest(state: Any) -> Any:
    """The md5 in a stored state (ours, or doit's own `[mtime, size, md5]`), else None."""
    if isinstance(state, list) and len(state) in (3, 6):
        return state[4] if len(state) == 6 else state[2]
    return None


# --------------------------------------------------------------------------- the checker

class MD5Checker(DoitMD5Checker):  # type: ignore[misc]  # doit ships no type hints
    """Stamp, then md5 (see the module docstring). State: `[size, mtime_ns, ctime_ns, inode, md5,
    trusted]`, where `trusted` is 1 when the stamp was settled as it was taken.

    A file_dep that no longer exists when its task is checked (the cache folder deleted while the
    run goes on, a checkout) counts as changed: the task runs, and its action says what it could
    not read, instead of doit's DependencyError. One that no longer exists when its task saved
    success is not recorded (the next declaration no longer lists it, or the task runs again).
    """

    def info(self, file_path: str) -> os.stat_result:
        try:
            return os.stat(file_path)
        except FileNotFoundError:
            return _VANISHED

    def check_modified(self, file_path: str, file_stat: os.stat_result, state: Any) -> bool:
        stamp = stamp_from_stat(file_stat)
        if not stat.S_ISREG(file_stat.st_mode):
            return True  # never read: a FIFO would block
        if isinstance(state, list) and len(state) == 6:
            if state[5] and state[:4] == stamp_to_row(stamp):
                return False
            size = state[0]
        elif isinstance(state, list) and len(state) == 3:  # doit's own: [mtime, size, md5]
            size = state[1]
        else:
            return True
        if size != stamp.size:
            return True
        digest = _digest(state)
        if digest is None or digest != _file_md5(file_path):
            return True
        if settled(stamp) is not None:  # same content: store the new stamp, skip the md5 next time
            _refreshed[file_path] = _state(stamp, digest)
        return False

    def get_state(self, dep: str, current_state: Any) -> Any:
        try:
            st = os.stat(dep)
        except FileNotFoundError:
            return None
        stamp = stamp_from_stat(st)
        if not stat.S_ISREG(st.st_mode):
            return _state(stamp, "")  # never read; never matches
        if (isinstance(current_state, list) and len(current_state) == 6 and current_state[5]
                and current_state[:4] == stamp_to_row(stamp)):
            return None  # unchanged since it was recorded
        digest = _file_md5(dep)
        if file_stamp(dep) != stamp:
            return list(CHANGED_WHILE_RUNNING)  # written while we read it: look again next run
        return _state(stamp, digest)


def _state(stamp: Stamp, digest: str) -> list[Any]:
    return [*stamp, digest, 1 if settled(stamp) is not None else 0]


def _file_md5(path: str) -> str:
    """doit's md5 of a file's content, read in blocks."""
    md5 = hashlib.md5(usedforsecurity=False)
    # Non-blocking: a file swapped for a FIFO since it was stat'ed reads as empty, never hangs.
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            md5.update(block)
    return md5.hexdigest()
