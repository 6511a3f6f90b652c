"""Trigger / no-trigger trees for the plan family (SM402–SM405), merged into `gates_cases.CASES`.

The good tree carries the plan `specmesh plan` generates for the BASE tree's S-LOAN-001 (rendered
once, with the real renderer); each bad tree changes one thing. Plain tuples, like the tasks cases.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from gates_trees import BASE, LOAN, Files, edit, write

LOAN_DIR = ".specify/specs/features/sloan001-book-lending"
PLAN = f"{LOAN_DIR}/plan.md"


@lru_cache(maxsize=1)
def fresh_plan() -> str:
    """The plan of BASE's S-LOAN-001 exactly as `specmesh plan` writes it."""
    from specmesh_tasks.load import load_repo
    from specmesh_tasks.render.templates import bundled_template
    from specmesh_tasks.render.update import Inputs, update_plan

    with tempfile.TemporaryDirectory() as tmp:
        root = write(Path(tmp), BASE)
        repo = load_repo(root, cache=False)
        spec = next(s for s in repo.specs if s.path == LOAN)
        outcome = update_plan(
            spec, repo, (root / LOAN).read_text(encoding="utf-8"), Inputs(root, bundled_template())
        )
        assert outcome.status.value == "created", outcome
        return (root / PLAN).read_text(encoding="utf-8")


def _with_plan(change: tuple[str, str] | None = None, files: Files | None = None) -> Files:
    text = fresh_plan()
    if change is not None:
        assert change[0] in text, change[0]
        text = text.replace(change[0], change[1], 1)
    out = dict(BASE if files is None else files)
    out[PLAN] = text  # raw: a generated plan is not dedented
    return out


def _stale() -> Files:
    spec = BASE[LOAN]
    assert isinstance(spec, str)
    title = next(x for x in spec.split("\n") if x.startswith("### UC-"))
    return _with_plan(files=edit(LOAN, title, title + " (renamed)"))


PLAN_CASES = {
    "SM402": ("SM402", _stale(), _with_plan()),
    "SM403": ("SM403", _with_plan(("Plan ID: PLAN-LOAN-001", "Plan ID: PLAN-LOAN-007")), _with_plan()),
    "SM404": ("SM404", _with_plan(("<!-- specmesh:end header -->\n", "")), _with_plan()),
    "SM405": ("SM405", _with_plan(("\n<!-- specmesh:plan v1", "\n\n<!-- specmesh:plan v1")), _with_plan()),
    "SM404 version": ("SM404", _with_plan(("specmesh:plan v1", "specmesh:plan v2")), _with_plan()),
}
