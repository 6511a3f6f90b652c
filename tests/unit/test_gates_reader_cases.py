"""What the reader must get right on real trees (issue: gates you can trust), checked through the gates.

History records name IDs without citing them; an unclosed `<!--` hides only what CommonMark hides;
a table GitHub will not render and NUL bytes are reported at their line. Each case starts from the
clean BASE tree (no finding at all) and changes one thing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_trees import BASE, DOMAIN, LOAN, Gate, edit, make_gate, with_files

from specmesh_tasks.parse.spec import parse_spec


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def _codes(found: list) -> list[tuple[str, str, int]]:  # type: ignore[type-arg]
    return sorted((f.code, f.file, f.line) for f in found)


HISTORY = """
## 12. Clarifications

| Date | Question | Answer | Impact |
|---|---|---|---|
| 2026-01-05 | テナントは要る？ | 不要 | M-TENANT を削除 |

### Clarification (2026-01-06)

API-TENANT-LIST was merged into API-BOOK-LIST; UC-LOAN-009 was dropped.

## 15. Changelog

| Date | Change Type | Description | Issue |
|---|---|---|---|
| 2026-01-07 | Updated | Removed BR-009 and S-TENANT-001 | #3 |
"""


def test_history_records_are_neither_definitions_nor_references(gate: Gate) -> None:
    assert gate(edit(LOAN, "(none)\n", "(none)\n" + HISTORY)) == []
    assert gate(edit(DOMAIN, "- [x] Are fines part of this release? (No.)\n",
                     "- [x] Are fines part of this release? (No.)\n" + HISTORY)) == []


def test_an_id_outside_the_history_still_counts(gate: Gate) -> None:
    found = gate(edit(LOAN, "(none)\n", "(none)\n\nM-TENANT is still read here.\n" + HISTORY))
    assert [(f.code, f.message) for f in found] == [("SM204", "M-TENANT is referenced but defined nowhere")]


def test_history_lines_of_one_spec() -> None:
    doc = parse_spec(str(BASE[LOAN]).replace("(none)\n", "(none)\n" + HISTORY), LOAN)
    ids = {r.id for r in doc.references}
    assert not ids & {"M-TENANT", "API-TENANT-LIST", "UC-LOAN-009", "BR-009", "S-TENANT-001"}
    assert {"M-BOOK", "API-LOAN-CREATE"} <= ids


def test_an_unclosed_comment_in_a_heading_is_text(gate: Gate) -> None:
    files = edit(LOAN, "**Priority:** P1\n",
                 "**Priority:** P1\n\n### UC-LOAN-002: Return a book <!-- note\n\n**Priority:** P2\n\n"
                 "### UC-LOAN-003: Renew a loan\n\n**Priority:** P2\n")
    doc = parse_spec(str(files[LOAN]), LOAN)
    assert [(u.id, u.title) for u in doc.use_cases] == [
        ("UC-LOAN-001", "Borrow a book"), ("UC-LOAN-002", "Return a book <!-- note"),
        ("UC-LOAN-003", "Renew a loan")]
    assert not [p for p in doc.problems if p.code == "SM211"]
    assert "SM211" not in {f.code for f in gate(files)}


def test_an_unclosed_comment_in_a_paragraph_is_text_and_a_closed_one_spans_lines() -> None:
    text = str(BASE[LOAN]).replace("(none)\n", "Ask M-GONE <!-- a note\n\nSee M-SEEN <!-- spans\nM-HIDDEN -->\n")
    doc = parse_spec(text, LOAN)
    ids = {r.id for r in doc.references}
    assert {"M-GONE", "M-SEEN"} <= ids and "M-HIDDEN" not in ids
    assert not doc.problems


def test_an_unclosed_comment_block_is_reported_at_its_line_with_what_it_hides(gate: Gate) -> None:
    files = edit(LOAN, "## 10. Testing Strategy", "<!-- never closed\n\n## 10. Testing Strategy")
    found = [f for f in gate(files) if f.code == "SM211"]
    line = str(files[LOAN]).split("\n").index("<!-- never closed") + 1
    hidden = str(files[LOAN]).count("\n") - line
    assert [(f.file, f.line, f.message) for f in found] == [
        (LOAN, line, f"unclosed comment hides {hidden} lines: the HTML comment opened at line {line} is never closed")]


def test_a_delimiter_row_that_does_not_match_its_header(gate: Gate) -> None:
    files = edit(LOAN, "| FR ID | Description | Related UC | Priority |\n|---|---|---|---|",
                 "| FR ID | Description | Related UC | Priority |\n|---|---|")
    line = str(files[LOAN]).split("\n").index("|---|---|") + 1
    found = gate(files)
    assert [(f.code, f.line, f.message) for f in found] == [
        ("SM213", line, "the table's delimiter row has 2 cells but its header has 4: GitHub will not show it "
                        "as a table")]


def test_tables_without_outer_pipes_are_fine(gate: Gate) -> None:
    files = edit(LOAN, "| SC ID | Description | Measurement |\n|---|---|---|\n"
                       "| SC-LOAN-001 | Borrowing takes under a minute | timing |",
                 "SC ID | Description | Measurement\n--- | :---: | ---\n"
                 "SC-LOAN-001 | Borrowing takes under a minute | timing")
    assert gate(files) == []


def test_nul_bytes_are_reported_at_their_line(gate: Gate) -> None:
    data = str(BASE[LOAN]).replace("Author: Lending team", "Author: Lending\x00 team\x00").encode()
    line = str(BASE[LOAN]).split("\n").index("Author: Lending team") + 1
    found = gate(with_files({LOAN: data}))
    assert [(f.code, f.file, f.line, f.message) for f in found] == [
        ("SM214", LOAN, line, f"2 NUL bytes (the first on line {line}): the file looks damaged or binary")]
