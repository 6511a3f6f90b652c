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
            found.append((rest[0], []))
            for word in rest[1:]:
                if word.split(":", 1)[0] in CONTRACT_OPTIONS:
                    found.append((word, []))  # one command line may run several tasks
                elif word.startswith("--"):
                    found[-1][1].append(word.split("=", 1)[0])
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
    assert workflow()["jobs"]["gates"]["permissions"] == {
        "contents": "read", "actions": "read", "security-events": "write"}


def test_findings_gate_the_job_and_a_failed_upload_does_not() -> None:
    steps = {s.get("id") or s.get("name") or s.get("uses") or s.get("run"): s
             for s in workflow()["jobs"]["gates"]["steps"]}
    gates = steps["gates"]
    assert "continue-on-error" not in gates  # the gates' exit code is the job's
    upload = steps["Upload findings to code scanning"]
    assert upload["continue-on-error"] is True  # forks and repositories without code scanning
    # uploaded when the gates passed or failed, never when they did not run (a failed install)
    assert "steps.gates.outcome == 'success'" in upload["if"] and "steps.gates.outcome == 'failure'" in upload["if"]
    assert steps["Annotate the pull request"]["if"] == "failure() && steps.gates.outcome == 'failure'"


def test_the_workflow_runs_on_pushes_to_the_default_branch_too() -> None:
    data = workflow()
    triggers = data.get("on", data.get(True))
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]


