"""`specmesh tasks` end to end: materialize, keep progress, read every breakdown form, options, git."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., "subprocess.CompletedProcess[str]"]
Tree = Callable[[dict[str, "str | bytes"]], Path]

DIR = ".specify/specs/features/sloan001-book-lending"
TASKS = f"{DIR}/tasks.md"
SPEC = """
    # Feature Spec: Book lending

    Spec Type: Feature
    Spec ID: S-LOAN-001
    Created: 2025-01-08
    Status: Approved
    Author: Lending team

    ---

    ## 4. User Stories / Use Cases

    ### UC-LOAN-001: Borrow a book

    **Priority:** P1

    ### UC-LOAN-002: Return a book

    **Priority:** P2
    """
PLAN = """
    # Implementation Plan: Book lending

    Plan ID: PLAN-LOAN-001
    Feature Spec: S-LOAN-001
    Branch: feature/12-book-lending

    ## 11. Work Breakdown (Link to Tasks)

    High-level mapping from this plan to tasks:

    - Task group 1: Setup -> [T-001, T-002]
    - Task group 2: UC-LOAN-001 Borrow a book -> T-101..T-103
      - T-101: Write the failing borrow test
      - [ ] [T-102] [P3] [Spec-First] Update the domain spec first
    - Task group 3: UC-LOAN-002 Return a book -> T-201–T-202, T-202.5
    - Task group 4: Wrap-up -> T-050

    This mapping will be materialized in `tasks.md`.
    """
ENV = {"SOURCE_DATE_EPOCH": "1738368000"}  # 2025-02-01


@pytest.fixture
def project(spec_tree: Tree) -> Path:
    return spec_tree({f"{DIR}/spec.md": SPEC, f"{DIR}/plan.md": PLAN})


def tasks(run: Run, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run("tasks", *args, cwd=root, env=ENV)


def task_lines(root: Path) -> list[str]:
    return [line for line in (root / TASKS).read_text().splitlines() if re.match(r"- \[[ xX]\] ", line)]


def test_materialize_from_scratch_with_every_breakdown_form(project: Path, run_specmesh: Run) -> None:
    result = tasks(run_specmesh, project)
    assert result.returncode == 0, result.stderr
    assert task_lines(project) == [
        "- [ ] [T-001] [P1] [S-LOAN-001] [TODO: describe T-001]",
        "- [ ] [T-002] [P1] [S-LOAN-001] [TODO: describe T-002]",
        "- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Write the failing borrow test",
        "- [ ] [T-102] [P3] [UC-LOAN-001] [S-LOAN-001] [Spec-First] Update the domain spec first",
        "- [ ] [T-103] [P1] [UC-LOAN-001] [S-LOAN-001] [TODO: describe T-103]",
        "- [ ] [T-201] [P2] [UC-LOAN-002] [S-LOAN-001] [TODO: describe T-201]",
        "- [ ] [T-202] [P2] [UC-LOAN-002] [S-LOAN-001] [TODO: describe T-202]",
        "- [ ] [T-202.5] [P2] [UC-LOAN-002] [S-LOAN-001] [TODO: describe T-202.5]",
        "- [ ] [T-050] [P1] [S-LOAN-001] [TODO: describe T-050]",
    ]
    text = (project / TASKS).read_text()
    assert text.startswith("# Tasks: Book lending\n<!-- specmesh:tasks v1 -->\n\nFeature Spec: S-LOAN-001\n"
                           "Plan: PLAN-LOAN-001\nCreated: 2025-02-01\nTotal Tasks: 9\n")
    assert "## Conventions" in text and "## Task group 3: UC-LOAN-002 Return a book" in text
    stamp = (project / TASKS).stat().st_mtime_ns
    again = tasks(run_specmesh, project)
    assert again.returncode == 0 and "-- tasks:S-LOAN-001" in again.stderr  # up to date: not even run
    assert tasks(run_specmesh, project, "--check").returncode == 0
    assert (project / TASKS).stat().st_mtime_ns == stamp


def test_progress_survives_regeneration(project: Path, run_specmesh: Run) -> None:
    assert tasks(run_specmesh, project).returncode == 0
    path = project / TASKS
    mine = (path.read_text()
            .replace("- [ ] [T-001] [P1] [S-LOAN-001] [TODO: describe T-001]",
                     "- [x] [T-001] [P1] [S-LOAN-001] Created the package myself")
            .replace("- [ ] [T-101] [P1]", "- [X] [T-101] [P2]")
            .replace("- [ ] [T-050] [P1] [S-LOAN-001] [TODO: describe T-050]\n",
                     "- [ ] [T-050] [P1] [S-LOAN-001] [TODO: describe T-050]\n"
                     "- [ ] [T-060] [P2] [S-LOAN-001] Added by hand\n\n## Notes\n\nWe pair on Fridays.\n"))
    path.write_text(mine)
    plan = project / DIR / "plan.md"
    plan.write_text(plan.read_text()
                    .replace("T-101..T-103", "T-101, T-103, T-104")
                    .replace("  - [ ] [T-102] [P3] [Spec-First] Update the domain spec first\n", "")
                    .replace("  - T-101: Write the failing borrow test\n",
                             "  - T-101: A new wording from the plan\n  - T-104: Borrow with a reservation\n")
                    .replace("- Task group 4: Wrap-up -> T-050", "- Task group 4: Wrap-up -> T-050\n"
                             "- Task group 5: Docs -> T-070"))
    result = tasks(run_specmesh, project)
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    for line in mine.splitlines():  # every line kept as written (the count is a header, not a task)
        if not line.startswith("Total Tasks"):
            assert line in text.splitlines(), line
    assert "- [ ] [T-104] [P1] [UC-LOAN-001] [S-LOAN-001] Borrow with a reservation" in text
    assert text.index("[T-104]") < text.index("## Task group 3")
    assert text.index("## Task group 5: Docs") < text.index("## Notes")
    assert "Total Tasks: 12" in text
    assert "T-102 is not in the Work Breakdown (an orphan); kept" in result.stderr
    assert "T-101 description differs from the Work Breakdown's; kept" in result.stderr
    assert tasks(run_specmesh, project, "--check").returncode == 0


def test_check_fails_with_a_diff_on_the_group_and_on_one_sub_task(project: Path, run_specmesh: Run) -> None:
    assert tasks(run_specmesh, project).returncode == 0
    path = project / TASKS
    path.write_text(path.read_text().replace("Total Tasks: 9", "Total Tasks: 8"))
    before = path.read_bytes()
    group = tasks(run_specmesh, project, "--check")
    assert group.returncode == 1
    output = group.stderr + group.stdout
    assert f"--- a/{TASKS}" in output and "+Total Tasks: 9" in output
    one = run_specmesh("tasks:S-LOAN-001", "--check", cwd=project, env=ENV)
    assert one.returncode == 1 and "+Total Tasks: 9" in one.stderr + one.stdout
    assert path.read_bytes() == before
    assert tasks(run_specmesh, project).returncode == 0 and "Total Tasks: 9" in path.read_text()


def test_unreadable_lines_are_reported_with_their_line(project: Path, run_specmesh: Run) -> None:
    plan = project / DIR / "plan.md"
    plan.write_text(plan.read_text().replace("- Task group 4: Wrap-up -> T-050",
                                             "- Task group 4: Wrap-up -> T-050, T-5\n- A stray bullet"))
    result = tasks(run_specmesh, project)
    assert result.returncode == 0
    assert f"{DIR}/plan.md:16: cannot read 'T-5'" in result.stderr
    assert f"{DIR}/plan.md:17: not a 'Task group N" in result.stderr
    assert "[T-050]" in (project / TASKS).read_text()
    # The gates read the Work Breakdown of a managed plan only (an unmanaged one gets SM401 alone):
    # the format marker goes on the blank line under the H1, so line numbers stay.
    text = plan.read_text()
    plan.write_text(text.replace("\n\n", "\n<!-- specmesh:plan v1 inputs=000000000000 -->\n", 1))
    report = run_specmesh("gates", "--format", "json", cwd=project)
    found = {(f["code"], f["file"], f["line"]) for f in json.loads(report.stdout)["findings"]}
    first_task = (project / TASKS).read_text().splitlines().index(task_lines(project)[0]) + 1
    assert {("SM423", f"{DIR}/plan.md", 16), ("SM423", f"{DIR}/plan.md", 17),
            ("SM431", TASKS, first_task)} <= found


def test_placeholder_plan_gives_no_tasks_and_says_why(project: Path, run_specmesh: Run) -> None:
    plan = project / DIR / "plan.md"
    section = plan.read_text().split("High-level")[0]
    placeholder = "- Task group {}: [Summary] -> [Task IDs]\n"
    plan.write_text(section + placeholder.format(1) + placeholder.format(2))
    result = tasks(run_specmesh, project)
    assert result.returncode == 0 and not (project / TASKS).exists()
    assert "template placeholder" in result.stderr


def test_unmanaged_file_is_kept_until_adopted(project: Path, run_specmesh: Run) -> None:
    upstream = textwrap.dedent("""\
        # Tasks: Book lending

        Feature Spec: S-LOAN-001
        Total Tasks: [COUNT]

        ## Phase 0

        - `[T-001] [P1] [S-LOAN-001] Set up the package in lending/__init__.py`
        - `[T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Borrow`

        ## Notes

        Hand-written notes.
        """)
    (project / TASKS).write_text(upstream)
    left = tasks(run_specmesh, project)
    assert left.returncode == 0 and "--adopt" in left.stderr
    assert (project / TASKS).read_text() == upstream
    adopted = tasks(run_specmesh, project, "--adopt")
    assert adopted.returncode == 0, adopted.stderr
    text = (project / TASKS).read_text()
    assert text.splitlines()[1] == "<!-- specmesh:tasks v1 -->"
    assert "- [ ] [T-001] [P1] [S-LOAN-001] Set up the package in lending/__init__.py" in text
    assert "Hand-written notes." in text and "Total Tasks: 9" in text
    assert (project / f"{TASKS}.orig").read_text() == upstream
    assert text.index("## Task group 3") < text.index("## Notes")


def test_only_plan_and_spec_make_it_run(project: Path, run_specmesh: Run) -> None:
    domain = project / ".specify/specs/overview/domain/spec.md"
    domain.parent.mkdir(parents=True)
    domain.write_text("# Domain Spec: Library\n\nSpec Type: Domain\nSpec ID: S-DOMAIN-001\n")
    assert tasks(run_specmesh, project).returncode == 0
    domain.write_text(domain.read_text() + "\nMore text.\n")
    assert "-- tasks:S-LOAN-001" in tasks(run_specmesh, project).stderr
    spec = project / DIR / "spec.md"
    spec.write_text(spec.read_text().replace("**Priority:** P2", "**Priority:** P3"))
    assert ".  tasks:S-LOAN-001" in tasks(run_specmesh, project).stderr
    assert "[T-201] [P2]" in (project / TASKS).read_text()  # an existing line is never rewritten


def git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(root)}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_done_from_git_ticks_tasks_named_in_commits(project: Path, run_specmesh: Run) -> None:
    assert tasks(run_specmesh, project).returncode == 0
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "start [T-001]")
    git(project, "checkout", "-qb", "feature/12-book-lending")
    git(project, "commit", "-q", "--allow-empty", "-m", "feat: borrowing [T-101] [T-102]")
    git(project, "commit", "-q", "--allow-empty", "-m", "fix: typo [T-404]")
    result = tasks(run_specmesh, project, "--done-from-git")
    assert result.returncode == 0, result.stderr
    lines = task_lines(project)
    assert [line[:13] for line in lines if line.startswith("- [x]")] == ["- [x] [T-101]", "- [x] [T-102]"]
    assert re.search(r"tasks\.md:\d+: ticked T-101 \([0-9a-f]{7} feat: borrowing", result.stderr)
    assert "T-404" in result.stderr
    bad = tasks(run_specmesh, project, "--done-from-git", "--ref", "no-such-ref")
    assert bad.returncode == 3 and "unknown ref 'no-such-ref'" in bad.stderr and "Traceback" not in bad.stderr
    git(project, "commit", "-q", "--allow-empty", "-m", "test: returns [T-201]")
    one = run_specmesh("tasks:S-LOAN-001", "--done-from-git", "--ref", "main", cwd=project, env=ENV)
    assert one.returncode == 0, one.stderr
    assert "- [x] [T-201]" in (project / TASKS).read_text()


def test_clean_and_forget_keep_tasks_md(project: Path, run_specmesh: Run) -> None:
    assert tasks(run_specmesh, project).returncode == 0
    text = (project / TASKS).read_text()
    assert run_specmesh("clean", "tasks", cwd=project).returncode == 0
    assert run_specmesh("forget", "tasks", cwd=project).returncode == 0
    assert (project / TASKS).read_text() == text
    assert tasks(run_specmesh, project).returncode == 0 and (project / TASKS).read_text() == text


def test_a_bold_list_header_keeps_its_form(project: Path, run_specmesh: Run) -> None:
    """`Total Tasks` written as a bold list item stays one when the count changes (issue 14)."""
    assert tasks(run_specmesh, project).returncode == 0
    path = project / TASKS
    text = path.read_text()
    bold = text.replace("Feature Spec: S-LOAN-001\nPlan: PLAN-LOAN-001\nCreated: 2025-02-01\nTotal Tasks: 9\n",
                        "- **Feature Spec:** S-LOAN-001\n- **Plan:** PLAN-LOAN-001\n- **Created:** 2025-02-01\n"
                        "- **Total Tasks:** 3\n")
    assert bold != text
    path.write_text(bold)
    plan = project / DIR / "plan.md"
    plan.write_text(plan.read_text().replace("Wrap-up -> T-050", "Wrap-up -> T-050, T-051"))
    result = tasks(run_specmesh, project)
    assert result.returncode == 0, result.stderr
    assert path.read_text().startswith(bold.split("\n---\n")[0].replace("**Total Tasks:** 3", "**Total Tasks:** 10"))
