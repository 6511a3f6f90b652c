"""The reader's codes as findings: files skipped, unreadable, codes outside the catalogue."""

from __future__ import annotations

from pathlib import Path

from gates_cases import NEW_FEATURE
from gates_trees import BASE, LOAN, write

from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.evaluate import evaluate
from specmesh_tasks.gates.finding import Severity
from specmesh_tasks.gates.run import run_gates
from specmesh_tasks.model.spec import Location, Problem, Repo, SpecDoc, SpecKind


def test_symlink_leading_outside_the_root_is_skipped_with_a_finding(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "spec.md"
    outside.parent.mkdir()
    outside.write_text(BASE[LOAN], encoding="utf-8")  # type: ignore[arg-type]
    root = write(tmp_path / "repo", BASE)
    link = root / NEW_FEATURE
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    found = run_gates(root, use_cache=False).findings
    assert [(f.code, f.file) for f in found] == [("SM208", NEW_FEATURE)]


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BASE)
    broken = root / NEW_FEATURE
    broken.parent.mkdir(parents=True)
    broken.symlink_to(root / ".specify" / "missing.md")  # inside the root, but nothing there
    found = run_gates(root, use_cache=False).findings
    assert [(f.code, f.severity) for f in found] == [("SM209", Severity.ERROR)]


def test_reader_problem_codes_outside_the_catalogue_become_reader_errors(tmp_path: Path) -> None:
    doc = SpecDoc(path="s/spec.md", kind=SpecKind.FEATURE, title="x", h1_line=1, headers=(), sections=(),
                  tables=(), markers=(), definitions=(), references=(),
                  problems=(Problem("SM212", Location("s/spec.md", 3), "reader failed"),
                            Problem("SM299", Location("s/spec.md", 4), "something new")))
    found = evaluate(Repo(str(tmp_path), (doc,), None), RuleContext(tmp_path), {"SM212": None})
    assert [(f.code, f.line, f.message) for f in found] == [
        ("SM212", 3, "reader failed"), ("SM212", 4, "something new [SM299]")]
