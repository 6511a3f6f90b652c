"""The pytest child's side of `affected/runner.py`: selection arguments, and an exit without the
interpreter's teardown that keeps the exit code, the buffered output, the exit handlers, and
whatever a profiler writes after the program returns (on every Python: 3.12+ profiles through
`sys.monitoring`)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from specmesh_tasks.affected.runner import selection_dirs, selection_payload

REPO = Path(__file__).resolve().parents[2]


def run_script(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=60, env={"PYTHONPATH": str(REPO)})


def test_exit_code_buffered_output_and_exit_handlers_are_kept(tmp_path: Path) -> None:
    done = run_script(tmp_path, """\
        import atexit, pathlib, sys
        from specmesh_tasks.affected.runner import exit_without_teardown as exit_now

        atexit.register(lambda: pathlib.Path("handler.txt").write_text("ran"))
        sys.stdout.write("no newline, still buffered")
        sys.stderr.write("to stderr")
        exit_now(3)
        """)
    assert done.returncode == 3
    assert done.stdout == "no newline, still buffered"
    assert done.stderr == "to stderr"
    assert (tmp_path / "handler.txt").read_text() == "ran"


def test_a_running_thread_gets_the_normal_exit_that_waits_for_it(tmp_path: Path) -> None:
    done = run_script(tmp_path, """\
        import threading, time
        from specmesh_tasks.affected.runner import exit_without_teardown as exit_now

        def late():
            time.sleep(0.2)
            print("thread finished", flush=True)

        threading.Thread(target=late).start()
        exit_now(0)
        """)
    assert done.returncode == 0
    assert done.stdout == "thread finished\n"


def test_under_a_profiler_the_normal_exit_lets_it_write_its_results(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text("from specmesh_tasks.affected.runner import exit_without_teardown\n"
                      "exit_without_teardown(0)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(tmp_path / "out.prof"), str(script)],
                          cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60,
                          env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.prof").stat().st_size > 0


def test_selection_dirs_are_the_outermost_directories() -> None:
    args = ["tests/a/test_x.py", "tests/a/b/test_y.py::t", "tests/c/test_z.py", "other/t.py"]
    assert selection_dirs(args) == ["other", "tests/a", "tests/c"]
    assert selection_dirs(["test_root.py", "tests/test_x.py"]) == ["."]


def test_selection_payload_splits_whole_files_and_tests(tmp_path: Path) -> None:
    payload = selection_payload(tmp_path, ["tests/t.py", "tests/u.py::TestA::test_b", "tests/u.py::test_c"])
    assert payload == {"files": [str(tmp_path / "tests/t.py")],
                       "nodes": {str(tmp_path / "tests/u.py"): ["TestA::test_b", "test_c"]}}
