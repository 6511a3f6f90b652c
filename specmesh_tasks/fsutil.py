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
