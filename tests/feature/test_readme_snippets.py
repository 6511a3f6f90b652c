"""Every README snippet works when pasted: each fenced block is either run here as a person would
run it, or is one that a named test runs (the set-up commands, the pre-commit hooks, the dodo
merge); a new block that is neither fails the first test below.

The `specmesh` lines run through bash, in README order, in a git clone of the example project
that has an `origin/main`: a redirect into a missing directory or an option that does not exist
fails as it would for the reader.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from specmesh_tasks.config import load_settings

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"

# Blocks another test runs as pasted, by a line they hold -> that test.
RUN_ELSEWHERE = {
    'pip install -e ".[test]" && pytest -n auto': "tests/unit/test_readme_ci.py (and .ci/run runs it)",
    "repo: local": "test_ci_stages.py::test_the_hooks_pass_on_a_clean_tree (pre-commit run)",
    "default_tasks": "test_user_dodo.py (doit, doit clean, doit forget, doit watch)",
}
# Placeholders a reader replaces, and what this test puts there.
PLACEHOLDERS = {"path/to/project": "{root}"}
# Lines that never end by themselves: their options are checked against `specmesh help`.
LONG_RUNNING = ("specmesh watch", "doit watch")


def blocks() -> list[tuple[str, str, int]]:
    """(language, text, line) of every fenced block of the README."""
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M):
        line = README.read_text(encoding="utf-8")[: match.start()].count("\n") + 1
        found.append((match.group(1), match.group(2), line))
    return found


def commands(text: str) -> list[str]:
    """The command lines of a shell block, without their trailing comments."""
    lines = []
    for raw in text.splitlines():
        words = shlex.split(raw, comments=True)
        if words:
            lines.append(raw[: raw.index(" #")] if " #" in raw else raw)
    return [line.strip() for line in lines]


def run_elsewhere(text: str) -> bool:
    return any(marker in text for marker in RUN_ELSEWHERE)


def test_every_block_is_run_here_or_by_a_named_test() -> None:
    """Shell blocks hold only commands this file knows how to check; other blocks are output
    samples (no language, or `diff`) or are run elsewhere."""
    known_programs = {"specmesh", "pip", "doit", "nox", "pytest"}
    for language, text, line in blocks():
        if language == "bash":
            for command in commands(text):
                assert command.split()[0] in known_programs, f"README.md:{line}: no check for {command!r}"
        elif language in ("yaml", "python"):
            assert run_elsewhere(text) or text.startswith(("plan:", "tests:", "repos:", "from ")), (
                f"README.md:{line}: a {language} block no test checks")
        else:
            assert language in ("", "diff"), f"README.md:{line}: a {language} block no test checks"


def specmesh_lines() -> list[str]:
    return [c for lang, text, _ in blocks() if lang == "bash" for c in commands(text)
            if c.startswith("specmesh") and not c.startswith(LONG_RUNNING)]


def test_the_specmesh_lines_run_as_pasted(tmp_path: Path, example_copy: Path) -> None:
    root = example_copy
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "example"],
                 ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    shim = tmp_path / "bin" / "specmesh"  # `specmesh` on PATH is this environment's command
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m specmesh_tasks.cli \"$@\"\n")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("SPECMESH_ROOT", "CI")}
    env |= {"PATH": f"{shim.parent}{os.pathsep}{env['PATH']}",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}  # the trace line is a CI job's
    lines = specmesh_lines()
    assert len(lines) >= 15
    for line in lines:
        for placeholder, value in PLACEHOLDERS.items():
            line = line.replace(placeholder, value.format(root=root))
        done = subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        # 1 is a verdict (findings, --strict, --fail-on); 2 and 3 are a bug or a bad command line.
        assert done.returncode in (0, 1), f"{line}\n{done.stderr}"
        assert "bash:" not in done.stderr and "Traceback" not in done.stderr, f"{line}\n{done.stderr}"
        assert not re.search(r"^error:", done.stderr, re.M), f"{line}\n{done.stderr}"


def test_the_long_running_lines_use_real_tasks_and_options(example_copy: Path) -> None:
    from specmesh_tasks import dodo
    from specmesh_tasks.doit_errors import option_names

    options = {n.removeprefix("task_"): option_names(getattr(dodo, n)._task_creator_params)
               for n in dodo.__all__ if n.startswith("task_")}
    watched = [c for lang, text, _ in blocks() if lang == "bash" for c in commands(text)
               if c.startswith(LONG_RUNNING)]
    assert watched
    for line in watched:
        task = None
        for word in shlex.split(line)[2:]:
            if word in options:
                task = word
            elif word.startswith("--"):
                assert task is not None and word in options[task], f"{line}: {word}"


def test_the_configuration_blocks_load_without_a_problem(example_copy: Path) -> None:
    configs = [text for lang, text, _ in blocks() if lang == "yaml" and not text.startswith("repos:")]
    assert len(configs) >= 2
    for text in configs:
        (example_copy / ".specify" / "specmesh.yaml").write_text(text, encoding="utf-8")
        load_settings(example_copy)  # a problem is a one-line error (SystemExit 3)


def test_the_remote_hooks_name_the_published_hooks() -> None:
    published = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    remote = [yaml.safe_load(text) for lang, text, _ in blocks() if lang == "yaml" and "repo: http" in text]
    assert remote
    for config in remote:
        assert {hook["id"] for repo in config["repos"] for hook in repo["hooks"]} <= published


def test_the_first_dodo_block_declares_its_task_beside_ours(example_copy: Path) -> None:
    first = next(text for lang, text, _ in blocks() if lang == "python")
    (example_copy / "dodo.py").write_text(first, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    done = subprocess.run([sys.executable, "-m", "doit", "list"], cwd=example_copy, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert {"build", "gates", "plan", "tasks", "test"} <= {line.split()[0] for line in done.stdout.splitlines()}


def nox_sessions() -> set[str]:
    tree = ast.parse((REPO / "noxfile.py").read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and any("session" in ast.unparse(d) for d in node.decorator_list)}


@pytest.mark.parametrize("program", ["nox", "pip"])
def test_the_nox_and_pip_lines_name_real_sessions_and_extras(program: str) -> None:
    lines = [c for lang, text, _ in blocks() if lang == "bash" for c in commands(text)
             if c.startswith(program) or f"&& {program}" in c]
    assert lines, program
    extras = set(metadata.metadata("specmesh-tasks").get_all("Provides-Extra") or [])
    for line in lines:
        words = shlex.split(line)
        if program == "nox":
            named = words[words.index("-s") + 1:]
            assert named and set(named) <= nox_sessions(), line
        elif program == "pip" and "-e" in words:
            wanted = re.findall(r"\[([\w,]+)\]", line)
            assert all(set(w.split(",")) <= extras for w in wanted), line
        elif program == "pip":
            # a clone or a git URL: test_packaging.py builds and installs the wheel from the tree
            assert "/path/to/" in line or "git+https://" in line, line
