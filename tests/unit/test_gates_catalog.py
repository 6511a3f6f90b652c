"""The rule catalogue: registration, lookup, selection, configuration, generated docs."""

from __future__ import annotations

import re

import pytest
from gates_cases import CASES, SPECIAL

from specmesh_tasks.errors import UserError
from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.catalog import CatalogError, Scope
from specmesh_tasks.gates.finding import family_of
from specmesh_tasks.gates.selection import validate_selectors


def test_codes_and_names_are_unique_wellformed_and_documented() -> None:
    rules = catalog.all_rules()
    assert len({r.code for r in rules}) == len(rules) == len({r.name for r in rules})
    for r in rules:
        assert re.fullmatch(r"SM[1-5]\d\d", r.code)
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", r.name)
        assert r.summary and r.rationale and r.bad_example and r.good_example, r.code
        assert "\n" not in r.summary, r.code
        assert r.family == family_of(r.code) != "other"


def test_every_rule_has_a_trigger_and_no_trigger_test() -> None:
    tested = {case.code for case in CASES.values()} | SPECIAL
    assert sorted(r.code for r in catalog.all_rules() if r.code not in tested) == []


def test_reader_codes_are_in_the_catalogue() -> None:
    from specmesh_tasks.parse import problems

    rules = catalog.by_code()
    for code, name in problems.NAMES.items():
        assert rules[code].name == name
        assert rules[code].scope is Scope.DECLARED


def test_registering_a_clashing_or_malformed_rule_is_refused() -> None:
    catalog.all_rules()
    decorate = catalog.rule(code="SM204", name="another-name", severity="error", summary="s", rationale="r",
                            bad_example="b", good_example="g")
    with pytest.raises(CatalogError, match="SM204 is registered by"):
        decorate(lambda repo, ctx: iter(()))
    with pytest.raises(CatalogError, match="kebab-case"):
        catalog.rule(code="SM598", name="Bad_Name", severity="info", summary="s", rationale="r",
                     bad_example="b", good_example="g")(lambda repo, ctx: iter(()))
    with pytest.raises(CatalogError, match="bad rule code"):
        catalog.rule(code="SM9", name="fine-name", severity="info", summary="s", rationale="r",
                     bad_example="b", good_example="g")(lambda repo, ctx: iter(()))
    assert "SM598" not in catalog.by_code() and "SM9" not in catalog.by_code()


def test_lookup_by_code_or_name_and_selectors() -> None:
    assert catalog.lookup("sm204") is catalog.lookup("undefined-reference") is catalog.by_code()["SM204"]
    assert {r.family for r in catalog.select("SM1")} == {"clarify"}
    assert [r.code for r in catalog.select("SM204")] == ["SM204"]
    with pytest.raises(UserError, match="unknown rule 'SM2O4'; did you mean 'SM204'"):
        catalog.select("SM2O4")
    with pytest.raises(UserError, match="did you mean 'undefined-reference'"):
        catalog.select("undefined-refrence")
    with pytest.raises(UserError):
        validate_selectors(["SM1,nope"], [])














