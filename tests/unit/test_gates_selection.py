"""Which rules run at which severity: the configuration, then `--select` / `--ignore`."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_cases import CASES
from gates_trees import LOAN, Files, edit, with_files, write

from specmesh_tasks.config import GatesSettings, Settings
from specmesh_tasks.errors import ConfigError
from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.finding import Severity
from specmesh_tasks.gates.run import run_gates
from specmesh_tasks.gates.selection import active_rules, configured, split_tokens


def tree(tmp_path: Path, files: Files) -> Path:
    return write(tmp_path / "repo", files)


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


# ---------------------------------------------------------------------- a whole run

def test_configured_severity_and_off_apply(tmp_path: Path) -> None:
    config = ".specify/specmesh.yaml"
    files = with_files({config: "gates:\n  rules:\n    SM204: warning\n    unfilled-placeholder: 'off'\n"},
                       edit(LOAN, "Author: Lending team", "Author: [OWNER]", CASES["SM204-master"].bad))
    found = run_gates(tree(tmp_path, files), use_cache=False).findings
    assert [(f.code, f.severity) for f in found] == [("SM204", Severity.WARNING)]


def test_select_and_ignore(tmp_path: Path) -> None:
    files = edit(LOAN, "Author: Lending team", "Author: [OWNER]", CASES["SM204-master"].bad)
    root = tree(tmp_path, files)
    assert {f.code for f in run_gates(root, select=["SM22"]).findings} == {"SM221"}
    assert {f.code for f in run_gates(root, ignore=["SM221"]).findings} == {"SM204"}
    assert {f.code for f in run_gates(root).findings} == {"SM204", "SM221"}
