"""Near misses only: a suggestion must be what the person meant, not any neighbour."""

from __future__ import annotations

import pytest

from specmesh_tasks.suggest import closest, did_you_mean

RULES = ["SM101", "SM204", "SM449", "stale-plan", "undefined-reference"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("SM2O4", "SM204"),        # letter O for the digit 0
    ("sm204", "SM204"),        # case
    ("SM240", "SM204"),        # two neighbours swapped
    ("stale-plna", "stale-plan"),
    ("--formt", "--format"),
    ("--fromat", "--format"),
    ("rulez", "rules"),
])
def test_a_near_miss_is_suggested(typed: str, meant: str) -> None:
    assert closest(typed, [*RULES, "--format", "--output", "rules", "strict"]) == meant


@pytest.mark.parametrize("typed", ["SM999", "SM1", "colour", "-x", "--verbose-output"])
def test_nothing_far_is_suggested(typed: str) -> None:
    assert closest(typed, [*RULES, "--format", "--output", "-P", "-v", "template"]) is None


def test_the_hint_reads_as_a_question() -> None:
    assert did_you_mean("rulez", ["rules", "strict"]) == "; did you mean 'rules'?"
    assert did_you_mean("SM999", RULES) == ""
