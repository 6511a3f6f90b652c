"""File-system helpers: atomic writes that happen only on change, digests, root containment."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` atomically (temp file + rename in the same directory) unless unchanged.

    Returns True when the file was written. Keeping an unchanged file's mtime matters: doit and
    editors would otherwise see a change that did not happen.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


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
