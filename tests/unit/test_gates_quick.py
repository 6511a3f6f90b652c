"""The quick re-run: after a same-line edit of a feature, only that file's one-file rules run again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gates_cases import CASES
from gates_trees import BASE, BOOK, DOMAIN, LOAN, Files, write

from specmesh_tasks.gates import evaluate as evaluate_module
from specmesh_tasks.gates.run import run_gates

# Every tree here is written before the runs that read it (see the fixture).
pytestmark = pytest.mark.usefixtures("trust_stamps_at_once")


def tree(tmp_path: Path, files: Files) -> Path:
    return write(tmp_path / "repo", files)


def rewrite_one(root: Path, rel: str, text: str) -> None:
    """Edit one file as an editor does: only its own stamp changes."""
    (root / rel).write_text(text, encoding="utf-8")


def _full_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every full evaluation (the quick re-run does not make one)."""
    # The quick re-run reads the last run's parse from the parse cache, which test workers under
    # pytest-xdist never write (they share it); each of these trees is this test's own.
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    runs: list[str] = []
    original = evaluate_module.evaluate_tree

    def spy(root, *args):  # type: ignore[no-untyped-def]
        runs.append(str(root))
        return original(root, *args)

    monkeypatch.setattr(evaluate_module, "evaluate_tree", spy)
    return runs


def test_a_same_line_edit_of_a_feature_rechecks_only_that_file(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, CASES["SM204-master"].bad)
    first = run_gates(root)
    assert "SM204" in {f.code for f in first.findings}
    runs.clear()
    text = (root / LOAN).read_text(encoding="utf-8")  # the file the cross-file finding is in
    rewrite_one(root, LOAN, text.replace("## 2. Domain Dependencies", "## 2. Domain Dependencies (read only)"))
    quick = run_gates(root)
    assert runs == [] and not quick.from_cache
    full = run_gates(root, use_cache=False)
    assert quick.findings == full.findings and quick.items == full.items
    assert {f.file for f in quick.findings if f.code == "SM204"} == {LOAN}  # kept from the last run
    assert run_gates(root).from_cache


def test_an_edit_that_moves_lines_or_changes_what_other_files_see_runs_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, BASE)
    run_gates(root)
    runs.clear()
    text = str(BASE[BOOK])
    rewrite_one(root, BOOK, text.replace("| M-BOOK | Book | read |", "| M-BOOK | Book | read M-GONE |"))
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]
    assert len(runs) == 1
    rewrite_one(root, BOOK, text.replace("\n\n", "\n\nAn added line.\n\n", 1))
    assert run_gates(root).findings == () and len(runs) == 2
    rewrite_one(root, DOMAIN, str(BASE[DOMAIN]) + "\nA note.\n")  # an overview spec: always everything
    run_gates(root)
    assert len(runs) == 3


def test_a_parse_cache_refreshed_by_another_command_is_not_mistaken_for_the_last_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from specmesh_tasks.load import load_repo

    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, BASE)
    run_gates(root)
    rewrite_one(root, BOOK, str(BASE[BOOK]).replace("| M-BOOK | Book | read |", "| M-BOOK | Book | read M-GONE |"))
    load_repo(root)  # e.g. the affected-tests command: the parse cache now holds the edited file
    runs.clear()
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]
    assert len(runs) == 1


def test_edits_after_a_quick_rerun_compare_with_the_view_it_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a quick re-run the parse cache still holds the version the full run saw; the next
    # edit must be compared with the version the quick re-run checked (kept with its results).
    runs = _full_runs(monkeypatch)
    root = tree(tmp_path, BASE)
    run_gates(root)
    runs.clear()
    text = str(BASE[BOOK])
    for version in ("", " (v2)", " (v3)"):  # a section title: no other file sees it
        rewrite_one(root, BOOK, text.replace("## 2. Domain Dependencies", f"## 2. Domain Dependencies{version}"))
        assert run_gates(root).findings == ()
    assert runs == []  # three same-line edits: each one a quick re-run
    rewrite_one(root, BOOK, text.replace("| M-BOOK | Book | read |", "| M-BOOK | Book | read M-GONE |"))
    assert [f.message for f in run_gates(root).findings] == ["M-GONE is referenced but defined nowhere"]
    assert len(runs) == 1  # a changed reference: everything again
    rewrite_one(root, BOOK, text)
    assert run_gates(root).findings == () and len(runs) == 2


def test_a_quick_rerun_loads_only_the_one_file_rules_and_reports_as_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quick re-run reads the rule table its last full run kept (same code, settings and
    # options), so a fresh process imports the one-file rules' modules only.
    import subprocess
    import sys

    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # this tree's parse cache is written
    root = tree(tmp_path, CASES["SM204-master"].bad)
    run_gates(root)
    text = (root / LOAN).read_text(encoding="utf-8")
    rewrite_one(root, LOAN, text.replace("## 2. Domain Dependencies", "## 2. Domain Dependencies (read only)"))
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from specmesh_tasks.gates.run import run_gates\n"
        f"result = run_gates(Path({str(root)!r}))\n"
        "print(json.dumps([result.from_cache, [[f.code, f.file, f.line, f.severity.value, f.suppressed] "
        "for f in result.findings], sorted(m for m in sys.modules if m.startswith('specmesh_tasks.gates.'))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root).stdout
    from_cache, findings, modules = json.loads(out.strip().splitlines()[-1])
    full = run_gates(root, use_cache=False)
    assert not from_cache
    assert findings == [[f.code, f.file, f.line, f.severity.value, f.suppressed] for f in full.findings]
    assert "specmesh_tasks.gates.rules.structure" in modules  # one-file rules: loaded
    assert "specmesh_tasks.gates.rules.tasks" not in modules and "specmesh_tasks.gates.rules.matrix" not in modules
