"""The README's promise: its two set-up commands are the ones CI runs, and they come first."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAIN_JOB = "pip install -e . && doit"
TEST_JOB = 'pip install -e ".[test]" && pytest -n auto'


def test_ci_runs_exactly_the_readme_commands() -> None:
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert MAIN_JOB in ci_lines and TEST_JOB in ci_lines


def test_readme_shows_the_two_commands_before_anything_else() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0]
    assert MAIN_JOB in first_block and TEST_JOB in first_block
    assert readme.index(MAIN_JOB) < readme.index("## Use it in your repository")
