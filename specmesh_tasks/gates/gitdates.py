"""Last commit dates of files, from one streamed `git log` (mtimes mean nothing after a checkout).

Plain `git` through subprocess: one process, stopped as soon as every wanted file was seen, and
no GitPython import on the gates' path.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path


def git_dir(root: Path) -> Path | None:
    """The absolute git directory of the repository holding `root`, or None outside git."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--absolute-git-dir"],
            capture_output=True, text=True, timeout=10, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = out.stdout.strip()
    return Path(path) if out.returncode == 0 and path else None


def head_files(gdir: Path) -> list[str]:
    """Files whose change means HEAD moved (a commit, a checkout, a pull): watched by the cache."""
    files = [gdir / "HEAD", gdir / "logs" / "HEAD", gdir / "packed-refs"]
    try:
        head = (gdir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        head = ""
    if head.startswith("ref: "):
        files.append(gdir / head[5:].strip())
    return [str(f) for f in files]


def last_commit_dates(root: Path, wanted: Iterable[str], under: str = ".specify") -> dict[str, int]:
    """Commit time (epoch seconds) of the last commit touching each wanted root-relative path.

    Paths never committed are absent from the result.
    """
    missing = set(wanted)
    dates: dict[str, int] = {}
    if not missing:
        return dates
    cmd = ["git", "-c", "core.quotePath=false", "-C", str(root), "log", "--format=%x00%ct",
           "--name-only", "--relative", "--no-renames", "--", under]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except OSError:
        return dates
    assert proc.stdout is not None
    stamp = 0
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("\x00"):
                stamp = int(line[1:] or 0)
            elif line in missing:
                dates[line] = stamp
                missing.discard(line)
                if not missing:
                    break
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.terminate()
        proc.wait()
    return dates
