"""What a recorded run can attribute to tests: function bodies, and the skeleton around them."""

from __future__ import annotations

import ast
import textwrap

import pytest

from specmesh_tasks.affected.summary import summarize

SOURCE = textwrap.dedent('''\
    import os

    LIMIT = 3


    @decorate(name=":")
    def first(
        a={"k": 1},
    ) -> "x:y":
        # a comment above the first statement
        return a


    def one_liner(): return 1


    class Shape:
        sides = 4

        def area(self, side):
            """Doc."""
            def helper():
                return side
            return helper() * side

        class Inner:
            async def wait(self):
                pass


    if os.name:
        def conditional(x):
            return x
    ''')


def summary(text: str = SOURCE):  # type: ignore[no-untyped-def]
    return summarize(ast.parse(text), text)


def test_bodies_are_the_outermost_functions_by_qualified_name() -> None:
    bodies = summary().bodies
    assert sorted(bodies) == ["Shape.Inner.wait", "Shape.area", "conditional", "first"]
    assert (bodies["first"].first, bodies["first"].last) == (10, 11)  # the comment belongs to it
    assert (bodies["Shape.area"].first, bodies["Shape.area"].last) == (21, 24)  # with its nested def


def test_a_body_edit_changes_that_body_only_and_keeps_the_skeleton() -> None:
    before = summary()
    after = summary(SOURCE.replace("return helper() * side", "return side * helper()")
                    .replace("return side\n", "return side  # same\n"))
    assert after.skeleton == before.skeleton
    changed = {n for n in before.bodies if before.bodies[n].digest != after.bodies[n].digest}
    assert changed == {"Shape.area"}


def test_lines_added_to_a_body_do_not_move_the_skeleton() -> None:
    after = summary(SOURCE.replace("        return a\n", "        b = a\n        return b\n"))
    assert after.skeleton == summary().skeleton


@pytest.mark.parametrize(("old", "new"), [
    ("LIMIT = 3", "LIMIT = 4"),  # module-level code
    ('@decorate(name=":")', '@decorate(name=";")'),  # a decorator
    ('a={"k": 1},', 'a={"k": 2},'),  # a default argument
    ("def area(self, side):", "def area(self, side, scale=1):"),  # a signature
    ("    sides = 4", "    sides = 5"),  # a class body
    ("def one_liner(): return 1", "def one_liner(): return 2"),  # a body on its signature's line
    ("    def conditional(x):", "    def conditional(y):"),
])
def test_anything_outside_the_bodies_changes_the_skeleton(old: str, new: str) -> None:
    assert summary(SOURCE.replace(old, new)).skeleton != summary().skeleton
