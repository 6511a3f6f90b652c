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
