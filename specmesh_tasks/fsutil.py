"""File-system helpers: atomic writes that happen only on change, digests, root containment."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from specmesh_tasks.freshness import Stamp, file_stamp, settled, unchanged


def normalize_text(text: str) -> str:
    """LF line endings, trailing whitespace stripped from every line (CRLF checkouts are not edits)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines)


def normalized_digest(text: str) -> str:
    """sha256 hex of the normalized text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def digest_bytes(data: bytes) -> str:
    """sha256 hex of a file's bytes as they are (a cache's "did the content change?")."""
    return hashlib.sha256(data).hexdigest()


def short_hash(text: str) -> str:
    """The first 12 hex digits of `normalized_digest` (the HASH of plan markers)."""
    return normalized_digest(text)[:12]


class ChangedSinceRead(Exception):
    """The file changed after the version the caller read: a person saved it meanwhile."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} changed while it was being updated")
        self.path = path


@dataclass(frozen=True, slots=True)
class FileVersion:
    """What a file held when it was read: its content digest (None when it did not exist) and its
    freshness stamp, kept only when settled at the time of reading (else the digest decides)."""

    stamp: Stamp | None
    digest: str | None


MISSING = FileVersion(None, None)
# Test seam: called between writing the temporary file and the final check before the rename, so
# a test can land a save in exactly that window.
_before_replace: Callable[[Path], None] | None = None


def read_version(path: Path) -> tuple[bytes | None, FileVersion]:
    """The file's bytes (None when it does not exist) and the version they are.

    A path that is not a regular file raises NotRegularFileError and is never opened."""
    stamp = file_stamp(path)
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None, MISSING
    assert data is not None  # only a size limit gives None
    return data, FileVersion(settled(stamp), digest_bytes(data))


def _still(path: Path, version: FileVersion) -> bool:
    """True when `path` still holds `version`: the same settled stamp, else the same content."""
    stamp = file_stamp(path)
    if unchanged(version.stamp, stamp):
        return True
    if stamp is None:
        return version.digest is None
    try:
        return digest_bytes(path.read_bytes()) == version.digest
    except OSError:
        return False


def write_if_changed(path: Path, text: str | bytes, *, read: FileVersion | None = None) -> bool:
    """Write atomically (temp file + rename in the same directory) unless the content is unchanged.

    Returns True when the file was written. Keeping an unchanged file's mtime matters: doit and
    editors would otherwise see a change that did not happen.

    Never over a save made after the caller read the file: `read` is the version the new text was
    made from (default: the one this call reads first). Just before the rename the file is checked
    again, and ChangedSinceRead is raised (nothing written) when it no longer holds that version;
    the caller merges again onto the new version or reports a conflict.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    current, version = read_version(path)
    if read is not None and version.digest != read.digest:
        raise ChangedSinceRead(path)
    if current == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        mode = path.stat().st_mode & 0o7777 if current is not None else 0o644
        os.chmod(tmp, mode)
        if _before_replace is not None:
            _before_replace(path)
        if not _still(path, version):
            raise ChangedSinceRead(path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def save_backup(path: Path, data: bytes) -> Path:
    """Keep `data` as `<name>.orig`, else `.orig.1`, `.orig.2`, ...: a backup is never overwritten."""
    n = 0
    while True:
        candidate = path.with_name(path.name + (f".orig.{n}" if n else ".orig"))
        try:
            with open(candidate, "xb") as handle:  # exclusive: an existing backup stays as it is
                handle.write(data)
            return candidate
        except FileExistsError:
            n += 1


def write_with_backup(path: Path, text: str | bytes, *, read: FileVersion, backup: bytes | None) -> Path | None:
    """`write_if_changed` over the version `read`, keeping `backup` (that version's bytes, when
    given) as a backup first; returns the backup. When the write is refused (ChangedSinceRead)
    the backup goes too: it is a copy of a version that is no longer the person's latest."""
    saved = save_backup(path, backup) if backup is not None else None
    try:
        write_if_changed(path, text, read=read)
    except ChangedSinceRead:
        if saved is not None:
            saved.unlink()
        raise
    return saved


def is_within(path: Path, root: Path) -> bool:
    """True when `path`, with symlinks resolved, lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def rel_posix(path: Path, root: Path) -> str:
    """`path` relative to `root` with `/` separators (the form every report uses)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path, root).replace(os.sep, "/")


class NotRegularFileError(OSError):
    """A path that is not a regular file (a FIFO, socket, device or directory): never read."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(f"{os.fspath(path)} is {kind}, not a regular file")
        self.kind = kind


def file_kind(mode: int) -> str:
    """What a file of this `st_mode` is, for a message (`a FIFO`, `a directory`, ...)."""
    import stat

    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "a regular file")


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes | None:
    """The bytes of a regular file, or None when it holds more than `limit` bytes.

    Anything else raises NotRegularFileError and is never read: opening a FIFO for reading
    waits for a writer for ever, and a device may never end. The type is checked before the
    file is opened, and again on the open file (opened non-blocking), in case the path was
    replaced in between.
    """
    import stat

    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(path, file_kind(mode))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(path, file_kind(st.st_mode))
        if limit is not None and st.st_size > limit:
            return None
        data = handle.read() if limit is None else handle.read(limit + 1)
    return None if limit is not None and len(data) > limit else data
