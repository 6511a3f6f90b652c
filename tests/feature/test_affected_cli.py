"""`doit test`: only the affected tests run (PRODUCT §7), on tmp_path projects with real git repos.

One project is built and run once per module (the baseline: every test passed and was recorded);
each test works on its own copy. Selection is checked in-process with `prepare` (no pytest
started); whole runs go through `run_affected` or through doit in a subprocess where the exit code
and the output are what is being tested.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.run import STATE_NAME, TestOptions, explain, prepare, run_affected
from specmesh_tasks.config import load_settings

REPO = Path(__file__).resolve().parents[2]

LOAN_SPEC = """\
    # Feature Spec: Book lending

    Spec Type: Feature
    Spec ID: S-LOAN-001
    Created: 2026-01-01
    Status: Approved
    Author: Team

    ---

    ## 1. Purpose and Scope

    Lend books at the desk.

    ## 4. User Stories / Use Cases

    ### UC-LOAN-001: Borrow a book

    **Priority:** P1
    **Actor:** Member

    ### UC-LOAN-002: Return a book

    **Priority:** P1
    **Actor:** Member

    ## 5. Functional Requirements (FR)

    | FR ID | Description | Related UC | Priority |
    |-------|-------------|------------|----------|
    | FR-LOAN-001 | Compute the total | UC-LOAN-001 | P1 |
    | FR-LOAN-002 | Compute the double | UC-LOAN-002 | P1 |
    """

LEAD_SPEC = """\
    # Feature Spec: Leads

    Spec Type: Feature
    Spec ID: S-LEAD-001
    Created: 2026-01-01
    Status: Approved
    Author: Team

    ## 4. User Stories / Use Cases

    ### UC-001: Capture a lead

    **Priority:** P2
    """

FILES = {
    ".specify/specs/features/sloan001-book-lending/spec.md": LOAN_SPEC,
    ".specify/specs/features/slead001-leads/spec.md": LEAD_SPEC,
    # Most tests here pin the finer, opt-in selection by definition; the contract's default
    # (by whole imported file) is pinned by test_default_granularity_reruns_every_importer_of_a_file.
    ".specify/specmesh.yaml": "tests:\n  sources: [src]\n  granularity: definition\n",
    "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["src"]\n',
    "dodo.py": """\
        from specmesh_tasks.tasks.test import task_test  # noqa: F401  (the bundled `test` task)
        DOIT_CONFIG = {"dep_file": ".specify/.cache/doit.json", "backend": "json"}
        """,
    "src/app/__init__.py": "",
    "src/app/core.py": "from .util import helper\n\n\ndef total():\n    return helper() + 1\n",
    "src/app/util.py": "def helper():\n    return 1\n",
    "src/app/other.py": "def other():\n    return 3\n\n\ndef extra():\n    return 4\n",
    "tests/conftest.py": "",
    "tests/test_core.py": """\
        import pytest
        from app.core import total


        @pytest.mark.spec("FR-LOAN-001")
        def test_total():
            assert total() == 2


        @pytest.mark.spec("FR-LOAN-002")
        def test_two():
            assert total() * 2 == 4


        def test_plain():
            assert total()
        """,
    "tests/test_other.py": """\
        # @uc UC-LOAN-002
        from app import other


        def test_other():
            assert other.other() == 3
        """,
    "tests/sub/conftest.py": "",
    "tests/sub/test_sub.py": "from app.other import other\n\n\ndef test_sub():\n    assert other() == 3\n",
    "tests/test_lead.py": """\
        # @spec S-LEAD-001
        # @uc UC-001
        def test_lead():
            assert True
        """,
}

ALL = ["tests/sub/test_sub.py", "tests/test_core.py", "tests/test_lead.py", "tests/test_other.py"]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def run(root: Path, **options: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_affected(root, load_settings(root), TestOptions(**options), out, err)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


def selected(root: Path, **options: object) -> list[str]:
    facts = FactsCache(root, None)
    return prepare(root, load_settings(root), TestOptions(**options), facts).arguments  # type: ignore[arg-type]


def doit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "doit", "-f", str(root / "dodo.py"), "test", *args],
                          cwd=root, env=env, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("affected") / "project"
    write(root, FILES)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "baseline")
    code, _, err = run(root)
    assert code == 0, err
    return root


@pytest.fixture
def project(baseline: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    return root


def test_after_a_passing_run_nothing_is_affected_and_pytest_does_not_start(project: Path) -> None:
    done = doit(project)
    assert done.returncode == 0, done.stderr
    assert "no test affected (4 test files up to date)" in done.stderr
    assert "test session starts" not in done.stdout + done.stderr
    state = json.loads((project / ".specify" / ".cache" / STATE_NAME).read_text())
    assert sorted(state["files"]) == ALL


def test_a_source_change_selects_its_importers_transitively_through_relative_imports(project: Path) -> None:
    edit(project, "src/app/util.py", "return 1", "return 0 + 1")
    assert selected(project) == ["tests/test_core.py"]
    edit(project, "src/app/__init__.py", "", "VERSION = 2\n")
    assert selected(project) == ["tests/sub/test_sub.py", "tests/test_core.py", "tests/test_other.py"]


def test_a_change_no_test_can_reach_selects_nothing(project: Path) -> None:
    edit(project, "src/app/other.py", "return 4", "return 5")  # extra(): no test calls it
    assert selected(project) == []
    edit(project, "src/app/other.py", "return 3", "return 1 + 2")  # other(): two files call it
    assert selected(project) == ["tests/sub/test_sub.py", "tests/test_other.py"]
    edit(project, "src/app/util.py", "return 1", "return 1  # a comment only")
    assert "tests/test_core.py" in selected(project)  # the function's text changed: rerun


def test_default_granularity_reruns_every_importer_of_a_file(project: Path) -> None:
    edit(project, ".specify/specmesh.yaml", "  granularity: definition\n", "")
    code, _, err = run(project)  # a changed selection rule reruns everything once
    assert code == 0, err
    edit(project, "src/app/other.py", "return 4", "return 5")  # extra(): no test calls it
    assert selected(project) == ["tests/sub/test_sub.py", "tests/test_other.py"]


def test_a_changed_file_no_test_reaches_starts_no_pytest(project: Path) -> None:
    edit(project, "src/app/other.py", "return 4", "return 5")  # a file changed, but no test reaches extra()
    done = doit(project)
    assert done.returncode == 0, done.stderr
    assert "no test affected" in done.stderr
    assert "test session starts" not in done.stdout + done.stderr


def test_conftest_changes_select_the_tests_below_them(project: Path) -> None:
    edit(project, "tests/sub/conftest.py", "", "# fixtures\n")
    assert selected(project) == ["tests/sub/test_sub.py"]
    edit(project, "tests/conftest.py", "", "# fixtures\n")
    assert selected(project) == ALL


def test_test_file_change_selects_that_file_only(project: Path) -> None:
    edit(project, "tests/test_other.py", "== 3", "== 1 + 2")
    assert selected(project) == ["tests/test_other.py"]


def test_new_test_file_is_selected(project: Path) -> None:
    write(project, {"tests/test_new.py": "def test_new():\n    pass\n"})
    assert selected(project) == ["tests/test_new.py"]


SPEC = ".specify/specs/features/sloan001-book-lending/spec.md"


def test_fr_row_edit_reruns_that_frs_tests_only(project: Path) -> None:
    edit(project, SPEC, "Compute the total", "Compute the grand total")
    assert selected(project) == ["tests/test_core.py::test_total"]


def test_use_case_edit_reruns_tests_citing_it_or_its_frs(project: Path) -> None:
    heading = "### UC-LOAN-002: Return a book\n\n**Priority:** "
    edit(project, SPEC, heading + "P1", heading + "P2")
    assert selected(project) == ["tests/test_core.py::test_two", "tests/test_other.py"]


def test_uncited_section_edit_reruns_nothing(project: Path) -> None:
    edit(project, SPEC, "Lend books at the desk.", "Lend books at the desk, quickly.")
    assert selected(project) == []
    lead = ".specify/specs/features/slead001-leads/spec.md"
    edit(project, lead, "**Priority:** P2", "**Priority:** P1")
    assert selected(project) == ["tests/test_lead.py::test_lead"]  # the comment block sits on the test


def test_failures_rerun_until_they_pass(project: Path) -> None:
    edit(project, "tests/test_core.py", "assert total() * 2 == 4", "assert total() * 2 == 5")
    code, _, _ = run(project)
    assert code == 1
    assert selected(project) == ["tests/test_core.py::test_two"]
    code, _, _ = run(project)
    assert code == 1
    edit(project, "tests/test_core.py", "== 5", "== 4")
    assert selected(project) == ["tests/test_core.py"]
    code, _, _ = run(project)
    assert code == 0
    assert selected(project) == []


def test_shards_are_disjoint_and_their_union_is_the_selection(project: Path) -> None:
    unsharded = selected(project, run_all=True)
    assert unsharded == ALL
    shards = [selected(project, run_all=True, shard=f"{i}/3") for i in (1, 2, 3)]
    flat = [arg for shard in shards for arg in shard]
    assert len(flat) == len(set(flat))
    assert sorted({a.split("::")[0] for a in flat}) == ALL
    assert sorted(flat) == sorted(["tests/sub/test_sub.py::test_sub", "tests/test_core.py::test_plain",
                                   "tests/test_core.py::test_total", "tests/test_core.py::test_two",
                                   "tests/test_lead.py::test_lead", "tests/test_other.py::test_other"])
    assert all(shards)


def test_since_selects_everything_changed_against_a_ref_regardless_of_the_cache(project: Path) -> None:
    git(project, "checkout", "-q", "-b", "feature")
    edit(project, "src/app/other.py", "return 3", "return 2 + 1")
    git(project, "commit", "-qam", "other")
    edit(project, SPEC, "Compute the total", "Compute the grand total")  # uncommitted
    write(project, {"tests/test_untracked.py": "def test_u():\n    pass\n"})
    assert selected(project, since="main") == [
        "tests/sub/test_sub.py", "tests/test_core.py::test_total", "tests/test_other.py",
        "tests/test_untracked.py"]
    shutil.rmtree(project / ".specify" / ".cache")
    assert selected(project, since="HEAD") == ["tests/test_core.py::test_total", "tests/test_untracked.py"]


def test_explain_says_why_each_file_was_selected(project: Path) -> None:
    edit(project, "src/app/util.py", "return 1", "return 0 + 1")
    edit(project, SPEC, "Compute the double", "Compute twice")
    settings = load_settings(project)
    prepared = prepare(project, settings, TestOptions(), FactsCache(project, None))
    out = io.StringIO()
    explain(prepared.selection, prepared.arguments, out)
    assert out.getvalue() == "tests/test_core.py: changed: src/app/util.py (helper)\n"
    edit(project, "src/app/util.py", "return 0 + 1", "return 1")
    prepared = prepare(project, settings, TestOptions(), FactsCache(project, None))
    out = io.StringIO()
    explain(prepared.selection, prepared.arguments, out)
    assert out.getvalue() == "tests/test_core.py::test_two: requirement FR-LOAN-002 changed\n"


def test_exit_codes_through_doit(project: Path) -> None:
    bad = doit(project, "--shard", "4/3")
    assert bad.returncode == 3
    assert "--shard 4/3" in bad.stderr and "Traceback" not in bad.stderr
    assert doit(project, "--since", "no-such-ref").returncode == 3
    edit(project, "tests/test_other.py", "== 3", "== 4")
    failed = doit(project, "--explain")
    assert failed.returncode == 1
    assert "tests/test_other.py: changed: tests/test_other.py" in failed.stdout
    assert "1 failed" in failed.stdout
    write(project, {"tests/test_empty.py": "# no tests here yet\n"})
    edit(project, "tests/test_other.py", "== 4", "== 3")
    assert doit(project).returncode == 0
    only_empty = doit(project, "--pytest-args", "-k nothing_matches")
    assert only_empty.returncode == 0  # pytest's exit 5 never leaks out


def test_syntax_error_in_a_source_still_selects_and_reports(project: Path) -> None:
    edit(project, "src/app/util.py", "def helper():", "def helper(:")
    code, _, err = run(project)
    assert code == 1
    assert "warning: src/app/util.py:1: " in err
    assert selected(project) == ["tests/test_core.py"]


def test_xdist_workers_and_junit(project: Path) -> None:
    edit(project, "src/app/other.py", "return 3", "return 2 + 1")
    report = project / "reports" / "junit.xml"
    code, _, _ = run(project, pytest_args="-n 2 -p no:cacheprovider", junit=str(report))
    assert code == 0
    assert 'tests="2"' in report.read_text() or "tests=\"2\"" in report.read_text().replace("'", '"')
    assert selected(project) == []


def test_nothing_affected_still_writes_a_junit_report(project: Path) -> None:
    import xml.etree.ElementTree as ET

    report = project / "reports" / "none.xml"
    code, _, _ = run(project, junit=str(report))
    assert code == 0
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "0"


def test_store_durations_then_balanced_shards(project: Path) -> None:
    code, _, _ = run(project, run_all=True, store_durations=True)
    assert code == 0
    durations = json.loads((project / ".specify" / "test-durations.json").read_text())
    assert "tests/test_core.py::test_total" in durations


def test_non_python_runner_uses_files_and_tags(project: Path) -> None:
    write(project, {
        ".specify/specmesh.yaml": (
            'tests:\n  paths: ["web/**/*.test.js"]\n  command: "{python} runner.py {files}"\n'),
        "runner.py": "import sys\nopen('ran.txt', 'w').write(' '.join(sys.argv[1:]))\n",
        "web/login.test.js": "/** @fr FR-LOAN-001 */\nit('logs in', () => {});\n",
        "web/other.test.js": "import './lib';\ntest('x', () => {});\n",
    })
    edit(project, ".specify/specmesh.yaml", "{python}", sys.executable)
    code, _, _ = run(project)
    assert code == 0
    assert (project / "ran.txt").read_text() == "web/login.test.js web/other.test.js"
    assert selected(project) == []
    edit(project, SPEC, "Compute the total", "Compute the grand total")
    assert selected(project) == ["web/login.test.js"]


def specmesh(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "specmesh_tasks.cli", "--root", str(root), *args],
                          cwd=root, env=env, capture_output=True, text=True, check=False, timeout=120)


def test_plain_specmesh_test_runs_and_its_pytest_still_runs_exit_handlers(project: Path) -> None:
    # What tests registered with atexit must still happen, and the exit code must come through.
    write(project, {"tests/conftest.py": """\
        import atexit
        import pathlib

        atexit.register(lambda: pathlib.Path("exit-handler-ran.txt").write_text("yes"))
        """})
    done = specmesh(project, "test")
    assert done.returncode == 0, done.stderr
    assert "6 passed" in done.stdout  # the conftest above every test changed: all of them ran
    assert "warnings summary" not in done.stdout  # our child adds no warning of its own to the run
    assert (project / "exit-handler-ran.txt").read_text() == "yes"
    edit(project, "tests/test_other.py", "== 3", "== 4")
    failed = specmesh(project, "test")
    assert failed.returncode == 1
    assert "1 failed" in failed.stdout and "Traceback" not in failed.stderr
    unchanged = specmesh(project, "test")
    assert unchanged.returncode == 1  # the failure is re-run until it passes
    edit(project, "tests/test_other.py", "== 4", "== 3")
    assert specmesh(project, "test").returncode == 0
    nothing = specmesh(project, "test")
    assert nothing.returncode == 0 and "no test affected" in nothing.stderr
    assert "test session starts" not in nothing.stdout


def test_a_plain_run_with_a_bad_config_is_one_line_and_starts_no_pytest(project: Path) -> None:
    edit(project, "src/app/other.py", "return 3", "return 1 + 2")  # something to run, were it valid
    write(project, {".specify/specmesh.yaml": "tests:\n  granularity: sometimes\n"})
    done = specmesh(project, "test")
    assert done.returncode == 3
    assert "specmesh.yaml" in done.stderr and "Traceback" not in done.stderr
    assert "test session starts" not in done.stdout + done.stderr


CACHE_SHAPES = {  # each affected cache, damaged in the ways a crash or a bad copy can leave it
    "affected-state.json": ['[]', '{"schema": 1, "files": []}', '{"schema": 1, "files": {"tests/test_core.py": 3}}',
                            '{"schema": 1, "files": {"tests/test_core.py": {"req": []}}, "digests": 7}'],
    "affected-files.json": ['[1]', '{"schema": 5, "files": {"src/app/core.py": {"digest": []}}}',
                            '{"schema": 5, "files": {"tests/test_core.py": {"stamp": "x", "summary": 1}}}'],
    "affected-edges.json": ['"edges"', '{"schema": 2, "file_level": true, "files": {"tests/test_core.py": []}}',
                            '{"schema": 2, "file_level": true, "files": {"tests/test_core.py": {"edges": 1}}}'],
    "affected-requirements.json": ['[]', '{"schema": 1, "stamp": [], "own": 1}'],
}


@pytest.mark.parametrize("variant", range(4))
def test_damaged_affected_caches_are_rebuilt_without_a_traceback(project: Path, variant: int) -> None:
    cache = project / ".specify" / ".cache"
    for name, shapes in CACHE_SHAPES.items():
        (cache / name).write_text(shapes[variant % len(shapes)], encoding="utf-8")
    (project / ".specify" / "test-durations.json").write_text('{"tests/test_core.py::test_total": "slow"}')
    code, _, err = run(project)
    assert code == 0 and "Traceback" not in err, err
    for name in CACHE_SHAPES:
        if (cache / name).exists():
            assert isinstance(json.loads((cache / name).read_text(encoding="utf-8")), dict), name
    code, _, err = run(project)
    assert code == 0 and "no test affected" in err, err
