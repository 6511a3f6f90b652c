"""A doit dependency backend: doit's json backend, minus the rewrite when nothing changed.

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
