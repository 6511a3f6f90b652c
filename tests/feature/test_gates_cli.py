"""`doit gates` end to end: formats, exit codes, options, baselines, streams (contract §5).

Runs doit over a tiny dodo that imports the bundled `task_gates` (what a user's own dodo does),
with SPECMESH_ROOT pointing at a tree built in tmp_path: in a subprocess where the streams and
exit codes of a real process matter, else in-process through doit's own `DoitMain` (same code
path, a tenth of the time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "unit"))

from gates_cases import CASES  # noqa: E402
from gates_trees import BASE, DOMAIN, LOAN, MATRIX, Files, edit  # noqa: E402

DODO = """\
from specmesh_tasks.reporter import SpecmeshReporter
from specmesh_tasks.tasks.gates import task_gates

DOIT_CONFIG = {"backend": "json", "dep_file": %r, "reporter": SpecmeshReporter}
"""


def make_tree(tmp_path: Path, files: Files) -> Path:
    root = tmp_path / "repo"
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def gates(tmp_path: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    dodo = tmp_path / "dodo.py"
    if not dodo.exists():
        dodo.write_text(DODO % str(tmp_path / "doit-db.json"), encoding="utf-8")
    env = {**os.environ, "SPECMESH_ROOT": str(root),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "doit", "-f", str(dodo), "gates", *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., Done]:
    """`run(root, *args)`: doit gates in this process; returns exit code and captured streams."""
    from doit.cmd_base import ModuleTaskLoader
    from doit.doit_cmd import DoitMain

    from specmesh_tasks.reporter import SpecmeshReporter
    from specmesh_tasks.tasks import common
    from specmesh_tasks.tasks.gates import task_gates

    def call(root: Path, *args: str) -> Done:
        monkeypatch.setenv("SPECMESH_ROOT", str(root))
        common.reset()
        config = {"backend": "json", "dep_file": str(tmp_path / "doit-db.json"), "reporter": SpecmeshReporter}
        loader = ModuleTaskLoader({"task_gates": task_gates, "DOIT_CONFIG": config})
        capsys.readouterr()
        code = DoitMain(loader, config_filenames=()).run(["gates", *args])
        out, err = capsys.readouterr()
        return Done(int(code), out, err)

    return call


def tree_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".cache" not in p.parts}


def test_clean_tree_passes_with_the_closing_line(tmp_path: Path) -> None:
    done = gates(tmp_path, make_tree(tmp_path, BASE))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "7 passed, 0 failed\n"


def test_findings_fail_with_exit_1_and_file_line_code(tmp_path: Path) -> None:
    root = make_tree(tmp_path, CASES["SM204-master"].bad)
    before = tree_files(root)
    done = gates(tmp_path, root)
    assert done.returncode == 1
    assert done.stdout == (f"{LOAN}:20: SM204 error M-FOO is referenced but defined nowhere\n\n"
                           "6 passed, 1 failed\n")
    assert "gates: 1 of 7 checked files failed" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_files(root) == before  # nothing written into the tree


def test_json_on_stdout_is_the_whole_stdout(tmp_path: Path) -> None:
    done = gates(tmp_path, make_tree(tmp_path, CASES["SM101"].bad), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["summary"]["errors"] == 1 and data["findings"][0]["code"] == "SM101"
    assert data["root"] == str(tmp_path / "repo")


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github", "text", "json"])
def test_every_format_to_an_output_file(run: Callable[..., Done], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    done = run(make_tree(tmp_path, CASES["SM204-master"].bad), "--format", fmt, "--output", str(out))
    assert done.returncode == 1 and done.stdout == ""
    text = out.read_text(encoding="utf-8")
    if fmt == "junit":
        assert ET.fromstring(text).get("failures") == "1"
    elif fmt in ("sarif", "json"):
        assert json.loads(text)
    assert "SM204" in text
    assert "gates: 6 passed, 1 failed" in done.stderr


def test_strict_fails_on_warnings(run: Callable[..., Done], tmp_path: Path) -> None:
    root = make_tree(tmp_path, CASES["SM226"].bad)  # a warning only
    assert run(root).returncode == 0
    assert run(root, "--strict").returncode == 1
    (root / ".specify" / "specmesh.yaml").write_text("gates:\n  strict: true\n", encoding="utf-8")
    assert run(root).returncode == 1


def test_select_and_ignore(run: Callable[..., Done], tmp_path: Path) -> None:
    root = make_tree(tmp_path, CASES["SM204-master"].bad)
    assert run(root, "--ignore", "SM204").returncode == 0
    assert run(root, "--select", "SM1,SM3").returncode == 0
    assert run(root, "--select", "undefined-reference").returncode == 1


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "yaml"), "--format yaml: choose one of text, json, junit, sarif, github"),
    (("--select", "SM2O4"), "unknown rule 'SM2O4'; did you mean 'SM204'?"),
    (("--baseline", "missing.json"), "baseline file missing.json does not exist"),
])
def test_bad_options_exit_3_with_one_line(run: Callable[..., Done], tmp_path: Path, args: tuple[str, ...],
                                         message: str) -> None:
    done = run(make_tree(tmp_path, BASE), *args)
    assert done.returncode == 3
    assert message in done.stderr and "Traceback" not in done.stderr


def test_bad_option_in_a_real_process_exits_3(tmp_path: Path) -> None:
    done = gates(tmp_path, make_tree(tmp_path, BASE), "--format", "yaml")
    assert done.returncode == 3 and done.stdout == ""
    expected = "ERROR: --format yaml: choose one of text, json, junit, sarif, github"
    assert done.stderr.strip().splitlines() == [expected]


def test_unknown_rule_in_the_config_exits_3(run: Callable[..., Done], tmp_path: Path) -> None:
    root = make_tree(tmp_path, BASE)
    config = "gates:\n  rules:\n    stale-plans: 'off'\n"
    (root / ".specify" / "specmesh.yaml").write_text(config, encoding="utf-8")
    done = run(root)
    assert done.returncode == 3
    assert "gates.rules.stale-plans: unknown rule 'stale-plans'" in done.stderr
    assert "Traceback" not in done.stderr


def test_baseline_hides_known_findings_but_not_new_ones(run: Callable[..., Done], tmp_path: Path) -> None:
    root = make_tree(tmp_path, CASES["SM204-master"].bad)
    baseline = tmp_path / "baseline.json"
    done = run(root, "--update-baseline", str(baseline))
    assert done.returncode == 0 and json.loads(baseline.read_text())["findings"][0]["code"] == "SM204"
    # Lines move above the known finding: still known.
    loan = root / LOAN
    moved = loan.read_text(encoding="utf-8").replace("---\n", "---\n\nIntro.\n\n", 1)
    loan.write_text(moved, encoding="utf-8")
    done = run(root, "--baseline", str(baseline))
    assert done.returncode == 0, done.stdout
    assert "1 known finding(s) hidden by the baseline" in done.stderr
    new = edit(LOAN, "| M-LOAN | Loan | create |", "| M-LOAN | Loan | create |\n| M-NEW | New | read |",
               {LOAN: loan.read_text(encoding="utf-8")})
    loan.write_text(str(new[LOAN]), encoding="utf-8")
    done = run(root, "--baseline", str(baseline), "--format", "json")
    assert done.returncode == 1
    messages = [f["message"] for f in json.loads(done.stdout)["findings"]]
    assert messages == ["M-NEW is referenced but defined nowhere"]


def test_malformed_input_is_exit_1_never_a_traceback(run: Callable[..., Done], tmp_path: Path) -> None:
    files = {**BASE, ".specify/specs/features/bad/spec.md": b"\xff\xfe# Feature Spec\r\n```\n| a |\n",
             ".specify/specs/overview/matrix/cross-reference.json": "{oops"}
    done = run(make_tree(tmp_path, files), "--format", "json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    codes = {f["code"] for f in json.loads(done.stdout)["findings"]}
    assert {"SM206", "SM301"} <= codes


def test_second_run_reports_the_same(run: Callable[..., Done], tmp_path: Path) -> None:
    root = make_tree(tmp_path, textwrap_files())
    first = run(root, "--format", "json")
    second = run(root, "--format", "json")
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout


def textwrap_files() -> Files:
    return edit(LOAN, "(none)", textwrap.dedent("""\
        [NEEDS CLARIFICATION: due dates?]
        <!-- specmesh: ignore SM204 -->
        See M-NOWHERE."""))


# ---------------------------------------------------------------------- the example project

EXAMPLE_FINDINGS = [
    # S-FEES-001 (Approved) passes the CLARIFY GATE with two deferred items.
    (".specify/specs/features/sfees001-late-fees/spec.md", "SM103", "info",
     "[DEFERRED: PM承認待ち] (CLARIFY GATE: PASSED_WITH_DEFERRED)"),
    (".specify/specs/features/sfees001-late-fees/spec.md", "SM103", "info",
     "[DEFERRED: Phase 2で詳細化] (CLARIFY GATE: PASSED_WITH_DEFERRED)"),
    # S-RESERVE-001 is a Draft with open questions: warnings, not errors.
    (".specify/specs/features/sreserve001-book-reservation/spec.md", "SM101", "warning",
     "[NEEDS CLARIFICATION: by e-mail, by SMS, or only on SCR-003? Many members have no e-mail address "
     "on file] is still open (CLARIFY GATE: BLOCKED)"),
    (".specify/specs/features/sreserve001-book-reservation/spec.md", "SM101", "warning",
     "[NEEDS CLARIFICATION: is the hold 3 or 7 days, and do closed days count?] is still open "
     "(CLARIFY GATE: BLOCKED)"),
]


def test_example_project_reports_its_draft_and_deferred_features(
        example_copy: Path, run_specmesh: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    done = run_specmesh("gates", "--format", "json", cwd=example_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    # Plan/tasks (SM4xx) findings belong to those tasks' state; the spec findings are pinned.
    spec_findings = [(f["file"], f["code"], f["severity"], f["message"]) for f in data["findings"]
                     if not f["code"].startswith("SM4")]
    assert spec_findings == EXAMPLE_FINDINGS
    assert data["summary"]["errors"] == 0 and data["summary"]["failed"] == 0


def test_a_spec_deleted_while_gates_ran_is_not_a_doit_error(tmp_path: Path) -> None:
    # doit records every file_dep's state after a success; a spec deleted meanwhile (a checkout,
    # a watcher's cycle) must not fail the task. The bundled DOIT_CONFIG's checker allows it.
    from doit.dependency import Dependency

    from specmesh_tasks.dodo import DOIT_CONFIG
    from specmesh_tasks.doitdb import QuietJsonDB

    root = make_tree(tmp_path, BASE)
    kept, gone = str(root / LOAN), str(root / ".specify/specs/features/gone/spec.md")
    task = SimpleNamespace(name="gates", values={}, result=None, file_dep={kept, gone})
    deps = Dependency(QuietJsonDB, str(tmp_path / "deps.json"), checker_cls=DOIT_CONFIG["check_file_uptodate"])
    deps.save_success(task)  # doit's own md5 checker raises FileNotFoundError here
    assert deps._get("gates", kept) is not None and deps._get("gates", gone) is None
    assert deps._get("gates", "checker:") == "MD5Checker"  # the state doit keeps stays valid


NEW_RULES = ("SM241", "SM242", "SM243", "SM321", "SM322")


def _issue_12_tree() -> Files:
    """BASE with one finding of each rule issue 12 added."""
    rows = ("| S-FINE-001 | 延滞料金 | `.specify/specs/features/sfine001-fines/` | Backlog | - |\n"  # SM241
            "| S-MEMBER-001 | 会員 | `.specify/specs/features/smember001/` | Draft | - |\n"  # SM242
            "| S-LOAN-001 | Book lending |")
    files = edit(DOMAIN, "| S-LOAN-001 | Book lending |", rows)
    files = edit(LOAN, "| S-BOOK-001 | Hard | books to lend |",
                 "| S-BOOK-001 | Hard | books to lend |\n| S-FINE-001 | Soft | fines |", files)
    files = edit(LOAN, "(none)", "1. [Step 1]", files)  # SM243
    files = edit(MATRIX, '"masters": ["M-BOOK", "M-LOAN"]', '"masters": ["M-BOOK"]', files)  # SM321
    return edit(MATRIX, '"screens": ["SCR-001"], "masters": ["M-BOOK"]',
                '"screens": ["SCR-001"], "masters": ["M-BOOK", "M-LOAN"]', files)  # SM322


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_the_issue_12_rules_reach_every_machine_format(run: Callable[..., Done], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    done = run(make_tree(tmp_path, _issue_12_tree()), "--format", fmt, "--output", str(out))
    text = out.read_text(encoding="utf-8")
    assert done.returncode == 1, done.stderr
    for code in NEW_RULES:
        assert code in text, code
    if fmt == "sarif":
        rules = json.loads(text)["runs"][0]["tool"]["driver"]["rules"]
        assert set(NEW_RULES) <= {r["id"] for r in rules}
