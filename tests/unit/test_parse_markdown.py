"""The line-based Markdown splitter and the inline helpers."""

from __future__ import annotations

import textwrap

from specmesh_tasks.parse.inline import code_span_ranges, plain, split_cells
from specmesh_tasks.parse.markdown import split_markdown


def _split(text: str):  # type: ignore[no-untyped-def]
    return split_markdown(textwrap.dedent(text).lstrip("\n"), "f.md")


def test_headings_carry_level_number_and_title() -> None:
    doc = _split("""
        # Feature Spec: X
        ## 4. User Stories / Use Cases
        ### 2.1 Master Data
        ### 2.1. Dotted
        ### UC-LOAN-001: 本を借りる
        ## 10 Testing ##
        #not-a-heading
        ####### seven hashes
    """)
    got = [(h.line, h.level, h.number, h.title) for h in doc.headings]
    assert got == [
        (1, 1, "", "Feature Spec: X"),
        (2, 2, "4", "User Stories / Use Cases"),
        (3, 3, "2.1", "Master Data"),
        (4, 3, "2.1", "Dotted"),
        (5, 3, "", "UC-LOAN-001: 本を借りる"),
        (6, 2, "10", "Testing"),
    ]


def test_heading_inside_a_fence_is_code() -> None:
    doc = _split("""
        ## 1. Real
        ```text
        ## Not a heading
        | a | b |
        |---|---|
        ```
        ~~~~
        ``` still inside the tilde fence
        # nope
        ~~~~
        ## 2. Real again
    """)
    assert [h.title for h in doc.headings] == ["Real", "Real again"]
    assert doc.tables == []
    assert doc.code == [False, True, True, True, True, True, True, True, True, True, False]
    assert doc.problems == []


def test_inline_triple_backticks_do_not_open_a_fence() -> None:
    doc = _split("""
        Use ```x``` inline.
        ## 1. Heading
    """)
    assert [h.title for h in doc.headings] == ["Heading"]


def test_unterminated_fence_is_a_problem_at_its_line_and_the_rest_is_code() -> None:
    doc = _split("""
        ## 1. Before
        text
        ```python
        ## 2. Inside
    """)
    assert [h.title for h in doc.headings] == ["Before"]
    assert [(p.code, p.location.line) for p in doc.problems] == [("SM210", 3)]
    assert doc.code == [False, False, True, True]


def test_html_comments_are_hidden_and_listed() -> None:
    doc = _split("""
        before <!-- one --> after
        <!--
        ## 2. Hidden heading
        Status: Deprecated
        --> tail
        `<!-- in a code span -->` stays
        <!-- specmesh: ignore SM204 -->
    """)
    assert doc.visible[0] == "before   after"
    assert doc.visible[1:4] == ["", "", ""]
    assert doc.visible[4] == "  tail"
    assert doc.visible[5] == "`<!-- in a code span -->` stays"
    assert [(c.line, c.end, c.text.strip()) for c in doc.comments] == [
        (1, 1, "one"),
        (2, 5, "## 2. Hidden heading\nStatus: Deprecated"),
        (7, 7, "specmesh: ignore SM204"),
    ]
    assert doc.headings == []


def test_unterminated_comment_is_a_problem() -> None:
    doc = _split("""
        ok
        <!-- never closed
        ## 1. Hidden
    """)
    assert [(p.code, p.location.line) for p in doc.problems] == [("SM211", 2)]
    assert doc.headings == []


def test_comment_markers_inside_a_fence_are_code() -> None:
    doc = _split("""
        ```
        <!--
        ```
        ## 1. Visible
    """)
    assert [h.title for h in doc.headings] == ["Visible"]
    assert doc.comments == []


def test_tables_have_header_rows_and_lines() -> None:
    doc = _split("""
        ## 5. FR

        | FR ID | Description | Related UC |
        |-------|:-----------:|------------|
        | FR-A-001 | 記録する | UC-A-001 |
        | FR-A-002 | `a | b` and a\\|b | - |
        not a row
        | x |
    """)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.line, table.end) == (3, 6)
    assert table.header == ("FR ID", "Description", "Related UC")
    assert [r.line for r in table.rows] == [5, 6]
    assert table.rows[1].cells == ("FR-A-002", "`a | b` and a|b", "-")


def test_table_without_outer_pipes_and_short_rows() -> None:
    doc = _split("""
        a | b
        --|--
        1 | 2
        | only |
    """)
    assert doc.tables[0].header == ("a", "b")
    assert [r.cells for r in doc.tables[0].rows] == [("1", "2"), ("only",)]


def test_a_lone_rule_is_not_a_table_delimiter() -> None:
    doc = _split("""
        Status: Draft
        ---
        | a | b |
    """)
    assert doc.tables == []


def test_empty_text_and_final_newline() -> None:
    assert split_markdown("", "f.md").lines == []
    assert split_markdown("a\n", "f.md").lines == ["a"]
    assert split_markdown("a\n\n", "f.md").lines == ["a", ""]


def test_very_long_line_is_fine() -> None:
    doc = split_markdown("## 1. T\n" + "x" * 1_000_000 + "\n", "f.md")
    assert len(doc.lines) == 2 and doc.headings[0].title == "T"


def test_code_span_ranges_match_equal_backtick_runs() -> None:
    line = "a `b` c ``d ` e`` f ` g"
    spans = code_span_ranges(line)
    assert [line[a:b] for a, b in spans] == ["`b`", "``d ` e``"]


def test_split_cells_escapes_and_spans() -> None:
    assert split_cells("| a | b |") == ("a", "b")
    assert split_cells("|a|b") == ("a", "b")
    assert split_cells(r"| a \| b | c |") == ("a | b", "c")
    assert split_cells("| `x|y` | z |") == ("`x|y`", "z")
    assert split_cells("| | |") == ("", "")


def test_plain_drops_wrapping_emphasis_only() -> None:
    assert plain(" **M-LOAN** ") == "M-LOAN"
    assert plain("`M-BOOK`") == "M-BOOK"
    assert plain("**`API-X`**") == "API-X"
    assert plain("M-A and **b**") == "M-A and **b**"
    assert plain("*") == "*"


def test_fence_nested_in_a_list_item_is_code() -> None:
    doc = _split("""
        1. Run:
            ```bash
            # install
            | a | b |
            |---|---|
            ```
        ## 2. After
    """)
    assert [h.title for h in doc.headings] == ["After"]
    assert doc.tables == [] and doc.code == [False, True, True, True, True, True, False]
