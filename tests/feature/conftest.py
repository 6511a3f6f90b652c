"""Fixtures of the feature tests of `specmesh trace` / `specmesh impact`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, specmesh_command

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the time recorded for the example's test runs


def git(root: Path, *args: str) -> str:
    """Run git in `root` (a fixed identity, so commits work on any machine); its stdout."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def committed_example(root: Path) -> Path:
    """A copy of the example project at `root`, committed in a new git repository."""
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cache", "__pycache__", ".pytest_cache"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "example")
    return root


@pytest.fixture(scope="session")
def recorded_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project in a git repository with every test run once by `specmesh test`
    (results recorded at EPOCH). Copy it before changing anything."""
    root = committed_example(tmp_path_factory.mktemp("recorded") / "library")
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    done = subprocess.run([*specmesh_command(), "test"], cwd=root, env={**env, "SOURCE_DATE_EPOCH": EPOCH},
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return root
