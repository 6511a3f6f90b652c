"""`specmesh trace` on the example project, end to end (PRODUCT §10): states, formats, options.

The example project is copied once into a git repository and its tests are run once (`specmesh
test` records every result, at the time SOURCE_DATE_EPOCH names: `recorded_example`); each test
works on its own copy of that. Every command runs as a user runs it: `specmesh …` in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from specmesh_tasks.schemas import TRACE_SCHEMA, load_schema
from tests.feature.conftest import EPOCH, git

LOAN_SPEC = ".specify/specs/features/sloan001-book-lending/spec.md"
Run = Callable[..., subprocess.CompletedProcess[str]]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(recorded_example: Path, tmp_path: Path) -> Path:
    target = tmp_path / "library"
    shutil.copytree(recorded_example, target, symlinks=True)
    return target


def trace_json(run: Run, root: Path, *args: str) -> dict[str, object]:
    done = run("trace", "--format", "json", *args, cwd=root, env={"SOURCE_DATE_EPOCH": EPOCH})
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)  # stdout holds the JSON and nothing else
    jsonschema.validate(data, load_schema(TRACE_SCHEMA))
    return data


def requirements(data: dict[str, object]) -> dict[str, dict[str, object]]:
    return {r["id"]: r for f in data["features"] for r in f["requirements"]}  # type: ignore[attr-defined,index]


def states(data: dict[str, object]) -> dict[str, str]:
    return {rid: str(r["state"]) for rid, r in requirements(data).items()}


def test_the_example_matrix_lists_every_requirement_with_its_tests_tasks_and_plan(project: Path,
                                                                                  run_specmesh: Run) -> None:
    data = trace_json(run_specmesh, project)
    found = requirements(data)
    borrow = found["UC-LOAN-001"]
    assert (borrow["file"], borrow["line"], borrow["text"], borrow["state"]) == (LOAN_SPEC, 87, "Borrow a book",
                                                                                 "covered")
    tests = {t["id"]: t for t in borrow["tests"]}  # type: ignore[attr-defined]
    sixth = tests["tests/test_loans.py::test_sixth_loan_is_refused"]
    assert (sixth["file"], sixth["result"], sixth["at"]) == ("tests/test_loans.py", "passed", "2026-01-01T00:00:00Z")
    assert [(t["id"], t["done"]) for t in borrow["tasks"]] == [("T-101", True), ("T-102", True)]  # type: ignore[attr-defined]
    assert borrow["plan"] == {"file": ".specify/specs/features/sloan001-book-lending/plan.md", "line": 24,
                              "block": "s1.use-cases"}
    assert found["SC-LOAN-002"]["state"] == "untested" and found["SC-LOAN-002"]["tests"] == []
    # An FR's tests are those citing the FR: test_sixth_loan_is_refused cites UC-LOAN-001 too,
    # but FR-LOAN-001's tests are only the three that cite FR-LOAN-001.
    assert len(found["FR-LOAN-001"]["tests"]) == 3  # type: ignore[arg-type]
    # Domain rules appear as far as features cite them, under the domain spec.
    domain = next(f for f in data["features"] if f["id"] == "S-DOMAIN-001")  # type: ignore[attr-defined]
    assert {r["id"] for r in domain["requirements"]} >= {"BR-001", "VR-002", "CR-002"}
    assert "M-BOOK" not in found  # masters are not requirements
    summary = data["summary"]
    assert summary["requirements"] == len(found)  # type: ignore[index]
    assert summary["covered"] + summary["untested"] == len(found)  # type: ignore[index]
    loans = next(f for f in data["features"] if f["id"] == "S-LOAN-001")  # type: ignore[attr-defined]
    assert loans["tasks"] == {"done": 7, "total": 10}


def test_every_state_occurs_and_each_means_what_the_contract_says(project: Path, run_specmesh: Run) -> None:
    # failing: FR-LOAN-003's test fails in its last run
    edit(project, "tests/test_loans.py", "    with refused(\"LOAN_LIMIT_REACHED\"):",
         "    assert False, 'broken on purpose'\n    with refused(\"LOAN_LIMIT_REACHED\"):")
    assert run_specmesh("test", cwd=project).returncode == 1
    # suspect: FR-LOAN-006's text changes after its test passed
    edit(project, LOAN_SPEC, "soonest due first, flagging", "soonest due first (then by title), flagging")
    # not-run: a new test cites SC-LOAN-001 and has never run
    (project / "tests" / "test_speed.py").write_text(
        'import pytest\n\n\n@pytest.mark.spec("SC-LOAN-001")\ndef test_loan_is_quick():\n    pass\n', encoding="utf-8")
    # not-run too: a new test in a file that passed before cites SC-FEES-001 (its text did not change)
    with (project / "tests" / "test_fees.py").open("a", encoding="utf-8") as fees:
        fees.write('\n\n@pytest.mark.spec("SC-FEES-001")\ndef test_fees_are_paid_soon() -> None:\n    pass\n')
    found = states(trace_json(run_specmesh, project))
    assert found["FR-LOAN-003"] == "failing"
    assert found["BR-001"] == "failing"  # cited by the same test
    assert found["FR-LOAN-006"] == "suspect"
    assert found["SC-LOAN-001"] == "not-run"
    assert found["SC-FEES-001"] == "not-run"
    assert found["FR-LOAN-001"] == "covered"
    assert found["SC-LOAN-002"] == "untested"
    assert set(found.values()) == {"failing", "suspect", "not-run", "covered", "untested"}


def test_trace_and_test_explain_agree_on_what_is_suspect_after_a_requirement_edit(project: Path,
                                                                                   run_specmesh: Run) -> None:
    edit(project, LOAN_SPEC, "it is never edited afterwards", "it is never changed afterwards")  # FR-LOAN-002
    edit(project, LOAN_SPEC, "### UC-LOAN-002: Return a book", "### UC-LOAN-002: Return a borrowed book")
    suspect = {rid for rid, state in states(trace_json(run_specmesh, project)).items() if state == "suspect"}
    explained = run_specmesh("test", "--explain", cwd=project)
    assert explained.returncode == 0, explained.stderr
    selected_for = set(re.findall(r"requirement (\S+) changed", explained.stdout))
    # FR-LOAN-005 belongs to UC-LOAN-002: editing the use case makes its FR's tests suspect too.
    assert suspect == selected_for == {"FR-LOAN-002", "UC-LOAN-002", "FR-LOAN-005"}
    after = states(trace_json(run_specmesh, project))  # the tests ran and passed: nothing suspect
    assert "suspect" not in after.values()


def test_fail_on_turns_the_report_into_a_gate(project: Path, run_specmesh: Run) -> None:
    untested = run_specmesh("trace", "--fail-on", "untested", cwd=project)
    assert untested.returncode == 1
    assert re.search(r"trace: \d+ untested \(--fail-on untested\)", untested.stderr)
    assert run_specmesh("trace", "--fail-on", "failing,suspect", cwd=project).returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (["trace", "--format", "yaml"], "error: trace --format yaml: choose one of text, json, markdown, html"),
    (["trace", "--formt", "json"], "error: unknown option --formt for trace; did you mean --format?"),
    (["trace", "--feature", "S-LAON-001"], "error: trace --feature S-LAON-001: no such feature or fix; "
                                            "did you mean S-LOAN-001?"),
    (["trace", "--fail-on", "red"], "error: trace --fail-on red: choose one of untested, failing, suspect, not-run"),
    (["trace", "--results", "missing.xml"], "error: --results missing.xml: no such file"),
    (["impact", "M-LAON"], "error: unknown ID M-LAON; did you mean M-LOAN?"),
    (["impact"], "error: impact: name at least one ID, or give --since REF"),
    (["impact", "M-LOAN", "--since", "no-such-ref"], "error: --since no-such-ref: not a revision git knows here"),
])
def test_a_bad_command_line_is_one_line_and_exit_3(project: Path, run_specmesh: Run, args: list[str],
                                                    message: str) -> None:
    done = run_specmesh(*args, cwd=project)
    assert (done.returncode, done.stderr.strip(), done.stdout) == (3, message, "")


def test_only_the_features_asked_for(project: Path, run_specmesh: Run) -> None:
    data = trace_json(run_specmesh, project, "--feature", "S-FEES-001")
    groups = {f["id"]: {r["id"] for r in f["requirements"]} for f in data["features"]}  # type: ignore[attr-defined]
    assert set(groups) == {"S-FEES-001", "S-DOMAIN-001"}
    assert groups["S-DOMAIN-001"] == {"BR-003", "VR-004", "CR-001"}  # the rules S-FEES-001 cites


def test_results_from_junit_files_one_per_shard(project: Path, run_specmesh: Run) -> None:
    reports = project / "reports"
    for name, path in (("loans", "tests/test_loans.py"), ("fees", "tests/test_fees.py")):
        command = [*_pytest(), path, f"--junitxml=reports/junit-{name}.xml", "-q", "-p", "no:cacheprovider"]
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    data = trace_json(run_specmesh, project, "--results", "reports/junit-loans.xml", "--results",
                      str(reports / "junit-f*.xml"))
    found = requirements(data)
    assert data["results"] == "reports/junit-loans.xml, reports/junit-fees.xml"
    assert found["FR-LOAN-003"]["state"] == "covered"
    assert found["FR-FEES-001"]["state"] == "covered"
    assert found["FR-CATALOG-001"]["state"] == "not-run"  # its tests are in no file
    at = found["FR-LOAN-003"]["tests"][0]["at"]  # type: ignore[index]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(at))


def _pytest() -> list[str]:
    return [sys.executable, "-m", "pytest"]


def test_a_machine_format_owns_stdout_and_output_writes_the_file(project: Path, run_specmesh: Run) -> None:
    done = run_specmesh("trace", "--format", "markdown", "--output", "out/trace.md", cwd=project)
    assert done.returncode == 0
    assert done.stdout == ""
    assert "trace: report written to out/trace.md" in done.stderr
    assert (project / "out" / "trace.md").read_text(encoding="utf-8").startswith("## Traceability: ")
    git_status = git(project, "status", "--porcelain", "--", ".specify")
    assert git_status == ""  # nothing written into the spec tree


def test_text_report_is_a_table_per_feature_then_what_is_not_covered(project: Path, run_specmesh: Run) -> None:
    done = run_specmesh("trace", "--feature", "S-LOAN-001", cwd=project)
    assert done.returncode == 0, done.stderr
    expected = (Path(__file__).parents[1] / "golden" / "trace" / "loan.txt").read_text(encoding="utf-8")
    assert done.stdout == expected


def readme_block(after: str) -> list[str]:
    """The lines of the README's code block that follows the line starting with `after`."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split(after, 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines()[1:] if line.strip() and line.strip() != "…"]


def test_the_readme_excerpt_is_real_output_of_the_example() -> None:
    golden = (Path(__file__).parents[1] / "golden" / "trace" / "loan.txt").read_text(encoding="utf-8").splitlines()
    excerpt = readme_block("On the example project, after `specmesh test`:")
    assert excerpt and all(line in golden for line in excerpt), [x for x in excerpt if x not in golden]


def test_the_reports_load_neither_doit_nor_jinja2_nor_gitpython(project: Path) -> None:
    script = ("import sys\nfrom specmesh_tasks.trace.command import main\n"
              "main(['trace', '--format', 'html', '--output', 'out.html'])\nmain(['impact', 'M-BOOK'])\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'doit', 'jinja2', 'git', 'pydantic'}))\n")
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    done = subprocess.run([sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"  # `--since` alone imports GitPython
