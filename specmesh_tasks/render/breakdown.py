"""The seeded Work Breakdown (plan §11): written once when plan.md is created, then the person's.

Features: a setup group T-001/T-002; use case k (in spec order) T-k01 (test) and T-k02
(implementation); a wrap-up group T-050/T-051. Fixes: reproduce T-001, fix T-010/T-011, verify T-050.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specmesh_tasks.model.spec import SpecDoc

_ARROWS = re.compile(r"->|=>|→|⇒|⟶")


@dataclass(frozen=True, slots=True)
class TaskGroup:
    summary: str
    task_ids: tuple[str, ...]


def feature_breakdown(spec: SpecDoc) -> tuple[TaskGroup, ...]:
    """Setup T-001/T-002; use case k gets T-k01 (test) and T-k02 (implementation); wrap-up T-050/T-051."""
    groups = [TaskGroup("Setup", ("T-001", "T-002"))]
    for k, uc in enumerate(spec.use_cases, start=1):
        summary = _ARROWS.sub("to", f"{uc.id} {uc.title}".strip())
        groups.append(TaskGroup(summary, (f"T-{k}01", f"T-{k}02")))
    groups.append(TaskGroup("Wrap-up", ("T-050", "T-051")))
    return tuple(groups)


def fix_breakdown() -> tuple[TaskGroup, ...]:
    return (
        TaskGroup("Reproduce with a failing test", ("T-001",)),
        TaskGroup("Fix", ("T-010", "T-011")),
        TaskGroup("Verify and wrap up", ("T-050",)),
    )
