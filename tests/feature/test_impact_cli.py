"""`specmesh impact` on the example project, end to end (PRODUCT §10): dependents with file:line,
severities, `--since REF` through git (no checkout), and the doit tasks of a user's own dodo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from specmesh_tasks.schemas import IMPACT_SCHEMA, load_schema
from tests.feature.conftest import committed_example, git
from tests.feature.test_trace_cli import LOAN_SPEC, edit, readme_block

Run = Callable[..., subprocess.CompletedProcess[str]]
LOAN_PLAN = ".specify/specs/features/sloan001-book-lending/plan.md"
MY_LOANS_TEST = "tests/test_loans.py::test_my_loans_lists_active_loans_soonest_due_first"  # cites FR-LOAN-006


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return committed_example(tmp_path_factory.mktemp("impact") / "library")


@pytest.fixture
def project(committed: Path, tmp_path: Path) -> Path:
    target = tmp_path / "library"
    shutil.copytree(committed, target, symlinks=True)
    return target


def impact_json(run: Run, root: Path, *args: str) -> dict[str, object]:
    done = run("impact", *args, "--format", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    jsonschema.validate(data, load_schema(IMPACT_SCHEMA))
    return data


def test_a_master_used_by_three_features_is_critical_and_lists_them_with_file_and_line(project: Path,
                                                                                        run_specmesh: Run) -> None:
    data = impact_json(run_specmesh, project, "M-BOOK")
    (change,) = data["changes"]  # type: ignore[misc]
    assert (change["id"], change["kind"], change["change"], change["severity"]) == ("M-BOOK", "master", "asked",
                                                                                    "CRITICAL")
    assert (change["file"], change["line"]) == (".specify/specs/overview/domain/spec.md", 55)
    features = {f["id"]: f for f in change["features"]}
    assert set(features) == {"S-CATALOG-001", "S-LOAN-001", "S-RESERVE-001"}
    for found in features.values():
        assert found["how"] == "dependency"
        line = (project / found["file"]).read_text(encoding="utf-8").splitlines()[found["line"] - 1]
        assert line.startswith("| M-BOOK |")  # the row of its Master Data Dependencies table
    assert {(p["file"], p["block"]) for p in change["plans"]} >= {(LOAN_PLAN, "s2.entities")}
    assert {m["entry"] for m in change["matrix"]} >= {"features/S-LOAN-001", "screens/SCR-001"}
    text = run_specmesh("impact", "M-BOOK", cwd=project).stdout.splitlines()
    excerpt = readme_block("only), `LOW`.")  # the README's excerpt is this very output
    assert excerpt[0] == "$ specmesh impact M-BOOK"
    assert all(line in text for line in excerpt[1:]), [x for x in excerpt[1:] if x not in text]


def test_severities_and_the_tests_a_use_case_change_reruns(project: Path, run_specmesh: Run) -> None:
    data = impact_json(run_specmesh, project, "UC-LOAN-003", "BR-005", "S-CATALOG-001")
    by_id = {c["id"]: c for c in data["changes"]}  # type: ignore[attr-defined]
    use_case = by_id["UC-LOAN-003"]
    assert use_case["severity"] == "HIGH"
    assert [(f["id"], f["how"]) for f in use_case["features"]] == [("S-LOAN-001", "defines")]
    # The test citing FR-LOAN-006 depends on UC-LOAN-003's text too (the FR belongs to it).
    assert [t["id"] for t in use_case["tests"]] == [MY_LOANS_TEST]
    assert [t["id"] for t in use_case["tasks"]] == ["T-301", "T-302"]
    rule = by_id["BR-005"]
    assert (rule["severity"], [f["id"] for f in rule["features"]]) == ("HIGH", ["S-RESERVE-001"])
    catalog = by_id["S-CATALOG-001"]
    assert {(f["id"], f["how"]) for f in catalog["features"]} == {
        ("S-CATALOG-001", "defines"), ("S-LOAN-001", "dependency"), ("S-RESERVE-001", "dependency")}
    assert catalog["severity"] == "CRITICAL"


def test_fail_on_high_gates_on_high_or_worse(project: Path, run_specmesh: Run) -> None:
    done = run_specmesh("impact", "BR-005", "--fail-on", "high", cwd=project)
    assert (done.returncode, done.stderr.strip()) == (1, "impact: HIGH (--fail-on high)")
    assert run_specmesh("impact", "BR-005", "--fail-on", "critical", cwd=project).returncode == 0


def test_since_a_commit_renaming_a_use_case_lists_exactly_that_change(project: Path, run_specmesh: Run) -> None:
    edit(project, LOAN_SPEC, "### UC-LOAN-003: View my loans", "### UC-LOAN-003: View and sort my loans")
    git(project, "commit", "-qam", "rename UC-LOAN-003")
    data = impact_json(run_specmesh, project, "--since", "HEAD~1")
    assert data["since"] == "HEAD~1"
    (change,) = data["changes"]  # type: ignore[misc]
    assert (change["id"], change["kind"], change["change"], change["severity"]) == ("UC-LOAN-003", "use-case",
                                                                                    "changed", "HIGH")
    assert change["diff"] == "-### UC-LOAN-003: View my loans\n+### UC-LOAN-003: View and sort my loans"
    assert data["plans"] == [LOAN_PLAN]  # the plan shows the use case's title
    assert data["tests"] == [MY_LOANS_TEST]
    markdown = run_specmesh("impact", "--since", "HEAD~1", "--format", "markdown", cwd=project).stdout
    assert markdown.startswith("## Impact since `HEAD~1`: HIGH\n")
    text = run_specmesh("impact", "--since", "HEAD~1", cwd=project).stdout.splitlines()
    excerpt = readme_block("select for spec reasons. After a commit that renames a use case:")
    assert all(line in text for line in excerpt[1:]), [x for x in excerpt[1:] if x not in text]


def test_since_reads_the_old_files_from_git_without_a_checkout(project: Path, run_specmesh: Run) -> None:
    head = git(project, "rev-parse", "HEAD").strip()
    edit(project, LOAN_SPEC, "| SC-LOAN-002 | No copy is ever lent twice at the same time |",
         "| SC-LOAN-002 | No copy is ever lent twice at the same time, even across desks |")
    (project / LOAN_SPEC).write_text((project / LOAN_SPEC).read_text(encoding="utf-8").replace(
        "### UC-LOAN-003: View my loans", "### UC-LOAN-004: View my loans"), encoding="utf-8")
    data = impact_json(run_specmesh, project, "--since", head)
    assert [(c["id"], c["change"]) for c in data["changes"]] == [  # type: ignore[attr-defined]
        ("SC-LOAN-002", "changed"), ("UC-LOAN-003", "removed"), ("UC-LOAN-004", "added")]
    removed = data["changes"][1]  # type: ignore[index]
    assert (removed["file"], removed["kind"]) == ("", "use-case")
    assert git(project, "status", "--porcelain").count("\n") == 1  # only our edit: nothing checked out


def test_a_shallow_clone_without_the_ref_says_so_in_one_line(committed: Path, tmp_path: Path,
                                                             run_specmesh: Run) -> None:
    git(committed, "commit", "-q", "--allow-empty", "-m", "second")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", committed.as_uri(), str(clone)], check=True)
    done = run_specmesh("impact", "--since", "HEAD~1", cwd=clone)
    assert done.returncode == 3
    assert done.stderr.strip() == ("error: --since HEAD~1: not in this shallow clone; fetch the history it needs "
                                   "(git fetch --unshallow, or fetch-depth: 0 for actions/checkout)")
    assert done.stdout == ""


def test_the_reports_are_doit_tasks_of_a_users_own_dodo_but_not_default_ones(project: Path) -> None:
    (project / "dodo.py").write_text("from specmesh_tasks.dodo import *  # noqa: F403\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}

    def doit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "doit", *args], cwd=project, env=env, capture_output=True,
                              text=True, check=False, timeout=300)

    listed = doit("list").stdout.split()
    assert {"trace", "impact"} <= set(listed)
    from specmesh_tasks.dodo import DOIT_CONFIG

    assert "trace" not in DOIT_CONFIG["default_tasks"] and "impact" not in DOIT_CONFIG["default_tasks"]
    traced = doit("trace", "--format", "json")
    assert traced.returncode == 0, traced.stderr
    assert json.loads(traced.stdout)["schema"] == 1
    impacted = doit("impact", "--format", "markdown", "M-BOOK")  # doit: a task's options come first
    assert impacted.returncode == 0, impacted.stderr
    assert impacted.stdout.startswith("## Impact: CRITICAL")
    unknown = doit("impact", "M-BOKO")
    assert unknown.returncode == 1  # inside doit a run-time problem fails the task
    assert "error: unknown ID M-BOKO; did you mean M-BOOK?" in unknown.stdout + unknown.stderr
    gated = doit("trace", "--fail-on", "untested")
    assert gated.returncode == 1
    assert doit("help", "trace").stdout.count("--fail-on") == 1
