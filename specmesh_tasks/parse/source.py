"""Read one file of the tree as text, turning every way it can go wrong into a Problem.

The text returned is decoded UTF-8 with a leading BOM removed and CRLF / CR line endings turned
into LF, so every parser downstream sees one form. Nothing here raises for a bad file.
"""

from __future__ import annotations

import codecs
from pathlib import Path, PurePosixPath

from specmesh_tasks.fsutil import NotRegularFileError, read_regular
from specmesh_tasks.model.spec import Problem
from specmesh_tasks.parse import problems as codes
from specmesh_tasks.parse.problems import problem

MAX_BYTES = 10 * 1024 * 1024  # contract §9: a file over 10 MB is skipped with a finding
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_source(
    abs_path: Path, rel: str, *, root: Path | None = None
) -> tuple[str | None, list[Problem]]:
    """The file's text (None when it must be skipped) and the problems met reading it.

    `root` defaults to `abs_path` with `rel` removed from its end; a symlink that resolves
    outside it is refused.
    """
    base = root if root is not None else _root_of(abs_path, rel)
    try:
        target = abs_path.resolve()
        if base is not None and not _inside(target, base.resolve()):
            message = f"{rel} is a symlink leading outside the root; skipped"
            return None, [problem(codes.OUTSIDE_ROOT, rel, 0, message)]
        data = read_regular(target, MAX_BYTES)
    except NotRegularFileError as exc:  # a FIFO would block the read for ever
        return None, [problem(codes.UNREADABLE, rel, 0, f"{rel} is {exc.kind}, not a regular file; skipped")]
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return None, [problem(codes.UNREADABLE, rel, 0, f"cannot read {rel}: {reason}")]
    if data is None:
        return None, [problem(codes.TOO_LARGE, rel, 0, f"{rel} is larger than 10 MB; skipped")]
    return decode_bytes(data, rel)


def decode_bytes(data: bytes, rel: str) -> tuple[str, list[Problem]]:
    """Decode UTF-8 (BOM dropped, line endings made LF); bad bytes become U+FFFD and a Problem,
    and so do NUL bytes (kept, and reported)."""
    found: list[Problem] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if data[:2] in _UTF16_BOMS:
        text = data.decode("utf-16", errors="replace")
        message = "not valid UTF-8 at line 1 (UTF-16 byte order mark; read as UTF-16)"
        found.append(problem(codes.NOT_UTF8, rel, 1, message))
        return normalize_newlines(text).lstrip("\ufeff"), found
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of_offset(data, exc.start)
        found.append(problem(codes.NOT_UTF8, rel, line, f"not valid UTF-8 at line {line}"))
        text = data.decode("utf-8", errors="replace")
    text = normalize_newlines(text)
    if "\x00" in text:
        found.append(_nul_problem(text, rel))
    return text, found


def _nul_problem(text: str, rel: str) -> Problem:
    """NUL characters are kept in the text (nothing is dropped unseen) and reported."""
    count = text.count("\x00")
    line = text.count("\n", 0, text.index("\x00")) + 1
    return problem(codes.NUL_BYTES, rel, line,
                   f"{count} NUL byte{'' if count == 1 else 's'} (the first on line {line}): "
                   "the file looks damaged or binary")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR -> LF (a CRLF checkout must read exactly like an LF one)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _line_of_offset(data: bytes, offset: int) -> int:
    head = data[:offset]
    if b"\r" in head:
        head = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return head.count(b"\n") + 1


def _root_of(abs_path: Path, rel: str) -> Path | None:
    """`/r/.specify/specs/x/spec.md` with rel `.specify/specs/x/spec.md` -> `/r`."""
    parts = PurePosixPath(rel).parts
    if not parts or ".." in parts or PurePosixPath(rel).is_absolute():
        return None
    if tuple(abs_path.parts[-len(parts):]) != parts:
        return None
    return abs_path.parents[len(parts) - 1]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
