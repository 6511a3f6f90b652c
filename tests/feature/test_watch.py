"""`watch` end to end: a real watcher process in a temporary project, killed by PID at the end.

Most cases run `doit watch` over a toy dodo (gates/plan/tasks/test shaped tasks of a few lines,
the command registered through a `doit.cfg`), so the watcher's own behaviour is tested apart from
the bundled tasks. The last cases run the real `specmesh watch` on a copy of the example project.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from specmesh_tasks.state import LockBusyError, run_lock

TIMEOUT = 30.0  # generous: CI machines are small and noisy; passing runs take well under a second

TOY_DODO = '''
import glob, os, sys, time
from doit.exceptions import TaskFailed

os.makedirs(".specify/.cache", exist_ok=True)
DOIT_CONFIG = {"dep_file": ".specify/.cache/doit.json", "backend": "json", "continue": True,
               "default_tasks": ["gates", "plan", "tasks", "test"]}


def specs():
    return sorted(glob.glob(".specify/specs/features/*/spec.md"))


def check():
    broken = [s for s in specs() if "BROKEN" in open(s).read()]
    return TaskFailed("broken spec: " + ", ".join(broken)) if broken else None


def render(src, dst, head):
    text = head + open(src).read()
    if not os.path.exists(dst) or open(dst).read() != text:
        with open(dst, "w") as f:
            f.write(text)


def task_gates():
    return {"actions": [check], "file_dep": specs(), "uptodate": [False]}


def task_plan():
    for spec in specs():
        d = os.path.dirname(spec)
        yield {"name": os.path.basename(d), "file_dep": [spec], "targets": [d + "/plan.md"],
               "actions": [(render, [spec, d + "/plan.md", "# plan\\n"])]}


def task_tasks():
    for spec in specs():
        d = os.path.dirname(spec)
        yield {"name": os.path.basename(d), "file_dep": [d + "/plan.md"], "targets": [d + "/tasks.md"],
               "actions": [(render, [d + "/plan.md", d + "/tasks.md", "# tasks\\n"])]}


SLOW = "import os, pathlib, time; pathlib.Path('test-started').write_text(str(os.getpid())); time.sleep(60)"


def task_test():
    files = sorted(glob.glob("tests/*.py"))
    actions = [[sys.executable, "-m", "py_compile", *files]]
    if os.path.exists("slow-tests"):
        actions.append([sys.executable, "-c", SLOW])
    return {"file_dep": files, "actions": actions}


def write_report():
    os.makedirs("reports", exist_ok=True)
    with open("reports/report.txt", "w") as f:
        f.write(str(time.time()))


def task_report():
    return {"actions": [write_report], "uptodate": [False]}


def sleep_long():
    open("slow-started", "w").close()
    time.sleep(60)


def task_slow():
    return {"actions": [sleep_long], "uptodate": [False]}
'''


class Watcher:
    """A watcher subprocess whose combined output goes to a log file we poll."""

    def __init__(self, args: list[str], cwd: Path, log: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, check: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if self.proc.poll() is not None:
                pytest.fail(f"watcher exited ({self.proc.returncode}) waiting for {what}:\n{self.text()}")
            time.sleep(0.02)
        pytest.fail(f"timed out waiting for {what}:\n{self.text()}")

    def status(self, number: int) -> str:
        """Wait for the status line of cycle `number` and return it."""
        pattern = re.compile(rf"^watch #{number}: .*$", re.M)
        self.wait_for(lambda: pattern.search(self.text()), f"cycle {number}")
        match = pattern.search(self.text())
        assert match
        return match.group(0)

    def cycles(self) -> int:
        return len(re.findall(r"^watch #\d+: ", self.text(), re.M))

    def ready(self) -> str:
        self.wait_for(lambda: "watching " in self.text(), "the ready line")
        match = re.search(r"^watching (.+) \((\d+) files\)$", self.text(), re.M)
        assert match, self.text()
        return match.group(0)

    def stop(self, sig: int) -> int:
        os.kill(self.proc.pid, sig)
        return self.proc.wait(timeout=TIMEOUT)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def watchers() -> Iterator[list[Watcher]]:
    started: list[Watcher] = []
    yield started
    for watcher in started:
        watcher.kill()


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    root = tmp_path / "toy"
    (root / ".specify/specs/features/a").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "dodo.py").write_text(textwrap.dedent(TOY_DODO).lstrip(), encoding="utf-8")
    (root / "doit.cfg").write_text("[COMMAND]\nwatch = specmesh_tasks.watch.command:Watch\n")
    (root / ".specify/specs/features/a/spec.md").write_text("Spec ID: S-A-001\nfirst\n", encoding="utf-8")
    (root / "tests/test_a.py").write_text("def test_a():\n    pass\n", encoding="utf-8")
    return root


def start_toy(root: Path, watchers: list[Watcher], *tasks: str) -> Watcher:
    log = root.parent / f"log{len(watchers)}"
    watcher = Watcher([sys.executable, "-m", "doit", "watch", *tasks], root, log)
    watchers.append(watcher)
    return watcher


def edit(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def settle(watcher: Watcher, cycles: int, quiet: float = 0.8) -> None:
    """Wait a little and check that no further cycle started (own writes, loops)."""
    time.sleep(quiet)
    assert watcher.cycles() == cycles, watcher.text()


# ------------------------------------------------------------------------ the watcher itself

def test_it_runs_once_then_prints_the_ready_line(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    first = watcher.status(1)
    assert "first run" in first and "ran plan:a, tasks:a, gates, test" in first and first.endswith(" s")
    assert watcher.ready().startswith(f"watching {toy.resolve()} (")
    tasks_md = (toy / ".specify/specs/features/a/tasks.md").read_text()
    assert tasks_md == "# tasks\n# plan\nSpec ID: S-A-001\nfirst\n"
    assert watcher.text().index("watch #1:") < watcher.text().index("watching ")
    settle(watcher, 1)  # the first run's own writes start nothing


def test_a_spec_edit_reruns_its_tasks_once(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    edit(toy / ".specify/specs/features/a/spec.md", "Spec ID: S-A-001\nsecond\n")
    line = watcher.status(2)
    assert "changed .specify/specs/features/a/spec.md" in line
    assert "ran plan:a, tasks:a, gates ·" in line and line.split(" · ")[2] == "ok"
    assert (toy / ".specify/specs/features/a/plan.md").read_text().endswith("second\n")
    settle(watcher, 2)  # plan.md and tasks.md it just wrote do not start a third cycle


def test_editor_scratch_files_stay_out_of_the_status_line(toy: Path, watchers: list[Watcher]) -> None:
    """vim's save (probe file 4913, swap file, `~` backup) and `sed -i` (a temporary sedXXXXXX
    renamed over the file): the status line names the spec only."""
    watcher = start_toy(toy, watchers)
    watcher.ready()
    folder = toy / ".specify/specs/features/a"
    spec = folder / "spec.md"
    (folder / ".spec.md.swp").write_text("swap")
    probe = folder / "4913"
    probe.write_text("")
    probe.unlink()
    shutil.copy(spec, folder / "spec.md~")
    spec.write_text("Spec ID: S-A-001\nsecond\n", encoding="utf-8")
    (folder / ".spec.md.swp").unlink()
    (folder / "spec.md~").unlink()
    assert watcher.status(2).startswith("watch #2: changed .specify/specs/features/a/spec.md · ")
    scratch = folder / "sedNSjKhw"
    scratch.write_text("Spec ID: S-A-001\nthird\n", encoding="utf-8")
    os.replace(scratch, spec)
    assert watcher.status(3).startswith("watch #3: changed .specify/specs/features/a/spec.md · ")
    oddly_named = folder / "x8Fq2"  # no known pattern: created and gone within the burst
    oddly_named.write_text("scratch")
    oddly_named.unlink()
    spec.write_text("Spec ID: S-A-001\nfourth\n", encoding="utf-8")
    assert watcher.status(4).startswith("watch #4: changed .specify/specs/features/a/spec.md · ")


def test_a_plan_edit_reruns_tasks_and_gates_but_not_plan(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    edit(toy / ".specify/specs/features/a/plan.md", "# plan\nedited by hand\n")
    line = watcher.status(2)
    assert "ran tasks:a, gates ·" in line
    assert (toy / ".specify/specs/features/a/plan.md").read_text() == "# plan\nedited by hand\n"
    assert (toy / ".specify/specs/features/a/tasks.md").read_text().endswith("edited by hand\n")


def test_a_source_edit_runs_only_the_tests(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    edit(toy / "lib.py", "X = 1\n")
    assert "changed lib.py · nothing to run · ok" in watcher.status(2)  # doit: test is up to date
    edit(toy / "tests/test_a.py", "def test_a():\n    assert True\n")
    assert "changed tests/test_a.py · ran gates, test · ok" in watcher.status(3)


def test_a_broken_spec_and_a_failing_task_keep_it_watching(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    edit(toy / ".specify/specs/features/a/spec.md", "Spec ID: S-A-001\nBROKEN\n")
    assert "failed (gates)" in watcher.status(2)
    assert "broken spec: .specify/specs/features/a/spec.md" in watcher.text()
    edit(toy / "tests/test_b.py", "def test_b(:\n")  # a syntax error
    assert "failed (gates, test)" in watcher.status(3)
    assert "SyntaxError" in watcher.text()
    edit(toy / ".specify/specs/features/a/spec.md", "Spec ID: S-A-001\nfixed\n")
    (toy / "tests/test_b.py").unlink()
    watcher.wait_for(lambda: re.search(r"^watch #\d+: .* · ok · ", watcher.text(), re.M), "a green cycle")
    assert watcher.proc.poll() is None
    assert "Traceback" not in watcher.text()


def test_new_and_deleted_specs_are_picked_up(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    edit(toy / ".specify/specs/features/b/spec.md", "Spec ID: S-B-001\nnew\n")
    new_plan = toy / ".specify/specs/features/b/plan.md"
    watcher.wait_for(new_plan.exists, "the new feature's plan")
    # The status line ends the cycle (the `.  plan:b` progress line comes mid-cycle, and deleting a
    # spec while a cycle's tasks still list it races with that cycle).
    watcher.wait_for(lambda: "ran plan:b" in watcher.text(), "plan:b in a status line")
    shutil.rmtree(toy / ".specify/specs/features/a")
    number = watcher.cycles() + 1
    watcher.wait_for(lambda: "features/a" in watcher.text().split("watch #" + str(number - 1))[-1],
                     "a cycle for the deleted spec")
    time.sleep(0.5)
    after = watcher.text().split("\n")
    assert not [line for line in after if "ERROR" in line or "Traceback" in line], watcher.text()
    assert watcher.proc.poll() is None


def test_a_burst_of_saves_is_one_cycle(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    for name in ("b", "c", "d", "e"):
        edit(toy / f".specify/specs/features/{name}/spec.md", f"Spec ID: S-{name.upper()}-001\n")
    line = watcher.status(2)
    settle(watcher, 2)
    assert "plan:b, plan:c, plan:d, plan:e" in line or "+" in line, line
    for name in ("b", "c", "d", "e"):
        assert (toy / f".specify/specs/features/{name}/tasks.md").exists()


def test_a_save_while_tests_run_stops_them_and_starts_the_next_cycle(
    toy: Path, watchers: list[Watcher],
) -> None:
    (toy / "slow-tests").touch()
    watcher = start_toy(toy, watchers)
    started = toy / "test-started"
    watcher.wait_for(started.exists, "the slow test run")
    watcher.wait_for(lambda: started.read_text(), "the test runner's pid")
    runner_pid = int(started.read_text())
    (toy / "slow-tests").unlink()
    edit(toy / ".specify/specs/features/a/spec.md", "Spec ID: S-A-001\nsaved while testing\n")
    assert "first run · ran plan:a, tasks:a, gates, test · tests stopped by new saves ·" in watcher.status(1)
    assert "changed .specify/specs/features/a/spec.md" in watcher.status(2)
    assert watcher.status(2).split(" · ")[2] == "ok"
    with pytest.raises(ProcessLookupError):
        os.kill(runner_pid, 0)  # the stopped test runner is gone
    assert "Traceback" not in watcher.text()


def test_a_task_that_writes_a_report_every_run_does_not_loop(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers, "report", "test")
    watcher.ready()
    settle(watcher, 1)
    edit(toy / "tests/test_a.py", "def test_a():\n    assert 1\n")
    assert "ran report, test" in watcher.status(2)
    settle(watcher, 2)


def test_the_lock_is_held_per_cycle_not_for_life(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers, "slow")
    watcher.wait_for((toy / "slow-started").exists, "the slow task")
    with pytest.raises(LockBusyError), run_lock(toy.resolve(), wait=0.2):
        pass
    assert watcher.stop(signal.SIGTERM) == 0  # a signal in the middle of a cycle
    assert "Traceback" not in watcher.text() and "watch: stopped" in watcher.text()
    with run_lock(toy.resolve(), wait=0.2):
        pass


def test_idle_watcher_lets_a_manual_run_take_the_lock(toy: Path, watchers: list[Watcher]) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    with run_lock(toy.resolve(), wait=0.2):
        pass
    assert watcher.proc.poll() is None


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_it_with_status_0_and_no_traceback(
    toy: Path, watchers: list[Watcher], sig: int,
) -> None:
    watcher = start_toy(toy, watchers)
    watcher.ready()
    assert watcher.stop(sig) == 0
    assert "Traceback" not in watcher.text()
    assert watcher.text().rstrip().endswith("watch: stopped")


def test_an_unknown_task_is_a_one_line_error(toy: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "doit", "watch", "nosuch"], cwd=toy, capture_output=True,
                          text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 3
    assert "nosuch" in done.stderr and "Traceback" not in done.stderr


# ----------------------------------------------------------- the real `specmesh watch`

FEATURE = ".specify/specs/features/sloan001-book-lending"


def specmesh_command() -> list[str]:
    """The installed console script, else the module (as the conftest's `run_specmesh`)."""
    exe = Path(sys.executable).with_name("specmesh")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "specmesh_tasks.cli"]


