"""Finding codes of the tasks family (SM420–SM449): Work Breakdown, tasks.md and their agreement.

Codes are stable and never reused. The parsers emit the reading problems (SM420–SM424, SM433);
`specmesh_tasks.materialize.checks` emits the rest; `gates/tasks_rules.py` declares each rule.
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
