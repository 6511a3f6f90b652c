"""`specmesh` speaks for itself: help, version and one-line errors, end to end in a subprocess."""

from __future__ import annotations

import platform
import re
import shlex
from pathlib import Path

import pytest

from specmesh_tasks import usage


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_describes_specmesh_anywhere(run_specmesh, tmp_path: Path, flag: str) -> None:  # type: ignore[no-untyped-def]
    result = run_specmesh(flag, cwd=tmp_path)  # no project here: help still answers
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("usage: specmesh") and "doit -- automation tool" not in text
    for needed in ("--root DIR", "SPECMESH_ROOT", "specmesh help TASK", "specmesh help run"):
        assert needed in text
    for code in "0123":
        assert re.search(rf"^  {code}  \S", text, re.MULTILINE), f"exit code {code} is not explained"


def test_help_names_every_task_and_command_with_one_line(run_specmesh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from specmesh_tasks import dodo
    from specmesh_tasks.doit_main import PLUGINS

    text = run_specmesh("--help", cwd=tmp_path).stdout
    names = [n.removeprefix("task_") for n in dodo.__all__ if n.startswith("task_")] + list(PLUGINS["COMMAND"])
    for name in names:
        assert re.search(rf"^  {name} +\S", text, re.MULTILINE), f"{name} is not in specmesh --help"


def test_every_example_in_the_help_uses_real_options() -> None:
    """A person copies these lines: each option must exist on the task it follows."""
    from specmesh_tasks import dodo
    from specmesh_tasks.doit_errors import option_names

    options = {n.removeprefix("task_"): option_names(getattr(dodo, n)._task_creator_params)
               for n in dodo.__all__ if n.startswith("task_")}
    examples = [line.split("  ")[1] for line in usage.help_text([]).splitlines() if line.startswith("  specmesh")]
    assert len(examples) >= 6
    for example in examples:
        task = None
        for word in shlex.split(example)[1:]:
            if word.split(":")[0] in options:
                task = word.split(":")[0]
            elif word.startswith("--") and task is not None:
                assert word in options[task], f"{example}: {word} is not an option of {task}"


def test_task_help_lists_its_options(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    for argv in (["help", "gates"], ["gates", "--help"], ["gates", "-h"]):
        result = run_specmesh(*argv, cwd=example_copy)
        assert result.returncode == 0, result.stderr
        assert "--format" in result.stdout and "--baseline" in result.stdout


def test_version_names_ours_doits_and_pythons(run_specmesh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from importlib.metadata import version

    result = run_specmesh("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (f"specmesh-tasks {version('specmesh-tasks')} (doit {version('doit')}, "
                             f"Python {platform.python_version()})\n")


@pytest.mark.parametrize(("argv", "line"), [
    (["gates", "--formt", "json"], "error: unknown option --formt for gates; did you mean --format?"),
    (["gates", "--format"], "error: option --format for gates needs a value"),
    (["plan:S-LOAN-001", "--chek"], "error: unknown option --chek for plan:S-LOAN-001; did you mean --check?"),
    (["gatse"], "error: unknown task or command 'gatse'; did you mean 'gates'?"),
    (["list", "--foo"], "error: unknown option --foo for list; see `specmesh help list`"),
    (["--rot", "x", "gates"], "error: unknown option --rot; did you mean --root?"),
])
def test_a_bad_command_line_is_one_line_and_exit_3(run_specmesh, example_copy: Path, argv: list[str],  # type: ignore[no-untyped-def]
                                                   line: str) -> None:
    result = run_specmesh(*argv, cwd=example_copy)
    assert result.returncode == 3
    assert result.stderr == line + "\n" and result.stdout == ""


def test_every_one_line_error_starts_the_same_way(run_specmesh, example_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    results = [
        run_specmesh("info", cwd=example_copy),                    # doit's own two-line complaint
        run_specmesh("list", cwd=tmp_path),                        # no project
        run_specmesh("--root", str(tmp_path / "nope"), "list", cwd=tmp_path),
    ]
    (example_copy / ".specify" / "specmesh.yaml").write_text("plan:\n  colour: red\n", encoding="utf-8")
    results.append(run_specmesh("gates", cwd=example_copy))        # a bad config, found while loading
    for result in results:
        assert result.returncode == 3
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr


def test_bad_config_files_are_one_line_each_exit_3(run_specmesh, example_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os

    config = example_copy / ".specify" / "specmesh.yaml"
    config.write_text("gates:\n  rulez: {}\n  strict: !!python/name:os.system\n", encoding="utf-8")
    tagged = run_specmesh("gates", cwd=example_copy)
    assert tagged.returncode == 3 and tagged.stdout == ""
    assert tagged.stderr == (f"error: {config}:3: gates.strict: YAML tag !!python/name:os.system is not allowed "
                             "(the file holds plain data)\n")
    config.write_text("gates:\n  rulez: {}\n  rules: {SM999: warning}\n", encoding="utf-8")
    both = run_specmesh("gates", cwd=example_copy)
    assert both.returncode == 3
    assert both.stderr.splitlines() == [f"error: {config}:2: gates.rulez: unknown key; did you mean 'rules'?",
                                        f"error: {config}:3: gates.rules.SM999: unknown rule 'SM999'"]
    config.unlink()
    os.mkfifo(config)  # opening it for reading would block the run for ever
    fifo = run_specmesh("plan", cwd=example_copy, timeout=60)
    assert fifo.returncode == 3 and fifo.stderr == f"error: {config}: not a regular file; expected a YAML file\n"


def test_nothing_affected_is_said_once_even_when_explaining(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_specmesh("test", cwd=example_copy).returncode == 0  # records the state
    again = run_specmesh("test", "--explain", cwd=example_copy)
    assert again.returncode == 0, again.stderr
    assert (again.stdout + again.stderr).count("no test affected") == 1
