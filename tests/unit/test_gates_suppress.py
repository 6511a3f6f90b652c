"""In-place suppression: `<!-- specmesh: ignore CODE -->` on the line or the line above."""

from __future__ import annotations

from pathlib import Path

from gates_trees import LOAN, TESTS, edit, write

from specmesh_tasks.gates.run import run_gates


def tree(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    return write(tmp_path / "repo", files)


def test_suppression_on_the_line_or_the_line_above(tmp_path: Path) -> None:
    files = edit(LOAN, "| M-LOAN | Loan | create |", "| M-LOAN | Loan | create |\n"
                 "| M-FOO | Foo | read | <!-- specmesh: ignore SM204 -->\n"
                 "<!-- specmesh: ignore undefined-reference, SM221 -->\n| M-BAR | Bar | read |\n"
                 "| M-BAZ | Baz | read |")
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.message.split()[0], f.suppressed) for f in found] == [
        ("M-FOO", True), ("M-BAR", True), ("M-BAZ", False)]


def test_suppression_in_a_test_file_comment(tmp_path: Path) -> None:
    files = edit(TESTS, '@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001")',
                 '# specmesh: ignore SM502\n@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001", "UC-LOAN-009")')
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.code, f.suppressed) for f in found] == [("SM502", True)]


def test_suppression_names_only_the_given_rule(tmp_path: Path) -> None:
    files = edit(LOAN, "| M-LOAN | Loan | create |",
                 "| M-LOAN | Loan | create |\n| M-FOO | Foo | read | <!-- specmesh: ignore SM101 -->")
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.code, f.suppressed) for f in found] == [("SM204", False)]
