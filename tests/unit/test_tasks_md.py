"""tasks.md reader: our checkbox format, the upstream code-span format, plain checkboxes, header."""

from __future__ import annotations

import textwrap

from specmesh_tasks.formats.task_lines import MARKER
from specmesh_tasks.parse.tasks_md import parse_tasks_md

OURS = textwrap.dedent("""\
    # Tasks: Book lending
    <!-- specmesh:tasks v1 -->

    Feature Spec: S-LOAN-001
    Plan: PLAN-LOAN-001
    Created: 2025-02-01
    Total Tasks: 3

    ---

    ## Conventions

    - One task per line: `- [ ] [T-ID] [priority] description`; `[x]` marks it done.

    ## Task group 1: Setup

    - [x] [T-001] [P1] [S-LOAN-001] Add the loan model in lending/models.py
    - [X] [T-002] [P1] [UC-LOAN-001] [S-LOAN-001] [Spec-First] [2h] Update the domain spec
    - [ ] [T-002.5] [S-LOAN-001] [TODO: describe T-002.5]
    - [ ] a hand-added task without an ID

    ## Notes

    - T-001 was hard (a note, not a task)
    ```
    - [ ] [T-900] an example in a code block
    ```
    """)


def test_our_format() -> None:
    doc = parse_tasks_md(OURS, "tasks.md")
    assert (doc.title, doc.h1_line, doc.marker_version, doc.managed) == ("Book lending", 1, "1", True)
    assert [(h.key, h.value, h.line) for h in doc.headers] == [
        ("Feature Spec", "S-LOAN-001", 4), ("Plan", "PLAN-LOAN-001", 5), ("Created", "2025-02-01", 6),
        ("Total Tasks", "3", 7)]
    assert doc.ids() == ["T-001", "T-002", "T-002.5"]
    first, second, third, plain = doc.tasks
    assert (first.item.done, first.item.priority, first.item.spec) == (True, "P1", "S-LOAN-001")
    assert first.line == 17
    assert first.item.description == "Add the loan model in lending/models.py"
    assert second.item.done is True and second.item.use_case == "UC-LOAN-001"
    assert second.item.tags == ("P1", "UC-LOAN-001", "S-LOAN-001", "Spec-First", "2h")
    assert third.item.description == "[TODO: describe T-002.5]" and third.item.unfilled
    assert plain.item.id is None and plain.item.done is False
    assert [doc.headings[t.section].title for t in doc.tasks] == ["Task group 1: Setup"] * 4
    assert doc.problems == ()


def test_upstream_code_span_format() -> None:
    doc = parse_tasks_md(textwrap.dedent("""\
        # Tasks: Leads

        Feature Spec: S-LEADS-001
        Total Tasks: [COUNT]

        ## 2. Phase 0 Alignment and Setup

        - `[T-001] [P1] [UC-001] [S-LEADS-001] Description in src/leads/page.tsx`
        - `[T-002.5] [Spec-First] Update the domain spec` (later)
        """), "tasks.md")
    assert not doc.managed and doc.marker_version == ""
    one, two = doc.tasks
    assert (one.item.style, one.item.done, one.item.use_case, one.item.spec) == (
        "code-span", None, "UC-001", "S-LEADS-001")
    assert one.item.description == "Description in src/leads/page.tsx"
    assert two.item.id == "T-002.5" and two.item.description == "Update the domain spec (later)"


def test_marker_must_follow_the_h1() -> None:
    assert not parse_tasks_md(f"# Tasks: X\n\n{MARKER}\n", "t").managed
    assert parse_tasks_md(f"# Tasks: X\r\n{MARKER}\r\n", "t").managed
    newer = parse_tasks_md("# Tasks: X\n<!-- specmesh:tasks v2 -->\n", "t")
    assert newer.marker_version == "2" and not newer.managed


def test_malformed_task_id_is_a_problem_with_its_line() -> None:
    doc = parse_tasks_md("# Tasks: X\n\n- [ ] [T-1] Set up\n- [ ] [T-01a] Again\n", "tasks.md")
    assert doc.ids() == []
    assert [(p.code, p.location.line) for p in doc.problems] == [("SM433", 3), ("SM433", 4)]


def test_unterminated_fence_is_reported() -> None:
    doc = parse_tasks_md("# Tasks: X\n\n```\n- [ ] [T-001] hidden\n", "tasks.md")
    assert doc.ids() == [] and [p.code for p in doc.problems] == ["SM210"]


def test_japanese_and_long_lines() -> None:
    long = "x" * 50_000
    doc = parse_tasks_md(f"# Tasks: 貸出\n\n- [ ] [T-001] 貸出画面を実装する {long}\n", "t")
    assert doc.title == "貸出" and doc.tasks[0].item.description.startswith("貸出画面を実装する")
