"""CI stages users copy: the GitHub Actions example, the pre-commit hooks and the nox sessions.

Every `specmesh` command they run must exist: the task and its options are the contract's
(PRODUCT §5 and §7), and `specmesh help TASK` in the example project lists each option. The
pre-commit hooks run with pre-commit itself in a temporary git repository.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "examples" / "ci" / "github-actions.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
FEATURE = ".specify/specs/features/sloan001-book-lending"

# The task options of the contract (PRODUCT §5, §6, §7).
CONTRACT_OPTIONS: dict[str, set[str]] = {
    "gates": {"--format", "--output", "--strict", "--baseline", "--update-baseline", "--select", "--ignore"},
    "plan": {"--check", "--force", "--adopt"},
    "tasks": {"--check", "--adopt", "--done-from-git", "--ref"},
    "test": {"--since", "--shard", "--explain", "--junit", "--pytest-args", "--all", "--store-durations"},
    "trace": {"--format", "--output", "--feature", "--results", "--fail-on"},  # §10
    "impact": {"--format", "--output", "--since", "--fail-on"},
}


def specmesh_commands(script: str) -> list[tuple[str, list[str]]]:
    """(task, options) of every `specmesh TASK --opt ...` in a shell snippet."""
    script = re.sub(r"\$\{\{[^}]*\}\}", "X", script)  # GitHub expressions
    if script.lstrip().startswith("bash -c "):
        return specmesh_commands(shlex.split(script)[2])
    found = []
    for part in re.split(r"&&|\|\||;|\n|\|", script):
        words = shlex.split(part)
        if words and words[0] == "specmesh":
            rest = words[1:]
            while rest[:1] == ["--root"]:
                rest = rest[2:]
            found.append((rest[0], [w.split("=", 1)[0] for w in rest[1:] if w.startswith("--")]))
    return found


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def workflow_runs() -> list[str]:
    return [step["run"] for job in workflow()["jobs"].values() for step in job["steps"] if "run" in step]


def hooks() -> list[dict[str, Any]]:
    data = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


# ----------------------------------------------------------------- the workflow example

def test_the_workflow_has_three_stages_in_order() -> None:
    data = workflow()
    assert data.get("on", data.get(True)) is not None  # YAML 1.1 reads a bare `on` as True
    jobs = data["jobs"]
    assert list(jobs)[:3] == ["gates", "drift", "affected"]  # then the reports (test_trace_ci.py)
    assert jobs["drift"]["needs"] == "gates" and jobs["affected"]["needs"] == "drift"


def test_the_gates_stage_uploads_sarif() -> None:
    steps = workflow()["jobs"]["gates"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "specmesh gates --format sarif --output reports/gates.sarif" in runs
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload and upload[0]["with"]["sarif_file"] == "reports/gates.sarif"
    assert "always()" in upload[0]["if"]  # findings are uploaded when the gates fail too


def test_the_affected_stage_is_sharded_over_two_machines() -> None:
    job = workflow()["jobs"]["affected"]
    assert job["strategy"]["matrix"]["shard"] == [1, 2]
    runs = " ".join(s.get("run", "") for s in job["steps"])
    assert "specmesh test --since origin/${{ github.base_ref }}" in runs
    assert "--shard ${{ matrix.shard }}/2 --junit reports/junit.xml" in runs


def test_the_workflow_runs_only_contract_commands() -> None:
    commands = [c for run in workflow_runs() for c in specmesh_commands(run)]
    assert {task for task, _ in commands} == {"gates", "plan", "tasks", "test", "trace", "impact"}
    for task, options in commands:
        assert set(options) <= CONTRACT_OPTIONS[task], (task, options)


@pytest.fixture(scope="module")
def task_help(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """`specmesh help TASK` in a copy of the example project (cached per task)."""
    root = copy_example(tmp_path_factory.mktemp("help"))
    cache: dict[str, str] = {}

    def helped(task: str) -> str:
        if task not in cache:
            args = [*specmesh_command(), "--root", str(root), "help", task]
            done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False,
                                  env=clean_env())
            assert done.returncode == 0, done.stderr
            cache[task] = done.stdout
        return cache[task]

    return helped


def test_every_command_of_the_workflow_and_hooks_exists(task_help: Callable[[str], str]) -> None:
    scripts = workflow_runs() + [hook["entry"] for hook in hooks()]
    for task, options in {(t, tuple(o)) for s in scripts for t, o in specmesh_commands(s)}:
        text = task_help(task)
        for option in options:
            assert option in text, f"`specmesh {task}` has no {option}:\n{text}"


# ----------------------------------------------------------------------- pre-commit hooks

def test_the_hook_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    manifest = load_manifest(str(HOOKS))
    assert [h["id"] for h in manifest] == ["specmesh-gates", "specmesh-drift"]
    for hook in manifest:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert re.search(hook["files"], f"{FEATURE}/spec.md")
        assert not re.search(hook["files"], "lending/loans.py")
    assert [c[0] for c in specmesh_commands(manifest[1]["entry"])] == ["plan", "tasks"]


@pytest.fixture
def hook_repo(tmp_path: Path, example_copy: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A git repository holding the example project, with our hooks as local hooks.

    The hooks are copied from `.pre-commit-hooks.yaml` (id, entry, files, pass_filenames) with
    `language: system`: the package is already installed here, and pre-commit would otherwise
    build a virtualenv from PyPI. `specmesh` on PATH is the installed command.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "specmesh"
    shim.write_text("#!/bin/sh\nexec " + " ".join(shlex.quote(w) for w in specmesh_command()) + ' "$@"\n')
    shim.chmod(0o755)
    local = [{k: h[k] for k in ("id", "name", "entry", "files", "pass_filenames")} | {"language": "system"}
             for h in hooks()]
    config = {"repos": [{"repo": "local", "hooks": local}]}
    (example_copy / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = clean_env() | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                         "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    git(example_copy, "init", "-q")
    git(example_copy, "add", "-A")
    yield example_copy, env


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def pre_commit(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_hooks_pass_on_a_clean_tree(hook_repo: tuple[Path, dict[str, str]]) -> None:
    root, env = hook_repo
    done = pre_commit(root, env, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"specmesh gates\.+Passed", done.stdout)
    assert re.search(r"specmesh plan/tasks drift\.+Passed", done.stdout)


def test_the_gates_hook_fails_on_an_open_question(hook_repo: tuple[Path, dict[str, str]]) -> None:
    root, env = hook_repo
    spec = root / FEATURE / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n[NEEDS CLARIFICATION: who may borrow?]\n",
                    encoding="utf-8")
    git(root, "add", "-A")
    done = pre_commit(root, env, "specmesh-gates", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"specmesh gates\.+Failed", done.stdout)
    assert "spec.md:" in done.stdout and "Traceback" not in done.stdout  # the finding, with file:line


def test_the_drift_hook_fails_on_a_stale_plan_and_writes_nothing(
    hook_repo: tuple[Path, dict[str, str]],
) -> None:
    root, env = hook_repo
    spec, plan = root / FEATURE / "spec.md", root / FEATURE / "plan.md"
    if "<!-- specmesh:plan" not in plan.read_text(encoding="utf-8"):
        plan.unlink()  # a plan we did not write is never checked; let `plan` generate one first
        subprocess.run(["specmesh", "plan"], cwd=root, env=env, capture_output=True, check=True, timeout=120)
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "### UC-LOAN-001: Borrow a book\n", "### UC-LOAN-001: Borrow a book at the desk\n"), encoding="utf-8")
    git(root, "add", "-A")
    before = plan.read_bytes()
    done = pre_commit(root, env, "specmesh-drift", "--all-files")
    assert done.returncode != 0, done.stdout + done.stderr
    assert re.search(r"specmesh plan/tasks drift\.+Failed", done.stdout)
    assert "Traceback" not in done.stdout and "plan.md" in done.stdout
    assert plan.read_bytes() == before


def test_the_hooks_skip_a_commit_without_spec_changes(hook_repo: tuple[Path, dict[str, str]]) -> None:
    root, env = hook_repo
    git(root, "commit", "-q", "-m", "initial", "--no-verify")
    source = root / "lending" / "loans.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    git(root, "add", "-A")
    done = pre_commit(root, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"specmesh gates\.+\(no files to check\)Skipped", done.stdout)


# ----------------------------------------------------------------------- nox sessions

def nox_sessions() -> dict[str, ast.FunctionDef]:
    tree = ast.parse((REPO / "noxfile.py").read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)
            and any("session" in ast.unparse(d) for d in node.decorator_list)}


def test_nox_has_the_ci_stage_sessions_besides_the_projects_own() -> None:
    assert {"tests", "lint", "typecheck", "gates", "drift", "affected"} <= set(nox_sessions())


def test_the_nox_stages_run_contract_commands() -> None:
    expected = {"gates": {"gates"}, "drift": {"plan", "tasks"}, "affected": {"test"}}
    for name, tasks in expected.items():
        found = set()
        for call in ast.walk(nox_sessions()[name]):
            if not isinstance(call, ast.Call):
                continue
            words = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            named = [i for i, w in enumerate(words) if w in CONTRACT_OPTIONS]
            if words[:1] != ["specmesh"] or not named:
                continue
            task, options = words[named[0]], [w for w in words[named[0] + 1:] if w.startswith("--")]
            assert set(options) <= CONTRACT_OPTIONS[task], (name, task, options)
            found.add(task)
        assert found == tasks, name
    gates_text = ast.unparse(nox_sessions()["gates"])
    assert "reports/gates.sarif" in gates_text and "reports/gates.junit.xml" in gates_text
    assert "--junit" in ast.unparse(nox_sessions()["affected"])


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}


def specmesh_command() -> list[str]:
    """The installed console script, else the module (as the conftest's `run_specmesh`)."""
    exe = Path(sys.executable).with_name("specmesh")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "specmesh_tasks.cli"]


def copy_example(target: Path) -> Path:
    root = target / "library"
    shutil.copytree(REPO / "examples" / "library", root,
                    ignore=shutil.ignore_patterns(".cache", "__pycache__", ".pytest_cache"))
    return root
