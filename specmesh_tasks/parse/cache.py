"""A per-file cache of parsed results in `.specify/.cache/parse/`, so unchanged specs are not re-read.

Entries are spread over `SHARDS` pickle files by a stable hash of their root-relative path
(`specs.pickle` -> `specs-00.pickle` ... `specs-1f.pickle`): a run where one spec changed
re-pickles only that spec's shard, not the whole tree. An entry (`Entry`) holds the file's
freshness stamp (`specmesh_tasks.freshness`: size, mtime, ctime, inode; None while the file is too
fresh to trust), a digest of its text and the parsed object. Freshness is checked cheapest first:
an unchanged stamp reuses the entry without reading the file; otherwise the text's digest decides.
Each shard carries a key made of a schema number, the Python version and the shape of the model's
dataclasses, so any change there starts afresh. A corrupt, unreadable, foreign or wrong-shaped
shard is ignored (only its entries are re-parsed) and rewritten by the next run that saves, so it
heals. Loading uses an unpickler that only accepts our own model classes, so a planted cache file
cannot run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from specmesh_tasks.freshness import Stamp, file_stamp, settled, stamp_from_stat, unchanged

PARSE_CACHE_SCHEMA = 2  # bump when the reader's output or the entry layout changes
_ALLOWED_MODULES = ("specmesh_tasks.model.spec", "specmesh_tasks.model.ids")
SHARDS = 32  # ~30 entries per shard at 1000 specs: one edit re-pickles ~3 % of the tree


class Entry(NamedTuple):
    """What the cache knows of one file. Stored as a plain tuple (`_rows`), so the unpickler
    needs to accept nothing but the model's classes."""

    stamp: Stamp | None  # the file's settled stamp when it was read; None: look at it again
    key: str  # digest of the text the value was parsed from (`text_key`)
    value: Any


Entries = dict[str, Entry]

# The entries this process last read or wrote, per cache file, with that file's stamp: a long-lived
# process (watch mode, repeated doit actions) revalidates them by stamp instead of unpickling.
_IN_MEMORY: dict[Path, tuple[Stamp, str, Entries]] = {}
_HELD_TREES = 4  # a test session builds many trees; keep only the latest few in memory


def _hold(path: Path, value: tuple[Stamp, str, Entries]) -> None:
    _IN_MEMORY.pop(path, None)
    _IN_MEMORY[path] = value
    while len(_IN_MEMORY) > _HELD_TREES * SHARDS:
        del _IN_MEMORY[next(iter(_IN_MEMORY))]


def shard_of(rel: str) -> int:
    """The shard an entry lives in: stable across processes and Python versions (not `hash()`)."""
    return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS


def shard_path(base: Path, shard: int) -> Path:
    """`specs.pickle` -> `specs-07.pickle`."""
    return base.with_name(f"{base.stem}-{shard:02x}{base.suffix}")


