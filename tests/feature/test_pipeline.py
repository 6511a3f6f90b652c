"""The tasks together, as a user runs them: `specmesh` with no task, and tasks pulling in plans."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

LOAN_SPEC = ".specify/specs/features/sloan001-book-lending/spec.md"


def tree_digest(root: Path) -> dict[str, str]:
    """Every file outside caches, by content."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not any(part in rel for part in (".cache", "__pycache__", ".pytest_cache")):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_main_job_on_the_example_changes_no_file(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    before = tree_digest(example_copy)
    result = run_specmesh(cwd=example_copy)
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree_digest(example_copy) == before
    # The Draft feature's open questions are the findings the example should show.
    assert "sreserve001-book-reservation/spec.md:137: SM101 warning" in result.stdout
    assert "47 passed" in result.stdout + result.stderr


def test_tasks_alone_reports_a_blocked_plan_with_exit_1(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    spec = example_copy / LOAN_SPEC
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("| FR-LOAN-002 |"))
    lines[row] = lines[row].replace("| FR-LOAN-002 | ", "| FR-LOAN-002 | [NEEDS CLARIFICATION: which calendar?] ")
    spec.write_text("".join(lines), encoding="utf-8")
    plan_before = (spec.parent / "plan.md").read_bytes()

    result = run_specmesh("tasks", cwd=example_copy)

    assert result.returncode == 1, result.stderr[-3000:]
    assert f"{LOAN_SPEC}:{row + 1}: [NEEDS CLARIFICATION: which calendar?]" in result.stderr
    assert "Traceback" not in result.stderr
    assert (spec.parent / "plan.md").read_bytes() == plan_before  # a blocked plan is not rewritten
    # The other features still got their tasks checked; the whole run is still exit 1, not 2.
    everything = run_specmesh(cwd=example_copy)
    assert everything.returncode == 1 and "Traceback" not in everything.stderr


def test_machine_formats_own_stdout(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    result = run_specmesh("gates", "--format", "json", cwd=example_copy)
    report = json.loads(result.stdout)  # progress lines went to stderr
    assert report["schema"] == 1 and report["summary"]["failed"] == 0
    assert os.path.isabs(report["root"])


def test_each_run_in_one_process_reports_blocked_plans_again(example_copy: Path) -> None:
    """A watcher runs many times in one process: `tasks` alone must still report a blocked plan."""
    import subprocess
    import sys

    spec = example_copy / LOAN_SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "| FR-LOAN-002 | ", "| FR-LOAN-002 | [NEEDS CLARIFICATION: which calendar?] ", 1), encoding="utf-8")
    code = (
        "import sys\n"
        "from doit.cmd_base import ModuleTaskLoader\nfrom doit.doit_cmd import DoitMain\n"
        "import specmesh_tasks.dodo as d\n"
        "first = DoitMain(ModuleTaskLoader(d)).run(['plan'])\n"
        "second = DoitMain(ModuleTaskLoader(d)).run(['tasks'])\n"
        "print('codes', first, second)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=example_copy, capture_output=True, text=True,
                          env={**os.environ, "SPECMESH_ROOT": str(example_copy)}, check=False)
    assert "codes 1 1" in done.stdout, done.stdout + done.stderr
