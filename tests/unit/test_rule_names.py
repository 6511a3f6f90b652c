"""The low table of rule codes and names: it lists exactly the catalogue's rules, and config reads it
without importing the gates engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.catalog import CatalogError
from specmesh_tasks.rule_names import RULE_NAMES, code_of, every_word


def test_the_table_lists_exactly_the_registered_rules() -> None:
    assert {r.code: r.name for r in catalog.all_rules()} == RULE_NAMES


def test_names_are_unique_and_codes_in_order() -> None:
    assert len(set(RULE_NAMES.values())) == len(RULE_NAMES)
    assert list(RULE_NAMES) == sorted(RULE_NAMES)


def test_a_rule_missing_from_the_table_is_refused() -> None:
    catalog.all_rules()
    with pytest.raises(CatalogError, match=r"SM599 'not-listed' is not listed in rule_names\.py"):
        catalog.rule(code="SM599", name="not-listed", severity="info", summary="s", rationale="r",
                     bad_example="b", good_example="g")(lambda repo, ctx: iter(()))
    assert "SM599" not in catalog.by_code()


def test_code_of_reads_codes_in_any_case_and_names() -> None:
    assert code_of(" sm204 ") == code_of("Undefined-Reference") == "SM204"
    assert code_of("SM999") is None and code_of("nope") is None
    assert every_word()[:2] == ["SM101", "needs-clarification"]


def test_checking_rule_keys_in_the_config_does_not_import_the_gates(tmp_path: Path) -> None:
    (tmp_path / "specmesh.yaml").write_text("gates:\n  rules: {SM204: warning, stale-plan: off}\n",
                                            encoding="utf-8")
    code = ("import sys; from pathlib import Path; from specmesh_tasks.config import load_settings; "
            f"load_settings(Path({str(tmp_path)!r})); "
            "print(sorted(m for m in sys.modules if m.startswith('specmesh_tasks.gates')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