class _ModelUnpickler(pickle.Unpickler):
    """Unpickles only classes of the model modules (no arbitrary callables)."""

    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES:
            found = getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name, None)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the parse cache")


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
    """Entries `rel -> Entry` loaded from and saved to the shards of `path` (see the module
    docstring); `path` itself is only the base name."""

    def __init__(self, path: Path | None, *, lazy: bool = False) -> None:
        """`lazy=True` reads a shard only when one of its entries is asked for (a caller that
        needs a few files); such a cache never drops entries it did not see used."""
        self.path = path
        self.key = cache_key()
        self.entries: Entries = {}
        self.used: set[str] = set()
        self.dirty = False
        self.changed: set[int] = set()  # shards to write back
        self.lazy = lazy
        self._loaded: set[int] = set()
        if path is not None and not lazy:
            for shard in range(SHARDS):
                self._ensure(shard)

    def _ensure(self, shard: int) -> None:
        if shard in self._loaded or self.path is None:
            return
        self._loaded.add(shard)
        path = shard_path(self.path, shard)
        loaded = self._load_shard(path)
        if loaded is None:  # damaged or foreign: rewrite it when this run saves
            self.changed.add(shard)
            return
        for rel, entry in loaded.items():
            self.entries.setdefault(rel, entry)

    def peek(self, rel: str) -> Any | None:
        """The cached value of `rel` whatever its freshness (None when there is none)."""
        self._ensure(shard_of(rel))
        entry = self.entries.get(rel)
        return entry.value if entry is not None else None

    def _load_shard(self, path: Path) -> Entries | None:
        """The shard's entries; {} when there is no such file, None when it cannot be used."""
        stamp = file_stamp(path)
        if stamp is None:
            return {}
        held = _IN_MEMORY.get(path)
        if held is not None and held[0] == stamp and held[1] == self.key:
            return held[2]  # this process wrote or read that very file: skip unpickling
        try:
            data = _ModelUnpickler(io.BytesIO(path.read_bytes())).load()
        except Exception:  # any corruption: the cache is only a faster path
            return None
        if not isinstance(data, dict) or data.get("key") != self.key:
            return None
        entries = _entries_from_rows(data.get("entries"))
        if entries is not None:
            _hold(path, (stamp, self.key, dict(entries)))
        return entries

    def by_stat(self, rel: str, stat: os.stat_result) -> Any | None:
        """The cached value when the file's stat is unchanged, else None."""
        if self.lazy:
            self._ensure(shard_of(rel))
        entry = self.entries.get(rel)
        if entry is not None and unchanged(entry.stamp, stamp_from_stat(stat)):
            self.used.add(rel)
            return entry.value
        return None

    def by_text(self, rel: str, stat: os.stat_result | None, key: str) -> Any | None:
        """The cached value when the text's digest is unchanged (the stat is refreshed)."""
        if self.lazy:
            self._ensure(shard_of(rel))
        entry = self.entries.get(rel)
        if entry is None or entry.key != key:
            return None
        self.used.add(rel)
        stamp = settled(stamp_from_stat(stat)) if stat is not None else None
        if stamp != entry.stamp:
            self.entries[rel] = entry._replace(stamp=stamp)
            self._touch(rel)
        return entry.value

    def put(self, rel: str, stat: os.stat_result | None, key: str, value: Any) -> None:
        self._ensure(shard_of(rel))  # the shard is written back whole: its other entries too
        self.used.add(rel)
        stamp = settled(stamp_from_stat(stat)) if stat is not None else None
        self.entries[rel] = Entry(stamp, key, value)
        self._touch(rel)

    def _touch(self, rel: str) -> None:
        self.changed.add(shard_of(rel))
        self.dirty = True

    def save(self) -> None:
        """Write back the shards that changed (keeping only the entries used in this run).

        Test workers under pytest-xdist only read it: the controlling process writes.
        """
        if self.path is None or os.environ.get("PYTEST_XDIST_WORKER"):
            return
        for rel in set() if self.lazy else set(self.entries) - self.used:
            del self.entries[rel]
            self.changed.add(shard_of(rel))
        if not self.changed:
            return
        shards: dict[int, Entries] = {k: {} for k in self.changed}
        for rel, entry in self.entries.items():
            bucket = shards.get(shard_of(rel))
            if bucket is not None:
                bucket[rel] = entry
        with contextlib.suppress(OSError):  # a read-only tree still works, only slower
            for shard, entries in sorted(shards.items()):
                self._write_shard(shard_path(self.path, shard), entries)
            self.path.unlink(missing_ok=True)  # the one-file cache of earlier versions
        self.changed.clear()
        self.dirty = False

    def _write_shard(self, path: Path, entries: Entries) -> None:
        if not entries:
            path.unlink(missing_ok=True)
            _IN_MEMORY.pop(path, None)
            return
        _atomic_write(path, _dumps({"key": self.key, "entries": _rows(entries)}))
        stamp = file_stamp(path)
        if stamp is not None:
            _hold(path, (stamp, self.key, dict(entries)))


def _rows(entries: Entries) -> dict[str, tuple[tuple[int, ...] | None, str, Any]]:
    """Entries as plain tuples, the form a shard file holds."""
    return {rel: (None if e.stamp is None else tuple(e.stamp), e.key, e.value) for rel, e in entries.items()}


def _entries_from_rows(rows: object) -> Entries | None:
    """Entries back from a shard's rows; None when any row is not of the shape `_rows` writes."""
    if not isinstance(rows, dict):
        return None
    entries: Entries = {}
    for rel, row in rows.items():
        if type(row) is not tuple or len(row) != 3 or not isinstance(rel, str) or not isinstance(row[1], str):
            return None
        stamp = row[0]
        if stamp is not None and (type(stamp) is not tuple or len(stamp) != 4
                                  or not all(type(v) is int for v in stamp)):
            return None
        entries[rel] = Entry(None if stamp is None else Stamp._make(stamp), row[1], row[2])
    return entries


def _dumps(payload: object) -> bytes:
    """Pickle with each model object written as `Class(*fields)`.

    Why: pickle's default for a slotted dataclass calls a Python `__getstate__` per object (which
    looks up the class's fields each time); a spec is ~240 objects, so writing the whole cache was
    a third of a cold `specmesh gates` at 1000 features. Reading the fields with one
    `operator.attrgetter` call instead halves the write (gain measured on the command: see the
    commit). Loading calls the class itself, which `_ModelUnpickler` allows.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _model_reducers()  # type: ignore[misc]  # a documented attribute
    pickler.dump(payload)
    return buffer.getvalue()


@functools.lru_cache(maxsize=1)
def _model_reducers() -> dict[type, Any]:
    """copyreg's table plus `Class -> (Class, fields tuple)` for every model dataclass."""
    import copyreg
    import operator

    from specmesh_tasks.model import spec as model

    def reducer(cls: type) -> Any:
        names = [f.name for f in dataclasses.fields(cls)]
        read = operator.attrgetter(*names)
        if len(names) == 1:  # attrgetter of one name returns the value, not a tuple
            return lambda obj: (cls, (read(obj),))
        return lambda obj: (cls, read(obj))

    table: dict[type, Any] = dict(copyreg.dispatch_table)
    for obj in vars(model).values():
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            table[obj] = reducer(obj)
    return table


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
