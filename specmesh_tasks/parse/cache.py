"""A per-file cache of parsed results in `.specify/.cache/parse/`, so unchanged specs are not re-read.

One pickle file holds, per root-relative path, the file's stat (mtime_ns, size), a digest of its
text and the parsed object. Freshness is checked cheapest first: an unchanged stat reuses the
entry without reading the file; otherwise the text's digest decides. The cache key includes a
schema number, the Python version and the shape of the model's dataclasses, so any change there
starts afresh; a corrupt or unreadable cache is ignored. Loading uses an unpickler that only
accepts our own model classes, so a planted cache file cannot run code.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import hashlib
import io
import operator
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

PARSE_CACHE_SCHEMA = 1  # bump when the reader's output changes for the same input
_ALLOWED_MODULES = ("specmesh_tasks.model.spec", "specmesh_tasks.model.ids")


# The entries this process last read or wrote, per cache file, with that file's stat: a long-lived
# process (watch mode, repeated doit actions) revalidates them by stat instead of unpickling.
_IN_MEMORY: dict[Path, tuple[tuple[int, int, int], str, dict[str, tuple[int, int, str, Any]]]] = {}


_HELD_TREES = 4  # a test session builds many trees; keep only the latest few in memory


def _hold(path: Path, value: tuple[tuple[int, int, int], str, dict[str, tuple[int, int, str, Any]]]) -> None:
    _IN_MEMORY.pop(path, None)
    _IN_MEMORY[path] = value
    while len(_IN_MEMORY) > _HELD_TREES:
        del _IN_MEMORY[next(iter(_IN_MEMORY))]


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class _ModelUnpickler(pickle.Unpickler):
    """Unpickles only classes of the model modules (no arbitrary callables)."""

    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES:
            found = getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name, None)
            if isinstance(found, type):
                return _constructor(found) if dataclasses.is_dataclass(found) else found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the parse cache")


@functools.cache
def _constructor(cls: type) -> Callable[..., Any]:
    """What loading calls to rebuild a model object (pickled as `Class(*fields)`, see `_dumps`):
    the class's fast stand-in, which returns an ordinary instance of it, when it has one."""
    from specmesh_tasks.model.spec import fast_constructor

    try:
        return fast_constructor(cls)
    except TypeError:  # a field with a default factory (Repo): the class itself
        return cls


def cache_key() -> str:
    """Schema number, Python version and the model's field names: a change in any drops the cache."""
    return f"{PARSE_CACHE_SCHEMA}:{sys.version_info[0]}.{sys.version_info[1]}:{_model_shape()}"


@functools.lru_cache(maxsize=1)
def _model_shape() -> str:
    from specmesh_tasks.model import spec as model

    shape = []
    for name in sorted(vars(model)):
        obj = getattr(model, name)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            shape.append(name + ":" + ",".join(f.name for f in dataclasses.fields(obj)))
    return hashlib.sha256("|".join(shape).encode()).hexdigest()[:16]


def text_key(text: str, extra: str = "") -> str:
    """The digest an entry is validated against when the stat changed."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() + extra


class ParseCache:
    """Entries `rel -> (mtime_ns, size, text_key, value)` loaded from and saved to one file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.key = cache_key()
        self.entries: dict[str, tuple[int, int, str, Any]] = self._load() if path else {}
        self.used: set[str] = set()
        self.dirty = False

    def _load(self) -> dict[str, tuple[int, int, str, Any]]:
        assert self.path is not None
        stamp = _file_stamp(self.path)
        held = _IN_MEMORY.get(self.path)
        if held is not None and stamp is not None and held[0] == stamp and held[1] == self.key:
            return dict(held[2])  # this process wrote or read that very file: skip unpickling
        try:
            data = _ModelUnpickler(io.BytesIO(self.path.read_bytes())).load()
        except Exception:  # any corruption: the cache is only a faster path
            return {}
        if not isinstance(data, dict) or data.get("key") != self.key:
            return {}
        entries = data.get("entries")
        if not isinstance(entries, dict):
            return {}
        if stamp is not None:
            _hold(self.path, (stamp, self.key, dict(entries)))
        return entries

    def by_stat(self, rel: str, stat: os.stat_result) -> Any | None:
        """The cached value when the file's stat is unchanged, else None."""
        entry = self.entries.get(rel)
        if entry is not None and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            self.used.add(rel)
            return entry[3]
        return None

    def by_text(self, rel: str, stat: os.stat_result | None, key: str) -> Any | None:
        """The cached value when the text's digest is unchanged (the stat is refreshed)."""
        entry = self.entries.get(rel)
        if entry is None or entry[2] != key:
            return None
        self.used.add(rel)
        if stat is not None and (entry[0], entry[1]) != (stat.st_mtime_ns, stat.st_size):
            self.entries[rel] = (stat.st_mtime_ns, stat.st_size, key, entry[3])
            self.dirty = True
        return entry[3]

    def put(self, rel: str, stat: os.stat_result | None, key: str, value: Any) -> None:
        self.used.add(rel)
        mtime, size = (stat.st_mtime_ns, stat.st_size) if stat is not None else (-1, -1)
        self.entries[rel] = (mtime, size, key, value)
        self.dirty = True

    def save(self) -> None:
        """Write the cache (only the entries used in this run) when anything changed.

        Test workers under pytest-xdist only read it: the controlling process writes.
        """
        if self.path is None or os.environ.get("PYTEST_XDIST_WORKER"):
            return
        stale = set(self.entries) - self.used
        if not self.dirty and not stale:
            return
        for rel in stale:
            del self.entries[rel]
        with contextlib.suppress(OSError):  # a read-only tree still works, only slower
            _atomic_write(self.path, _dumps({"key": self.key, "entries": self.entries}))
            stamp = _file_stamp(self.path)
            if stamp is not None:
                _hold(self.path, (stamp, self.key, dict(self.entries)))


def _dumps(payload: object) -> bytes:
    """Pickle model objects as `Class(*fields)`: loading then calls the constructor, which is
    about twice as fast as the default slots state restore (loading is the cache's hot path)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()  # type: ignore[misc]
    pickler.dump(payload)
    return buffer.getvalue()


def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    from specmesh_tasks.model import spec as model

    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    for obj in vars(model).values():
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            table[obj] = _reducer(obj, tuple(f.name for f in dataclasses.fields(obj)))
    return table


def _reducer(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    get = operator.attrgetter(*names)  # reads every field into a tuple in one C call
    if len(names) == 1:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
