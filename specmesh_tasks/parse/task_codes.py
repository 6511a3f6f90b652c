"""Finding codes of the tasks family (SM420–SM449): Work Breakdown, tasks.md and their agreement.

Codes are stable and never reused. The parsers emit the reading problems (SM420–SM424, SM433);
`specmesh_tasks.materialize.checks` emits the rest. `RULES` gives each code its kebab-case name and
default severity for the gates' catalogue.
"""

from __future__ import annotations

TASKS_UNMANAGED = "SM420"
BREAKDOWN_MISSING = "SM421"
BREAKDOWN_PLACEHOLDER = "SM422"
BREAKDOWN_UNREADABLE = "SM423"
DUPLICATE_TASK_ID = "SM424"
TASK_NOT_MATERIALIZED = "SM425"
ORPHAN_TASK = "SM426"
USE_CASE_WITHOUT_TASK = "SM427"
TASK_UNKNOWN_REFERENCE = "SM428"
PHANTOM_COMPLETION = "SM429"
TASK_COUNT_STALE = "SM430"
TASK_DESCRIPTION_UNFILLED = "SM431"
TASK_DESCRIPTION_DIFFERS = "SM432"
TASK_LINE_UNREADABLE = "SM433"

# code -> (name, default severity, what it checks)
RULES: dict[str, tuple[str, str, str]] = {
    TASKS_UNMANAGED: ("unmanaged-tasks", "warning",
                      "tasks.md has no specmesh format marker, so `specmesh tasks` never updates it"),
    BREAKDOWN_MISSING: ("work-breakdown-missing", "warning",
                        "plan.md has no §11 Work Breakdown with task groups"),
    BREAKDOWN_PLACEHOLDER: ("work-breakdown-placeholder", "warning",
                            "a Work Breakdown line still holds the template's placeholder"),
    BREAKDOWN_UNREADABLE: ("work-breakdown-unreadable", "warning",
                           "a Work Breakdown line that cannot be read as a task group or task"),
    DUPLICATE_TASK_ID: ("duplicate-task-id", "error", "the same task ID is defined twice"),
    TASK_NOT_MATERIALIZED: ("task-missing-from-tasks", "warning",
                            "a task of the Work Breakdown is not in tasks.md"),
    ORPHAN_TASK: ("orphan-task", "warning", "a task of tasks.md is no longer in the Work Breakdown"),
    USE_CASE_WITHOUT_TASK: ("use-case-without-task", "warning", "a use case of the spec has no task"),
    TASK_UNKNOWN_REFERENCE: ("task-unknown-reference", "error", "a task cites an ID that is defined nowhere"),
    PHANTOM_COMPLETION: ("phantom-completion", "error",
                         "a task marked done names a file that does not exist"),
    TASK_COUNT_STALE: ("task-count-stale", "warning", "the Total Tasks header disagrees with the task lines"),
    TASK_DESCRIPTION_UNFILLED: ("task-description-unfilled", "warning", "a task has no description yet"),
    TASK_DESCRIPTION_DIFFERS: ("task-description-differs", "info",
                               "a task's description differs from the Work Breakdown's"),
    TASK_LINE_UNREADABLE: ("task-line-unreadable", "warning",
                           "a tasks.md line that looks like a task but is not"),
}
