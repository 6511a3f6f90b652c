"""Atomic, change-only writes and normalized digests."""

from __future__ import annotations

import os
from pathlib import Path

from specmesh_tasks.fsutil import is_within, normalized_digest, save_backup, short_hash, write_if_changed


def test_write_only_when_changed_keeps_mtime(tmp_path: Path) -> None:
    path = tmp_path / "d" / "plan.md"
    assert write_if_changed(path, "a\n") is True
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(path, "a\n") is False
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(path, "b\n") is True
    assert path.read_text() == "b\n"
    assert [p.name for p in path.parent.iterdir()] == ["plan.md"]  # no temp file left behind


def test_digest_ignores_crlf_and_trailing_whitespace() -> None:
    assert normalized_digest("a  \r\nb\r\n") == normalized_digest("a\nb\n")
    assert normalized_digest("a\nb\n") != normalized_digest("a\nc\n")
    assert len(short_hash("x")) == 12


def test_is_within_resolves_symlinks(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    assert is_within(root / "a.md", root)
    assert not is_within(root / "link" / "x.md", root)
    assert not is_within(root / ".." / "x", root)


def test_backups_are_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    assert save_backup(target, b"first").name == "plan.md.orig"
    assert save_backup(target, b"second").name == "plan.md.orig.1"
    assert save_backup(target, b"third").name == "plan.md.orig.2"
    assert (tmp_path / "plan.md.orig").read_bytes() == b"first"
