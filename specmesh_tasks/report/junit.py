"""JUnit XML: one test case per (checked item, rule family); failing findings are its failure.
Paths are from the repository root (`GateReport.path`).

    <testsuites name="specmesh gates" tests="…" failures="…" errors="0">
      <testsuite name="specmesh-gates" …>
        <testcase classname=".specify/specs/features/x/spec.md" name="structure" time="0">
          <failure type="SM204" message="1 finding">…:42: SM204 error M-FOO is …</failure>
          <system-out>…warnings and infos that do not fail…</system-out>

Deterministic: no timestamps, no host names; built with xml.etree so escaping is right.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from specmesh_tasks.gates.finding import FAMILIES, Reported
from specmesh_tasks.report.model import GateReport

SUITE = "specmesh-gates"


def _line(f: Reported, report: GateReport) -> str:
    return f"{report.path(f.file)}:{f.line}: {f.code} {f.severity.value} {f.message}"


def _testcase(parent: ET.Element, file: str, family: str, findings: list[Reported],
              report: GateReport) -> bool:
    case = ET.SubElement(parent, "testcase", classname=report.path(file), name=family, time="0")
    failing = [f for f in findings if report.failing(f)]
    other = [f for f in findings if not report.failing(f) and not f.suppressed]
    if failing:
        noun = "finding" if len(failing) == 1 else "findings"
        failure = ET.SubElement(case, "failure", type=failing[0].code, message=f"{len(failing)} {noun}")
        failure.text = "\n".join(_line(f, report) for f in failing)
    if other:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f, report) for f in other)
    return bool(failing)


def format_report(report: GateReport) -> str:
    """The JUnit XML document (UTF-8, with declaration, newline at the end)."""
    by_case: dict[tuple[str, str], list[Reported]] = {}
    for f in report.findings:
        by_case.setdefault((f.file, f.family), []).append(f)
    root = ET.Element("testsuites", name="specmesh gates")
    suite = ET.SubElement(root, "testsuite", name=SUITE)
    tests = failures = 0
    for item in report.items:
        for family in FAMILIES.values():
            tests += 1
            failures += _testcase(suite, item.file, family, by_case.get((item.file, family), []), report)
    for element in (root, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
