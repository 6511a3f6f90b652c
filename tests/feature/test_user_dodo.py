"""A user's own dodo.py star-imports the bundled tasks and merges its task into the defaults, as
the README shows; then `doit`, `doit clean`, `doit forget` and `doit watch` cover it too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def readme_merge() -> str:
    """The README's DOIT_CONFIG merge for a user's dodo, as pasted."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    return next(b for b in blocks if "default_tasks" in b)


USER_DODO = readme_merge() + '''

def task_build():
    return {"actions": ["echo built > build.txt"], "file_dep": ["pyproject.toml"], "targets": ["build.txt"],
            "clean": True}
'''
PLAN = ".specify/specs/features/sloan001-book-lending/plan.md"


def doit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    return subprocess.run([sys.executable, "-m", "doit", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_doit_clean_and_forget_cover_the_users_task(example_copy: Path) -> None:
    (example_copy / "dodo.py").write_text(USER_DODO, encoding="utf-8")
    ran = doit(example_copy)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (example_copy / "build.txt").exists() and ".  build" in ran.stderr
    assert ran.stderr.index(".  gates") < ran.stderr.index(".  build")  # ours first, in their order

    forgot = doit(example_copy, "forget", "--enable-default")
    assert forgot.returncode == 0 and "forgetting build" in forgot.stdout, forgot.stdout + forgot.stderr

    cleaned = doit(example_copy, "clean")
    assert cleaned.returncode == 0, cleaned.stdout + cleaned.stderr
    assert not (example_copy / "build.txt").exists()
    assert (example_copy / PLAN).exists()  # clean never deletes a plan (it holds human text)


def test_doit_watch_runs_the_users_task_too(example_copy: Path, tmp_path: Path) -> None:
    (example_copy / "dodo.py").write_text(USER_DODO, encoding="utf-8")
    log = tmp_path / "watch.log"
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    with open(log, "wb") as out:
        watcher = subprocess.Popen([sys.executable, "-m", "doit", "watch"], cwd=example_copy, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "watching " not in log.read_text(errors="replace"):
            assert watcher.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.05)
        first = log.read_text(errors="replace").split("watching ", 1)[0]
        assert "build" in first and (example_copy / "build.txt").exists(), first
    finally:
        os.kill(watcher.pid, signal.SIGKILL)
        watcher.wait()
