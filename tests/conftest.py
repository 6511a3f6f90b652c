"""Fixtures shared by every test: spec trees in tmp_path and the `specmesh` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "library"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `path -> text` (dedented) or `path -> bytes` under root; returns root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    (root / ".specify").mkdir(exist_ok=True)
    return root


@pytest.fixture
def spec_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """`spec_tree({".specify/specs/features/x/spec.md": TEXT})` -> the root of a new tree."""

    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "repo", files)

    return make


@pytest.fixture
def count_scandir(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """`reads = count_scandir()`: from then on, every directory read with os.scandir is listed."""

    def start() -> list[str]:
        reads: list[str] = []
        real = os.scandir

        def counting(path: Any) -> Any:
            reads.append(str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", counting)
        return reads

    return start


@pytest.fixture
def settled_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cache trusts every stamp taken from now on: the freshness clock runs an hour ahead,
    out of the racy window (`touch` can age an mtime, never a ctime)."""
    from specmesh_tasks import freshness

    real = freshness.now_ns
    monkeypatch.setattr(freshness, "now_ns", lambda: real() + 3_600_000_000_000)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A fresh copy of the example project (tests never work on it in place)."""
    target = tmp_path / "library"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".cache", "__pycache__", ".pytest_cache"))
    return target


def specmesh_command() -> list[str]:
    """The installed console script, else the module (same code either way)."""
    exe = Path(sys.executable).with_name("specmesh")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "specmesh_tasks.cli"]


@pytest.fixture
def run_specmesh() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `specmesh ARGS` in a subprocess in `cwd`; returns the completed process (text)."""

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120,
            ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
        full_env.update(env or {})
        return subprocess.run(
            [*specmesh_command(), *args], cwd=cwd, env=full_env, capture_output=True,
            text=True, timeout=timeout, check=False,
        )

    return run


@pytest.fixture
def trust_stamps_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stamps count as settled at once (`freshness.RACY_NS = 0`): for tests whose files are all
    written before the run that reads them starts, so no edit can share a clock tick with it."""
    from specmesh_tasks import freshness

    monkeypatch.setattr(freshness, "RACY_NS", 0)
