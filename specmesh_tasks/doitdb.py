"""doit's dependency store, tuned: the json backend minus the rewrite when nothing changed, and
the md5 file checker minus the failure when a file_dep disappears while its task runs.

doit's `JsonDB` writes the whole dependency file at the end of every run. With a thousand plans
that is a megabyte encoded and written on every no-op `doit`, about a tenth of its time. This one
notes whether any stored value really changed (a list and a tuple of the same items are the same
value: JSON reads tuples back as lists) and writes, atomically, only then. It is registered as
`specmesh-json` (entry point `doit.BACKEND`), so doit's own `json` backend stays untouched.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from doit.dependency import JsonDB
from doit.dependency import MD5Checker as DoitMD5Checker

_MISSING = object()


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


class QuietJsonDB(JsonDB):  # type: ignore[misc]  # doit ships no type hints
    """doit's json backend that writes the file only when its content changes."""

    desc = "json file, rewritten only when a value changed (specmesh-tasks)"

    def __init__(self, name: str, codec: Any, *, module_name: str | None = None) -> None:
        super().__init__(name, codec, module_name=module_name)
        self._dirty = not os.path.exists(name)

    def set(self, task_id: str, dependency: str, value: Any) -> None:
        if not same_value(self._db.get(task_id, {}).get(dependency, _MISSING), value):
            self._dirty = True
        super().set(task_id, dependency, value)

    def remove(self, task_id: str) -> None:
        if task_id in self._db:
            self._dirty = True
        super().remove(task_id)

    def remove_all(self) -> None:
        self._dirty = True
        super().remove_all()

    def dump(self) -> None:
        if not self._dirty:
            return
        folder = os.path.dirname(os.path.abspath(self.name))
        fd, tmp = tempfile.mkstemp(prefix=".doit-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.codec.encode(self._db))
            os.replace(tmp, self.name)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self._dirty = False


class MD5Checker(DoitMD5Checker):  # type: ignore[misc]  # doit ships no type hints
    """doit's md5 checker (same name, so the state doit keeps stays valid), except that a file_dep
    deleted while its task ran is not recorded instead of failing the task.

    doit records the state of every file_dep after a success, and a missing file then makes the
    task fail. The gates read the tree afresh on every run, so a spec deleted meanwhile (by a
    checkout, or in a watcher's cycle) is simply not a dependency any more; the next declaration
    no longer lists it. Checking up front would cost a second `stat` of every file.
    """

    def get_state(self, dep: str, current_state: Any) -> Any:
        try:
            return super().get_state(dep, current_state)
        except FileNotFoundError:
            return None
