"""`specmesh tasks --adopt`: turn a tasks.md we did not write into a managed one, keeping every word.

The conversion only adds and re-wraps: the format marker after the H1 (an H1 is added when the
file has none), the header fields it lacks (a template placeholder such as `Created: {date}` is
filled in), a Conventions section when there is none, and each upstream code-span task
`` - `[T-001] [P1] Description` `` becomes `- [ ] [T-001] [P1] Description` (the same words, now
with a checkbox). The merge that follows adds the Work Breakdown's missing tasks by ID.
"""

from __future__ import annotations

import re

from specmesh_tasks.formats.spec_header import line_like, with_value
from specmesh_tasks.formats.task_lines import MARKER, checkbox_form
from specmesh_tasks.materialize.facts import FeatureFacts
from specmesh_tasks.materialize.render import CONVENTIONS
from specmesh_tasks.parse.tasks_md import TasksDoc, parse_tasks_md

_PLACEHOLDER_VALUE = re.compile(r"\{[^}]*\}|^\[[^\]]*\]$")  # `{date}`, `S-{AREA}-{NNN}`, `[COUNT]`


def adopt_tasks(text: str, facts: FeatureFacts, created: str, rel: str = "tasks.md") -> str:
    """The managed form of an unmanaged tasks.md (LF text in, LF text out)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    doc = parse_tasks_md(text, rel)
    for task in doc.tasks:
        if task.item.style == "code-span":
            lines[task.line - 1] = checkbox_form(lines[task.line - 1])
    _add_conventions(lines, parse_tasks_md("\n".join(lines), rel))
    _complete_header(lines, parse_tasks_md("\n".join(lines), rel), facts, created)
    doc = parse_tasks_md("\n".join(lines), rel)
    if doc.h1_line:
        lines.insert(doc.h1_line, MARKER)
    else:
        lines[0:0] = [f"# Tasks: {facts.title}", MARKER, ""]
    return "\n".join(lines) + "\n"


def _complete_header(lines: list[str], doc: TasksDoc, facts: FeatureFacts, created: str) -> None:
    wanted = [("Feature Spec", facts.spec_id), ("Plan", facts.plan_id), ("Created", created),
              ("Total Tasks", "0")]
    last = doc.headers[-1] if doc.headers else None
    missing = []
    for key, value in wanted:
        field = doc.header(key)
        if field is None:
            if value:  # written like the header's last line (a bold list, a table row), else plain
                missing.append(line_like(lines[last.line - 1], last.key, key, value) if last else f"{key}: {value}")
        elif value and _PLACEHOLDER_VALUE.search(field.value.strip()) and key != "Total Tasks":
            lines[field.line - 1] = with_value(lines[field.line - 1], value)
    if not missing:
        return
    if last is not None:
        lines[last.line:last.line] = missing
    else:
        at = doc.h1_line
        lines[at:at] = ["", *missing] + ([""] if at < len(lines) and lines[at].strip() else [])


def _add_conventions(lines: list[str], doc: TasksDoc) -> None:
    if any("convention" in h.title.casefold() for h in doc.headings):
        return
    first = next((h.line for h in doc.headings if h.level == 2), 0)
    if first:
        lines[first - 1 : first - 1] = [*CONVENTIONS, ""]
    else:
        lines.extend(["", *CONVENTIONS])