def project_version() -> str:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    return str(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


def test_the_workflow_pins_the_tool_and_caches_pip_and_the_specmesh_cache() -> None:
    data = workflow()
    assert data["env"]["SPECMESH"] == f"specmesh-tasks=={project_version()}"
    for name, job in data["jobs"].items():
        uses = {str(s.get("uses", "")).split("@")[0]: s for s in job["steps"]}
        assert uses["actions/setup-python"]["with"]["cache"] == "pip", name
        assert not [s for s in job["steps"] if "pip install" in s.get("run", "") and "$SPECMESH" not in s["run"]]
        if name not in ("gates", "drift", "affected"):
            continue  # the report jobs read the results the stages hand them
        cache = uses["actions/cache"]["with"]
        assert cache["path"] == ".specify/.cache", name
        # keyed by the commit; restored from the newest of this branch or the base branch
        assert cache["key"].endswith("-${{ github.sha }}"), name
        assert cache["key"].startswith(cache["restore-keys"].strip()), name


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    """The example cannot rot: actionlint (a wheel that ships its binary) checks its syntax, the
    expressions, the actions' inputs and their deprecated versions."""
    search = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    actionlint = shutil.which("actionlint", path=search)
    assert actionlint, "actionlint is missing: `pip install -e '.[test]'` installs it"
    done = subprocess.run([actionlint, "-no-color", "-oneline", str(WORKFLOW)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_affected_stage_is_sharded_over_two_machines() -> None:
    job = workflow()["jobs"]["affected"]
    assert job["strategy"]["matrix"]["shard"] == [1, 2]
    step = next(s for s in job["steps"] if "specmesh test" in s.get("run", ""))
    # with a restored state: against it; a pull request without one: since its base branch
    assert step["env"]["BASE"] == ("${{ github.event_name == 'pull_request' && hashFiles('.specify/.cache/"
                                   "affected-state.json') == '' && format('origin/{0}', github.base_ref) || '' }}")
    assert 'specmesh test ${BASE:+--since "$BASE"}' in step["run"]
    assert "--shard ${{ matrix.shard }}/2 --junit reports/junit.xml" in step["run"]


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
        for test_file in ("tests/test_loans.py", "tests/unit/test_x.py", "pkg/loans_test.py", "tests/conftest.py"):
            assert re.search(hook["files"], test_file), test_file  # the gates read the IDs tests cite
        for other in ("lending/loans.py", "README.md", "tests/data/test_input.json"):
            assert not re.search(hook["files"], other), other
    drift = specmesh_commands(manifest[1]["entry"])
    assert drift == [("plan", ["--check"]), ("tasks", ["--check"])]  # one command line: args reach it


def readme_local_hooks() -> dict[str, Any]:
    """The README's `repo: local` pre-commit configuration, as a user pastes it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```yaml\n")[1:]]
    config = yaml.safe_load(next(b for b in blocks if "repo: local" in b))
    assert isinstance(config, dict)
    return config


def test_the_readmes_local_hooks_are_the_published_hooks_run_from_the_environment() -> None:
    local = readme_local_hooks()["repos"][0]["hooks"]
    keys = ("id", "name", "entry", "files", "pass_filenames")
    assert [{k: h[k] for k in keys} for h in local] == [{k: h[k] for k in keys} for h in hooks()]
    assert {h["language"] for h in local} == {"system"}


@pytest.fixture
def hook_repo(tmp_path: Path, example_copy: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A git repository holding the example project, with the README's local hooks.

    They run the installed `specmesh` (`language: system`), so pre-commit builds no virtualenv;
    `specmesh` on PATH is the command of this environment.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "specmesh"
    shim.write_text("#!/bin/sh\nexec " + " ".join(shlex.quote(w) for w in specmesh_command()) + ' "$@"\n')
    shim.chmod(0o755)
    (example_copy / ".pre-commit-config.yaml").write_text(yaml.safe_dump(readme_local_hooks(), sort_keys=False))
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


def test_a_commit_of_a_test_file_alone_runs_the_gates(hook_repo: tuple[Path, dict[str, str]]) -> None:
    root, env = hook_repo
    git(root, "commit", "-q", "-m", "initial", "--no-verify")
    test_file = root / "tests" / "test_loans.py"
    test_file.write_text(test_file.read_text(encoding="utf-8") + "\n\n# @fr FR-NOPE-001\ndef test_x():\n    pass\n",
                         encoding="utf-8")
    git(root, "add", "-A")
    done = pre_commit(root, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"specmesh gates\.+Failed", done.stdout) and "FR-NOPE-001" in done.stdout


@pytest.fixture(scope="module")
def hooks_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's hooks and package, committed to a git repository of their own (what
    `rev:` names), so pre-commit installs and runs them as it would for a user."""
    repo = tmp_path_factory.mktemp("specmesh-tasks")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, repo / name)
    for name in ("specmesh_tasks", "templates"):
        shutil.copytree(REPO / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    return repo


def test_the_hooks_through_pre_commit_itself(hooks_repository: Path, example_copy: Path,
                                             tmp_path: Path) -> None:
    """`pre-commit try-repo` installs the hooks as a user gets them (language: python) and runs
    them; a config naming the same repository passes `args:` to both hooks."""
    env = clean_env() | {"PRE_COMMIT_HOME": str(hooks_repository.parent / "pre-commit-home")}
    git(example_copy, "init", "-q")
    git(example_copy, "add", "-A")
    tried = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repository),
                            "--all-files", "--color", "never"], cwd=example_copy, env=env,
                           capture_output=True, text=True, timeout=600, check=False)
    assert tried.returncode == 0, tried.stdout + tried.stderr
    assert re.search(r"specmesh gates\.+Passed", tried.stdout)
    assert re.search(r"specmesh plan/tasks drift\.+Passed", tried.stdout)

    project = tmp_path / "outer"  # a monorepo: the specs live in a subdirectory
    shutil.copytree(example_copy, project / "library", ignore=shutil.ignore_patterns(".git"))
    git(project, "init", "-q")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks_repository, capture_output=True, text=True,
                         check=True).stdout.strip()
    hooks_config = [{"id": hook_id, "args": ["--root", "library"]} for hook_id in ("specmesh-gates", "specmesh-drift")]
    config = {"repos": [{"repo": str(hooks_repository), "rev": rev, "hooks": hooks_config}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    spec = project / "library" / FEATURE / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "### UC-LOAN-001: Borrow a book\n", "### UC-LOAN-001: Borrow a book at the desk\n"), encoding="utf-8")
    git(project, "add", "-A")
    done = pre_commit(project, env, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"specmesh gates\.+Passed", done.stdout)  # --root reached the gates
    assert re.search(r"specmesh plan/tasks drift\.+Failed", done.stdout) and "would change" in done.stdout


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


