"""The `specmesh` command is doit's command line with the bundled tasks (contract §1, §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmesh_tasks.cli import split_root
from specmesh_tasks.errors import UserError


def test_root_option_is_taken_out_before_doit_sees_it() -> None:
    assert split_root(["--root", "ex", "plan", "--check"]) == ("ex", ["plan", "--check"])
    assert split_root(["--root=ex", "list"]) == ("ex", ["list"])
    assert split_root(["gates"]) == (None, ["gates"])
    with pytest.raises(UserError):
        split_root(["--root"])


def test_help_and_list_in_the_example(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    helped = run_specmesh("--help", cwd=example_copy)
    assert helped.returncode == 0 and "list" in helped.stdout
    listed = run_specmesh("list", cwd=example_copy)
    assert listed.returncode == 0, listed.stderr
    names = listed.stdout.split()
    for task in ("gates", "plan", "tasks", "test"):
        assert task in names
    sub = run_specmesh("list", "--all", cwd=example_copy)
    assert "plan:S-LOAN-001" in sub.stdout and "tasks:S-LOAN-001" in sub.stdout


def test_root_option_from_anywhere(run_specmesh, example_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = run_specmesh("--root", str(example_copy), "list", cwd=elsewhere)
    assert listed.returncode == 0 and "plan" in listed.stdout.split()


def test_no_root_is_one_line_and_exit_3(run_specmesh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_specmesh("list", cwd=tmp_path)
    assert result.returncode == 3
    assert "no .specify/ directory" in result.stderr and "Traceback" not in result.stderr


def test_bad_root_option_is_exit_3(run_specmesh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_specmesh("--root", str(tmp_path / "missing"), "list", cwd=tmp_path)
    assert result.returncode == 3 and "not a directory" in result.stderr


def test_bad_config_is_one_line_exit_3(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    (example_copy / ".specify" / "specmesh.yaml").write_text("plan:\n  colour: red\n", encoding="utf-8")
    result = run_specmesh("gates", cwd=example_copy)
    assert result.returncode == 3, result.stderr
    assert "specmesh.yaml:2" in result.stderr and "plan.colour" in result.stderr
    assert "Traceback" not in result.stderr


def test_only_the_creators_a_command_line_needs_are_declared() -> None:
    from specmesh_tasks.cli import creators_for, is_run

    assert creators_for(["test", "--since", "origin/main"]) == ("task_test",)
    assert creators_for(["tasks:S-LOAN-001", "--check"]) == ("task_plan", "task_tasks")
    assert creators_for(["run", "gates", "plan"]) == ("task_gates", "task_plan")
    assert creators_for([]) is None  # the default tasks: everything
    assert creators_for(["list"]) is None
    # doit's run options before the task (`specmesh -q plan` runs with `--reporter quiet`)
    assert creators_for(["-v", "2", "plan"]) == creators_for(["--reporter", "quiet", "plan"]) == ("task_plan",)
    assert creators_for(["-n2", "--continue", "--db-file=x", "test"]) == ("task_test",)
    assert creators_for(["-n", "2"]) is None and creators_for(["--no-such", "plan"]) is None
    assert is_run([]) and is_run(["plan"]) and is_run(["-n", "2"])
    assert not is_run(["list"]) and not is_run(["watch"]) and not is_run(["help", "plan"])


def test_a_second_run_waits_for_the_lock_then_exits_1(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from specmesh_tasks.state import run_lock\n"
         f"with run_lock({str(example_copy)!r}):\n    print('held', flush=True); time.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = run_specmesh("gates", cwd=example_copy)
        assert result.returncode == 1
        assert "another specmesh run holds" in result.stderr and "Traceback" not in result.stderr
        listed = run_specmesh("list", cwd=example_copy)  # reading commands never wait
        assert listed.returncode == 0
    finally:
        holder.kill()
        holder.wait()
