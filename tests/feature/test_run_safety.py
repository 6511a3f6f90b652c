"""Runs that cannot hang or interleave (contract §3, §9): a spec.md, plan.md, tasks.md or test file that
is not a regular file is never opened, and every run that executes our tasks takes the lock, whichever
command line started it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
PIPE = ".specify/specs/features/zz-pipe/spec.md"
FOLDER = ".specify/specs/features/zz-folder/spec.md"


@pytest.fixture
def hostile(example_copy: Path) -> Path:
    """The example with a FIFO named spec.md and a directory named spec.md."""
    (example_copy / PIPE).parent.mkdir(parents=True)
    os.mkfifo(example_copy / PIPE)
    (example_copy / FOLDER).mkdir(parents=True)
    return example_copy


@pytest.mark.parametrize("command", [("list",), ("plan",), ("tasks",), ("gates",), ("gates", "--format", "json")])
def test_a_spec_that_is_not_a_regular_file_never_hangs_a_command(
        run_specmesh: Run, hostile: Path, command: tuple[str, ...]) -> None:
    result = run_specmesh(*command, cwd=hostile, timeout=120)  # a hang fails here, not for ever
    assert "Traceback" not in result.stderr
    if command[0] == "gates":
        out = result.stdout
        assert result.returncode == 1
        assert f"{PIPE} is a FIFO, not a regular file; skipped" in out
        assert f"{FOLDER} is a directory, not a regular file; skipped" in out
    else:
        assert result.returncode == 0, result.stderr


PLAN_PIPE = ".specify/specs/features/sfees001-late-fees/plan.md"
TASKS_PIPE = ".specify/specs/features/scatalog001-book-catalog/tasks.md"
TEST_PIPE = "tests/test_zz_pipe.py"
SKIPPED = "is a FIFO, not a regular file; skipped"


@pytest.fixture
def pipes(example_copy: Path) -> Path:
    """The example with a FIFO in place of every kind of file we read: a spec, a plan, a tasks.md
    and a test file (opening any of them for reading would wait for a writer for ever)."""
    (example_copy / PIPE).parent.mkdir(parents=True)
    for rel in (PIPE, PLAN_PIPE, TASKS_PIPE, TEST_PIPE):
        (example_copy / rel).unlink(missing_ok=True)
        os.mkfifo(example_copy / rel)
    return example_copy


@pytest.mark.parametrize("command", [(), ("list",), ("gates",), ("plan",), ("tasks",), ("trace",), ("test",)])
def test_no_command_opens_a_fifo_named_like_a_file_we_read(run_specmesh: Run, pipes: Path,
                                                           command: tuple[str, ...]) -> None:
    result = run_specmesh(*command, cwd=pipes, timeout=120)  # a hang fails here, not for ever
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    named = {rel for rel in (PIPE, PLAN_PIPE, TASKS_PIPE, TEST_PIPE) if f"{rel} {SKIPPED}" in out}
    expected = {(): {PIPE, TEST_PIPE, PLAN_PIPE, TASKS_PIPE}, ("gates",): {PIPE, TEST_PIPE},
                ("plan",): {PLAN_PIPE}, ("tasks",): {PLAN_PIPE, TASKS_PIPE}}.get(command, set())
    assert named == expected, out
    assert result.returncode == (1 if expected else 0), out  # a plan that cannot be written needs attention
    assert all(stat.S_ISFIFO((pipes / rel).stat().st_mode) for rel in (PIPE, PLAN_PIPE, TASKS_PIPE, TEST_PIPE))


USER_DODO = "from specmesh_tasks.dodo import *  # noqa: F403\n"
HOLD = ("import sys, time; from specmesh_tasks.state import run_lock\n"
        "with run_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)\n")


@pytest.fixture
def holder(example_copy: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the project's lock until the test ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(example_copy)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def plain_doit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    return subprocess.run([sys.executable, "-m", "doit", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_plain_doit_through_a_user_dodo_takes_the_lock(example_copy: Path, holder: subprocess.Popen[str]) -> None:
    (example_copy / "dodo.py").write_text(USER_DODO, encoding="utf-8")
    before = {p: p.read_bytes() for p in (example_copy / ".specify/specs").rglob("*.md")}
    busy = plain_doit(example_copy, "plan")
    assert busy.returncode == 1
    assert busy.stderr.count("another specmesh run holds") == 1 and "Traceback" not in busy.stderr
    assert {p: p.read_bytes() for p in before} == before  # nothing ran, nothing written
    assert plain_doit(example_copy, "list").returncode == 0  # a listing reads no state: never waits
    holder.kill()
    holder.wait()
    done = plain_doit(example_copy, "plan")
    assert done.returncode == 0, done.stderr


LOAN = ".specify/specs/features/sloan001-book-lending"
# An editor's save (temp file + rename) of plan.md and of tasks.md, each landing in the last
# moment before our rename of that file (the hook `fsutil._before_replace`), once each.
SAVE_IN_THE_WINDOW = """
import os, sys
from pathlib import Path
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
import specmesh_tasks.dodo as dodo
from specmesh_tasks import fsutil

edits = {
    "plan.md": ("## 12. Notes", "Saved by a person during the run.\\n\\n## 12. Notes"),
    "tasks.md": ("- [ ] [T-302]", "- [x] [T-302]"),
}

def editor_save(path):
    old, new = edits.pop(path.name, (None, None))
    if old is None or "sloan001" not in str(path):
        return
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    tmp = path.with_name(path.name + ".swp")
    tmp.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(tmp, path)

fsutil._before_replace = editor_save
sys.exit(DoitMain(ModuleTaskLoader(dodo)).run(["plan", "tasks"]))
"""


def test_a_save_during_the_run_is_kept_end_to_end(example_copy: Path, run_specmesh: Run) -> None:
    spec = example_copy / LOAN / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Borrow a book", "Borrow a volume"), encoding="utf-8")
    plan = example_copy / LOAN / "plan.md"
    text = plan.read_text(encoding="utf-8").replace("\n## 11.", "\n## 12. Notes\n\nMine.\n\n## 11.", 1)
    plan.write_text(text.replace("-> T-301, T-302", "-> T-301, T-302, T-303"), encoding="utf-8")  # a new task
    done = subprocess.run([sys.executable, "-c", SAVE_IN_THE_WINDOW], cwd=example_copy,
                          env={**os.environ, "SPECMESH_ROOT": str(example_copy)}, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    text = plan.read_text(encoding="utf-8")
    assert "Saved by a person during the run." in text and "UC-LOAN-001 (Borrow a volume)" in text
    tasks = (example_copy / LOAN / "tasks.md").read_text(encoding="utf-8")
    assert "- [x] [T-302]" in tasks and "[T-303]" in tasks
    assert not list((example_copy / LOAN).glob("*.swp")) and not list((example_copy / LOAN).glob(".*.tmp"))
    assert run_specmesh("plan", "--check", cwd=example_copy).returncode == 0
