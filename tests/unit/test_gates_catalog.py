"""The rule catalogue: registration, lookup, selection, configuration, generated docs."""

from __future__ import annotations

import re

import pytest
from gates_cases import CASES, SPECIAL

from specmesh_tasks.config import GatesSettings, Settings
from specmesh_tasks.errors import ConfigError, UserError
from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.catalog import CatalogError, Scope
from specmesh_tasks.gates.docs import DOC_PATH, render_rules_doc
from specmesh_tasks.gates.finding import Severity, family_of
from specmesh_tasks.gates.selection import active_rules, configured, split_tokens, validate_selectors


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


def test_split_tokens() -> None:
    assert split_tokens(["SM1, SM204 ", "", "a;b"]) == ["SM1", "SM204", "a", "b"]


def _settings(**rules: str) -> Settings:
    return Settings(gates=GatesSettings(tuple(sorted(rules.items()))))


def test_configured_severity_and_off() -> None:
    active = active_rules(_settings(SM204="warning", **{"unused-overview-item": "off"}))
    assert active["SM204"] is Severity.WARNING
    assert "SM226" not in active
    assert active["SM101"] is None  # the rule's own (per-finding) severity


def test_select_and_ignore_apply_after_the_configuration() -> None:
    settings = _settings(SM226="off")
    assert set(active_rules(settings, select=["SM22"])) == {
        c for c in catalog.by_code() if c.startswith("SM22") and c != "SM226"}
    assert "SM226" in active_rules(settings, select=["SM226"])  # named exactly: back on
    assert set(active_rules(settings, select=["SM1"], ignore=["SM103,deferred-item"])) == {
        c for c in catalog.by_code() if c.startswith("SM1") and c != "SM103"}


def test_unknown_rule_in_the_configuration_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"gates\.rules\.SM2O4: unknown rule 'SM2O4'; did you mean 'SM204'"):
        configured(_settings(SM2O4="off"))


def test_docs_rules_md_is_up_to_date() -> None:
    expected = render_rules_doc()
    assert DOC_PATH.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `python -m specmesh_tasks.gates.docs --write`")


def test_docs_show_each_rule_with_a_failing_and_a_passing_example() -> None:
    text = render_rules_doc()
    for r in catalog.all_rules():
        section = text.split(f"### {r.code}\n", 1)[1].split("\n### SM", 1)[0]
        assert f"`{r.name}`" in section and "**Triggers it:**" in section and "**Does not:**" in section
