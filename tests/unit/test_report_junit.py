"""JUnit XML: one test case per (checked file, rule family), parsed by a real XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from report_samples import DOMAIN, LOAN, sample_report

from specmesh_tasks.report import render


def _cases(xml: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(xml)
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


def test_junit_has_one_case_per_item_and_family() -> None:
    xml = render(sample_report(), "junit")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml)
    assert root.tag == "testsuites" and root.get("tests") == "25" and root.get("failures") == "2"
    cases = _cases(xml)
    assert len(cases) == 25
    failure = cases[(LOAN, "structure")].find("failure")
    assert failure is not None and failure.get("type") == "SM204"
    assert failure.text == f"{LOAN}:42: SM204 error M-FOO is referenced but defined nowhere"
    # A warning does not fail, but is shown; suppressed findings are not.
    clarify = cases[(LOAN, "clarify")]
    assert clarify.find("failure") is None and "SM101 warning" in (clarify.findtext("system-out") or "")
    assert "M-BAR" not in xml


def test_junit_strict_turns_warnings_into_failures() -> None:
    cases = _cases(render(sample_report(strict=True), "junit"))
    assert cases[(DOMAIN, "structure")].find("failure") is not None
    assert cases[(LOAN, "clarify")].find("failure") is not None
