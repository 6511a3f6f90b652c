"""Pass/fail per checked file and the summary counts (contract §5)."""

from __future__ import annotations

from report_samples import DOMAIN, LOAN, sample_report, sample_result

from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.report.model import Summary, build_report


def test_errors_fail_their_item_warnings_infos_and_suppressed_do_not() -> None:
    report = sample_report()
    failed = {i.file for i in report.items if i.failed}
    assert failed == {".specify/specs/features/x/spec.md", LOAN}
    assert report.summary == Summary(specs=5, passed=3, failed=2, errors=2, warnings=2, infos=1, suppressed=1)
    assert not report.ok


def test_strict_makes_warnings_fail() -> None:
    report = sample_report(strict=True)
    assert {i.file for i in report.items if i.failed} == {".specify/specs/features/x/spec.md", LOAN, DOMAIN}
    assert report.summary.failed == 3


def test_only_suppressed_errors_pass() -> None:
    only = (Reported("SM204", "undefined-reference", Severity.ERROR, LOAN, 3, "m", None, suppressed=True),)
    report = sample_report(findings=only)
    assert report.ok and report.summary.suppressed == 1 and report.summary.errors == 0


def test_a_finding_in_an_unlisted_file_adds_an_item() -> None:
    stray = (Reported("SM212", "reader-error", Severity.ERROR, "elsewhere.md", 0, "m", None),)
    report = build_report(sample_result(stray))
    assert [(i.file, i.kind, i.failed) for i in report.items if i.file == "elsewhere.md"] == [
        ("elsewhere.md", "other", True)]
