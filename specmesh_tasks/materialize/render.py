"""The text of tasks.md we write: a new file's skeleton, task lines and group headings.

Plain string building, no template: the format is a handful of fixed lines, and the merge has to
work line by line on the person's file anyway, so a Jinja template would only add an import and a
compile step to every run that writes.
"""

from __future__ import annotations

import os
import time

from specmesh_tasks.formats import task_lines
from specmesh_tasks.formats.task_lines import MARKER
from specmesh_tasks.materialize.facts import FeatureFacts
from specmesh_tasks.parse.breakdown import BreakdownTask, TaskGroup

CONVENTIONS = (
    "## Conventions",
    "",
    "- One task per line: `- [ ] [T-ID] [priority] [use case] [spec] description`; `[x]` marks it done.",
    "- Task IDs come from the Work Breakdown (§11) of plan.md and restart in every feature.",
    "- `specmesh tasks` adds the tasks the Work Breakdown gains and keeps the header counts current.",
    "  It never rewrites a task line: ticks, edits and tasks added by hand stay as they are.",
    "- A task that leaves the Work Breakdown stays here; `specmesh gates` reports it as an orphan.",
    "- A commit message naming a task in brackets, such as `[T-101]`, lets",
    "  `specmesh tasks --done-from-git` tick it.",
)


def created_date() -> str:
    """Today as YYYY-MM-DD, or SOURCE_DATE_EPOCH's date (UTC) for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return time.strftime("%Y-%m-%d")


def skeleton(facts: FeatureFacts, created: str) -> str:
    """A new tasks.md without task groups (the merge adds them)."""
    header = [f"Feature Spec: {facts.spec_id}" if facts.spec_id else "",
              f"Plan: {facts.plan_id}" if facts.plan_id else "",
              f"Created: {created}",
              "Total Tasks: 0"]
    lines = [f"# Tasks: {facts.title}", MARKER, "", *[h for h in header if h], "", "---", "", *CONVENTIONS]
    return "\n".join(lines) + "\n"


def task_line(task: BreakdownTask, group: TaskGroup, facts: FeatureFacts) -> str:
    """`- [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Description` for a Work Breakdown task."""
    use_case = task.use_case or group.use_case
    priority = task.priority or facts.priority_of(use_case)
    tags = [task.id, priority, use_case, facts.spec_id, *task.tags]
    return task_lines.task_line(tags, task.description or task_lines.placeholder(task.id))


def group_heading(group: TaskGroup, position: int, level: int = 2) -> str:
    """`## Task group 2: <summary>` (the number as the plan writes it, else its position)."""
    number = group.number or str(position)
    title = f"Task group {number}: {group.summary}" if group.summary else f"Task group {number}"
    return "#" * level + " " + title
