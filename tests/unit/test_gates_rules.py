"""Every gate rule triggers on its bad tree and stays quiet on its good one; severities by status."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from gates_cases import CASES, NEW_FEATURE, UPSTREAM, _new_feature
from gates_trees import BASE, BOOK, DOMAIN, LOAN, TESTS, VISION, Gate, edit, make_gate, with_files, write

from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.evaluate import evaluate
from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.gates.run import run_gates
from specmesh_tasks.model.spec import Location, Problem, Repo, SpecDoc, SpecKind


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def codes(findings: list[Reported]) -> set[str]:
    return {f.code for f in findings}


def test_base_tree_has_no_finding(gate: Gate) -> None:
    assert gate(BASE) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_triggers(name: str, gate: Gate) -> None:
    case = CASES[name]
    found = gate(case.bad)
    assert case.code in codes(found), found
    hit = next(f for f in found if f.code == case.code)
    assert hit.file and hit.message and hit.name == catalog.by_code()[case.code].name


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_does_not_trigger(name: str, gate: Gate) -> None:
    case = CASES[name]
    assert case.code not in codes(gate(case.good))


def test_every_upstream_check_has_a_tested_counterpart() -> None:
    known = set(catalog.by_code())
    for check, names in UPSTREAM.items():
        assert names, check
        for name in names:
            code = name.split("-")[0]
            assert code in known, (check, name)
            assert name in CASES or code in {"SM237"}, (check, name)
    assert sum(1 for k in UPSTREAM if k.startswith("lint-")) == 32


# ---------------------------------------------------------------------- severity by status

def _severity(found: list[Reported], code: str) -> Severity:
    return next(f.severity for f in found if f.code == code)


def test_open_marker_is_an_error_when_approved_and_a_warning_in_draft(gate: Gate) -> None:
    approved = CASES["SM101"].bad
    draft = edit(LOAN, "Status: Approved", "Status: Draft", approved)
    assert _severity(gate(approved), "SM101") is Severity.ERROR
    assert _severity(gate(draft), "SM101") is Severity.WARNING


def test_open_question_counts_only_in_the_open_questions_section(gate: Gate) -> None:
    found = gate(CASES["SM102"].bad)
    assert _severity(found, "SM102") is Severity.ERROR
    draft = edit(DOMAIN, "Status: Approved", "Status: Draft", CASES["SM102"].bad)
    assert _severity(gate(draft), "SM102") is Severity.WARNING
    scope = edit(VISION, "## 8. Open Questions", "## 4. Scope\n\n- [ ] Lending\n\n## 8. Open Questions")
    assert "SM102" not in codes(gate(scope))


def test_review_marker_severity_follows_status(gate: Gate) -> None:
    approved = CASES["SM239"].bad
    assert _severity(gate(approved), "SM239") is Severity.ERROR
    clarified = edit(LOAN, "Status: Approved", "Status: Clarified", approved)
    assert _severity(gate(clarified), "SM239") is Severity.WARNING


def test_placeholder_spec_id_is_an_error_elsewhere_a_warning(gate: Gate) -> None:
    found = gate(edit(LOAN, "Spec ID: S-LOAN-001", "Spec ID: S-{AREA}-001"))
    placeholders = [f for f in found if f.code == "SM221"]
    assert [f.severity for f in placeholders] == [Severity.ERROR]
    assert _severity(gate(CASES["SM221"].bad), "SM221") is Severity.WARNING


def test_untested_requirement_is_info_for_an_approved_feature(gate: Gate) -> None:
    found = gate(edit(TESTS, '"UC-LOAN-001", "FR-LOAN-001"', '"S-LOAN-001"'))
    assert {(f.message, f.severity) for f in found if f.code == "SM501"} == {
        ("UC-LOAN-001 is not cited by any test", Severity.INFO),
        ("FR-LOAN-001 is not cited by any test", Severity.INFO),
    }
    implemented = gate(CASES["SM501"].bad)
    assert _severity(implemented, "SM501") is Severity.WARNING


def test_deferred_item_is_info_and_gate_passes_with_deferred(gate: Gate) -> None:
    found = gate(CASES["SM103"].bad)
    assert [(f.code, f.severity) for f in found] == [("SM103", Severity.INFO)]
    assert "PASSED_WITH_DEFERRED" in found[0].message


# ---------------------------------------------------------------------- rules needing more than files

def test_symlink_leading_outside_the_root_is_skipped_with_a_finding(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "spec.md"
    outside.parent.mkdir()
    outside.write_text(BASE[LOAN], encoding="utf-8")  # type: ignore[arg-type]
    root = write(tmp_path / "repo", BASE)
    link = root / NEW_FEATURE
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    found = run_gates(root, use_cache=False).findings
    assert [(f.code, f.file) for f in found] == [("SM208", NEW_FEATURE)]


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BASE)
    broken = root / NEW_FEATURE
    broken.parent.mkdir(parents=True)
    broken.symlink_to(root / ".specify" / "missing.md")  # inside the root, but nothing there
    found = run_gates(root, use_cache=False).findings
    assert [(f.code, f.severity) for f in found] == [("SM209", Severity.ERROR)]


def test_reader_problem_codes_outside_the_catalogue_become_reader_errors(tmp_path: Path) -> None:
    doc = SpecDoc(path="s/spec.md", kind=SpecKind.FEATURE, title="x", h1_line=1, headers=(), sections=(),
                  tables=(), markers=(), definitions=(), references=(),
                  problems=(Problem("SM212", Location("s/spec.md", 3), "reader failed"),
                            Problem("SM299", Location("s/spec.md", 4), "something new")))
    found = evaluate(Repo(str(tmp_path), (doc,), None), RuleContext(tmp_path), {"SM212": None})
    assert [(f.code, f.line, f.message) for f in found] == [
        ("SM212", 3, "reader failed"), ("SM212", 4, "something new [SM299]")]


def _git(root: Path, *args: str, date: str = "") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _committed_tree(tmp_path: Path, feature_date: str) -> Path:
    root = write(tmp_path / "repo", BASE)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "specs", date="2025-01-01T10:00:00")
    (root / DOMAIN).write_text(str(BASE[DOMAIN]) + "\nChanged.\n", encoding="utf-8")
    _git(root, "commit", "-qam", "domain", date="2025-03-01T10:00:00")
    (root / LOAN).write_text(str(BASE[LOAN]) + "\nReviewed.\n", encoding="utf-8")
    _git(root, "commit", "-qam", "feature", date=feature_date)
    return root


def test_feature_older_than_domain_by_git_dates(tmp_path: Path) -> None:
    root = _committed_tree(tmp_path, "2025-02-01T10:00:00")
    found = [f for f in run_gates(root, use_cache=False).findings if f.code == "SM237"]
    assert [(f.file, f.severity) for f in found] == [(LOAN, Severity.INFO)]
    assert found[0].message.startswith("last committed 28 days before the latest change of")
    # The Implemented feature (BOOK) is never checked, however old.
    assert all(f.file != BOOK for f in found)


def test_feature_reviewed_after_domain_is_not_stale(tmp_path: Path) -> None:
    root = _committed_tree(tmp_path, "2025-03-02T10:00:00")
    assert "SM237" not in codes(list(run_gates(root, use_cache=False).findings))


def test_staleness_is_skipped_outside_git(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BASE)
    os.utime(root / LOAN, (0, 0))  # an ancient mtime means nothing
    assert "SM237" not in codes(list(run_gates(root, use_cache=False).findings))


# ---------------------------------------------------------------------- without upstream's quirks

def test_q1_mentions_are_not_duplicate_definitions(gate: Gate) -> None:
    # BASE mentions UC-LOAN-001 in its heading, the FR table, the coverage table and a test, and
    # BR-001 in the domain and a feature: none of that is a duplicate.
    assert "SM223" not in codes(gate(BASE))


def test_q2_status_comes_from_the_header_line_only(gate: Gate) -> None:
    comment = ("<!--\nSpec Status: - DRAFT: initial creation, not reviewed\n"
               "Status values: Draft | In Review | Approved\n-->\n\n")
    files = edit(LOAN, "Spec Type: Feature", comment + "Spec Type: Feature")
    assert gate(files) == []


def test_q3_wireframe_ids_file_names_and_prose_are_not_ids(gate: Gate) -> None:
    prose = "Locale fr-FR, header api-key, wireframe WF-SCR-002-HDR, image SCR-002-original.png"
    found = gate(edit(LOAN, "(none)", prose))
    assert found == []


def test_q4_placeholders_are_reported_as_placeholders_not_ids(gate: Gate) -> None:
    two = with_files({NEW_FEATURE: _new_feature("S-{AREA}-001"),
                      ".specify/specs/features/x/spec.md": _new_feature("S-{AREA}-001")})
    row = "| S-{AREA}-001 | [Title] | .specify/specs/features/{dir}/spec.md | Draft | - |\n"
    files = edit(DOMAIN, "| S-BOOK-001 |", row + "| S-BOOK-001 |", two)
    found = gate(files)
    assert codes(found) == {"SM221"}
    assert sorted(f.file for f in found if f.severity is Severity.ERROR) == sorted(
        [NEW_FEATURE, ".specify/specs/features/x/spec.md"])


def test_status_set_comes_from_the_configuration(gate: Gate) -> None:
    yaml = "specs:\n  statuses: [Draft, Approved, Implemented, Done]\n"
    config = with_files({".specify/specmesh.yaml": yaml})
    found = gate(edit(LOAN, "Status: Approved", "Status: Done", config))
    assert "SM110" not in codes(found)
    assert "SM110" in codes(gate(edit(LOAN, "Status: Approved", "Status: Clarified", config)))


def test_id_patterns_from_the_configuration_replace_the_format(gate: Gate) -> None:
    odd = with_files({NEW_FEATURE: _new_feature("S-fine-1")})
    yaml = "specs:\n  id_patterns:\n    feature: '^S-[A-Za-z]+-[0-9]+$'\n"
    config = with_files({".specify/specmesh.yaml": yaml}, odd)
    assert "SM220" in codes(gate(odd))
    assert "SM220" not in codes(gate(config))
    assert "SM220" in codes(gate(with_files({NEW_FEATURE: _new_feature("S-FINE_X-001")}, config)))


def test_feature_index_path_outside_by_absolute_path(gate: Gate) -> None:
    row_path = "`.specify/specs/features/sloan001-book-lending/`"
    found = gate(edit(DOMAIN, row_path, "/home/me/other-repo/spec.md"))
    assert [f.code for f in found if f.code.startswith("SM23")] == ["SM231"]