def run_noxfile(code: str, cwd: Path, env: dict[str, str]) -> str:
    """Run `code` with the noxfile's names in scope, in a copy of the noxfile (its side effects,
    the interpreter links in `.nox/`, land beside the copy)."""
    copy = cwd / "noxfile_copy.py"
    shutil.copy(REPO / "noxfile.py", copy)
    script = f"import runpy\nns = runpy.run_path({str(copy)!r})\n{code}"
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_nox_finds_the_pyenv_interpreters_that_pyenv_shims_hide(tmp_path: Path) -> None:
    pyenv = tmp_path / "pyenv"
    for version in ("3.10.9", "3.10.13", "3.13.0"):
        exe = pyenv / "versions" / version / "bin" / f"python{version.rsplit('.', 1)[0]}"
        exe.parent.mkdir(parents=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    env = clean_env() | {"PYENV_ROOT": str(pyenv), "PATH": "/usr/bin:/bin"}
    found = run_noxfile("import shutil, os\nreal = lambda name: os.path.realpath(shutil.which(name))\n"
                        "print(real('python3.10'), real('python3.13'), shutil.which('python3.12'))", tmp_path, env)
    assert found.split() == [str(pyenv / "versions/3.10.13/bin/python3.10"),
                             str(pyenv / "versions/3.13.0/bin/python3.13"), "None"]


def test_the_affected_session_compares_with_the_remotes_default_branch(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "master")
    (origin / "a.txt").write_text("a")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "first")
    git(tmp_path, "clone", "-q", str(origin), "clone")
    env = clean_env() | {"PYENV_ROOT": str(tmp_path / "no-pyenv")}
    assert run_noxfile("print(ns['default_branch']())", tmp_path / "clone", env) == "origin/master"
    git(tmp_path / "clone", "remote", "set-head", "origin", "--delete")
    assert run_noxfile("print(ns['default_branch']())", tmp_path / "clone", env) == "origin/master"
    assert run_noxfile("print(ns['default_branch']())", origin, env) == "HEAD"  # no remote at all


def test_ci_runs_the_suite_on_the_oldest_and_newest_supported_python(tmp_path: Path) -> None:
    pythons = run_noxfile("print(*ns['PYTHONS'])", tmp_path, clean_env() | {"PYENV_ROOT": "/nonexistent"}).split()
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert pythons == re.findall(r"Programming Language :: Python :: (3\.\d+)", pyproject)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    line = next(line for line in ci.splitlines() if line.startswith("nox "))
    assert "--error-on-missing-interpreters" in line and "tests_all_pythons" in line
    assert f"--python {pythons[0]} {pythons[-1]}" in line



def run_nox(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`nox ARGS` over a copy of the noxfile in `cwd`, with exactly the environment `env`."""
    shutil.copy(REPO / "noxfile.py", cwd / "noxfile.py")
    return subprocess.run([sys.executable, "-m", "nox", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_missing_interpreter_is_skipped_on_a_workstation_and_fails_in_ci(tmp_path: Path) -> None:
    bare = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path / "no-pyenv")}
    # nox runs a session on its own interpreter when the versions match, so that one is never missing.
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    missing = next(v for v in ("3.10", "3.13", "3.12")
                   if v != running and not shutil.which(f"python{v}", path=bare["PATH"]))
    session = f"tests_all_pythons-{missing}"
    workstation = run_nox(tmp_path, bare, "-s", session)
    assert workstation.returncode == 0 and "skipped" in workstation.stderr, workstation.stderr
    ci = run_nox(tmp_path, bare | {"CI": "true"}, "-s", session)
    assert ci.returncode != 0 and f"interpreter {missing} not found" in ci.stderr, ci.stderr


def test_the_ci_stage_sessions_reuse_their_virtualenv_and_skip_an_unneeded_pip(tmp_path: Path) -> None:
    """The CI-stage sessions keep their virtualenv; pip runs again only for a new pyproject.toml."""
    for name in ("gates", "drift", "affected"):
        decorator = ast.unparse(nox_sessions()[name].decorator_list[0])
        assert "reuse_venv=True" in decorator, name
    venv = tmp_path / "venv"
    venv.mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    code = (f"class Venv:\n    location = {str(venv)!r}\n"
            "class Session:\n    virtualenv = Venv()\n"
            "    def install(self, *args):\n        print('pip', *args)\n"
            "for _ in range(2):\n    ns['install_project'](Session())\n"
            "open('pyproject.toml', 'a').write('# changed\\n')\n"
            "ns['install_project'](Session())\n")
    env = clean_env() | {"PYENV_ROOT": str(tmp_path / "no-pyenv")}
    assert run_noxfile(code, tmp_path, env).splitlines() == ["pip -e .", "pip -e ."]
