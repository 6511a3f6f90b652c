"""The README's regeneration example is what `specmesh plan` really does to the example project."""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLAN = Path(".specify/specs/features/sloan001-book-lending/plan.md")


def readme_diff() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("A real regeneration from the example project")
    block = text[text.index("```diff\n", start) + 8:text.index("```\n", text.index("```diff\n", start) + 8)]
    return [x for x in block.split("\n") if x]


def test_the_readme_regeneration_example_is_real(run_specmesh: Callable[..., subprocess.CompletedProcess[str]],
                                                 example_copy: Path) -> None:
    for rel, old, new in [
        (".specify/specs/features/sloan001-book-lending/spec.md", "### UC-LOAN-003: View my loans",
         "### UC-LOAN-003: View and sort my loans"),
        (".specify/specs/overview/domain/spec.md", "### M-LOAN: Loan\n", "### M-LOAN: Loan record\n"),
    ]:
        path = example_copy / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    before = (example_copy / PLAN).read_text(encoding="utf-8").split("\n")
    result = run_specmesh("plan", cwd=example_copy, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.returncode == 0, result.stderr
    after = (example_copy / PLAN).read_text(encoding="utf-8").split("\n")
    changed = [x for x in difflib.unified_diff(before, after, lineterm="", n=0)
               if x[:1] in "+-" and not x.startswith(("---", "+++")) and "specmesh:plan v1" not in x]
    shown = [x for x in readme_diff() if x[:1] in "+-"]
    assert sorted(changed) == sorted(shown)