def start_specmesh(root: Path, watchers: list[Watcher]) -> Watcher:
    watcher = Watcher([*specmesh_command(), "--root", str(root), "watch"], root, root.parent / "specmesh.log")
    watchers.append(watcher)
    return watcher


def test_specmesh_watch_replans_on_a_spec_edit_and_survives_a_blocked_spec(
    example_copy: Path, watchers: list[Watcher],
) -> None:
    plan, spec = example_copy / FEATURE / "plan.md", example_copy / FEATURE / "spec.md"
    if plan.exists() and "<!-- specmesh:plan" not in plan.read_text(encoding="utf-8"):
        plan.unlink()  # an unmanaged plan is never touched; let the first cycle generate it
    watcher = start_specmesh(example_copy, watchers)
    watcher.ready()
    text = spec.read_text(encoding="utf-8")
    assert "### UC-LOAN-001: Borrow a book\n" in text
    title = "### UC-LOAN-001: Borrow a book\n"
    spec.write_text(text.replace(title, "### UC-LOAN-001: Borrow a book at the desk\n"), encoding="utf-8")
    watcher.wait_for(lambda: "Borrow a book at the desk" in plan.read_text(encoding="utf-8"),
                     "the new title in plan.md")
    watcher.wait_for(lambda: "plan:S-LOAN-001" in watcher.text(), "plan:S-LOAN-001 in a status line")

    blocked = text.replace("### UC-LOAN-001: Borrow a book\n", "### UC-LOAN-001: Borrow a book\n\n"
                           "[NEEDS CLARIFICATION: which members may borrow?]\n")
    before = watcher.cycles()
    spec.write_text(blocked, encoding="utf-8")
    watcher.wait_for(lambda: watcher.cycles() > before and "failed" in watcher.text().split("watch #")[-1],
                     "a failing cycle for the blocked spec")
    assert "spec.md:" in watcher.text()  # the reason, with file:line
    assert watcher.proc.poll() is None

    assert watcher.stop(signal.SIGINT) == 0
    assert "Traceback" not in watcher.text()


def test_specmesh_help_lists_watch(run_specmesh: Callable[..., subprocess.CompletedProcess[str]],
                                   example_copy: Path) -> None:
    done = run_specmesh("help", "watch", cwd=example_copy)
    assert done.returncode == 0, done.stderr
    assert "watch" in done.stdout and "--step" in done.stdout
