"""One feature's plan from the files: its spec read through the loader, then `update.update_plan`.

What the `plan:<ID>` action calls. The rest of the tree comes in as `outline` (`load.load_outline`:
the overview specs in full, every other spec as its header lines), made once per run by the caller.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.render.update import Inputs, Options, PlanOutcome, Status, update_plan

if TYPE_CHECKING:
    from specmesh_tasks.model.spec import Repo
    from specmesh_tasks.parse.cache import ParseCache


def plan_feature(root: Path, spec_rel: str, outline: Repo, store: ParseCache, template: Path,
                 options: Options) -> PlanOutcome:
    """Bring `spec_rel`'s plan.md up to date; a spec that cannot be read blocks its plan."""
    from specmesh_tasks.load import load_one
    from specmesh_tasks.parse import problems as codes
    from specmesh_tasks.state import cache_dir

    spec, problems = load_one(root, spec_rel, store)
    unreadable_codes = {codes.NOT_UTF8, codes.TOO_LARGE, codes.OUTSIDE_ROOT, codes.UNREADABLE}
    unreadable = [p for p in [*problems, *(spec.problems if spec else ())] if p.code in unreadable_codes]
    if spec is None or unreadable:
        # Replacement characters are not the spec's words: no plan from a text we could not read.
        plan_rel = str(Path(spec_rel).parent / "plan.md")
        reasons = "\n".join(f"  {p.location}: {p.message}" for p in unreadable or problems)
        return PlanOutcome(Status.BLOCKED, plan_rel, f"{plan_rel}: not planned: {spec_rel} cannot be read",
                           reasons)
    text = _spec_text(root, spec_rel)  # the prose the plan quotes (answers, deferred items)
    return update_plan(spec, outline, text, Inputs(root, template, cache_dir(root) / "jinja"), options)


def _spec_text(root: Path, spec_rel: str) -> str | None:
    from specmesh_tasks.parse.source import read_source

    text, _problems = read_source(root / spec_rel, spec_rel, root=root)
    return text
