"""Spec IDs cited by tests: pytest markers and @spec/@uc/@fr comments (PRODUCT §2)."""

from __future__ import annotations

import textwrap

from specmesh_tasks.parse.test_file import parse_test_tags


def tags(text: str, rel: str = "tests/test_x.py") -> list[tuple[str, str | None, int, str]]:
    found = parse_test_tags(textwrap.dedent(text).lstrip("\n"), rel)
    return [(t.id, t.test, t.location.line, t.source) for t in found]


PY = """
    '''Loan tests. @spec S-LOAN-001'''
    import pytest

    pytestmark = [pytest.mark.spec("UC-LOAN-009"), pytest.mark.slow]

    # @fr FR-LOAN-001, FR-LOAN-002 then words FR-LOAN-099
    @pytest.mark.spec("UC-LOAN-001", "FR-LOAN-003")
    def test_a():
        # @uc UC-LOAN-002
        pass

    class TestB:
        pytestmark = pytest.mark.spec("SC-LOAN-001")

        @pytest.mark.spec("FR-LOAN-007")
        def test_m(self):
            '''@fr S-LEAD-001/FR-001'''

        class TestInner:
            def test_deep(self):  # @fr FR-LOAN-008
                pass

    def helper():
        pass
"""


def test_python_markers_and_comments_attach_to_their_tests() -> None:
    assert tags(PY) == [
        ("S-LOAN-001", None, 1, "comment"),
        ("UC-LOAN-009", None, 4, "marker"),
        ("FR-LOAN-001", "test_a", 6, "comment"),
        ("FR-LOAN-002", "test_a", 6, "comment"),
        ("FR-LOAN-003", "test_a", 7, "marker"),
        ("UC-LOAN-001", "test_a", 7, "marker"),
        ("UC-LOAN-002", "test_a", 9, "comment"),
        ("SC-LOAN-001", "TestB", 13, "marker"),
        ("FR-LOAN-007", "TestB::test_m", 15, "marker"),
        ("S-LEAD-001/FR-001", "TestB::test_m", 17, "comment"),
        ("FR-LOAN-008", "TestB::TestInner::test_deep", 20, "comment"),
    ]


def test_python_syntax_error_falls_back_to_the_line_scan() -> None:
    broken = PY.replace("        pass\n\n    class", "        pass(\n\n    class", 1)
    found = tags(broken)
    assert ("UC-LOAN-009", None, 4, "marker") in found
    assert ("FR-LOAN-003", "test_a", 7, "marker") in found
    assert ("UC-LOAN-002", "test_a", 9, "comment") in found
    assert ("SC-LOAN-001", "TestB", 13, "marker") in found
    assert ("FR-LOAN-007", "TestB::test_m", 15, "marker") in found


def test_from_pytest_import_mark_is_recognised_and_other_marks_are_not() -> None:
    text = """
        from pytest import mark

        @mark.spec("FR-X-001")
        @mark.parametrize("a", ["FR-X-002"])
        def test_p(a):
            pass
    """
    assert tags(text) == [("FR-X-001", "test_p", 3, "marker")]


def test_stray_tag_below_the_first_test_applies_to_the_whole_file() -> None:
    text = """
        def test_a():
            pass

        # @uc UC-X-001

        def test_b():
            pass
    """
    assert tags(text) == [("UC-X-001", None, 4, "comment")]


def test_typescript_jsdoc_tags_file_level_and_per_block() -> None:
    text = """
        /**
         * @spec S-AUTH-001
         * @uc UC-001
         */
        import { login } from "./login";

        describe("UC-001: login", () => {
          /** @fr FR-001 */
          it("logs in", () => {
            // @fr FR-002
            expect(login()).toBe(true);
          });
          it('one-liner', () => expect(1).toBe(1)); // @fr FR-003
        });
        // @uc UC-AUTH-009
        test.each([1, 2])("top %d", async (n) => {});
    """
    assert tags(text, "web/login.test.ts") == [
        ("S-AUTH-001", None, 2, "comment"),
        ("UC-001", None, 3, "comment"),
        ("FR-001", "UC-001: login::logs in", 8, "comment"),
        ("FR-002", "UC-001: login::logs in", 10, "comment"),
        ("FR-003", "UC-001: login::one-liner", 13, "comment"),
        ("UC-AUTH-009", "line 16", 15, "comment"),
    ]


def test_go_and_block_comment_tags() -> None:
    text = """
        package loan

        /* @spec S-LOAN-001 */

        // @fr FR-LOAN-001
        func TestBorrow(t *testing.T) {
            /* @uc UC-LOAN-001 */
        }
    """
    assert tags(text, "loan/loan_test.go") == [
        ("S-LOAN-001", None, 3, "comment"),
        ("FR-LOAN-001", "TestBorrow", 5, "comment"),
        ("UC-LOAN-001", "TestBorrow", 7, "comment"),
    ]


def test_bad_input_never_raises() -> None:
    for text in ["", "\x00\x01", "def test_(:\n  @fr", "describe((((", "}}}}\n@uc UC-X-001"]:
        parse_test_tags(text, "tests/test_bad.py")
        parse_test_tags(text, "tests/bad.test.js")
    assert tags("}}}}\n# @uc UC-X-001", "tests/bad.test.js") == [("UC-X-001", None, 2, "comment")]
