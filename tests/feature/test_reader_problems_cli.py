"""New reader problems reach every machine-readable report of `specmesh gates`.

A feature spec with a table GitHub will not render (SM213), NUL bytes (SM214) and a comment block
never closed (SM211) is gated once per format; each report carries each code at its file and line.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

from gates_trees import BASE, LOAN, write

Run = Callable[..., CompletedProcess[str]]
BROKEN = (str(BASE[LOAN])
          .replace("|---|---|---|---|", "|---|---|", 1)
          .replace("Author: Lending team", "Author: Lending\x00 team")
          .replace("## 10. Testing Strategy", "<!-- never closed\n\n## 10. Testing Strategy"))
LINES = BROKEN.split("\n")
EXPECTED = {("SM213", LINES.index("|---|---|") + 1), ("SM214", LINES.index("Author: Lending\x00 team") + 1),
            ("SM211", LINES.index("<!-- never closed") + 1)}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write(tmp_path / "repo", {**BASE, LOAN: BROKEN.encode("utf-8")})


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_each_report_format_carries_the_reader_problems(run_specmesh: Run, tree: Path, tmp_path: Path,
                                                        fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    done = run_specmesh("--root", str(tree), "gates", "--format", fmt, "--output", str(out), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert _found(fmt, out.read_text(encoding="utf-8")) >= EXPECTED


def _found(fmt: str, text: str) -> set[tuple[str, int]]:
    """(code, line) of every finding at the LOAN spec in a report."""
    if fmt == "json":
        return {(f["code"], f["line"]) for f in json.loads(text)["findings"] if f["file"] == LOAN}
    if fmt == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        return {(r["ruleId"], loc["physicalLocation"]["region"]["startLine"]) for r in results
                for loc in r["locations"] if loc["physicalLocation"]["artifactLocation"]["uri"] == LOAN}
    found = set()
    for case in ET.fromstring(text).iter("testcase"):  # failures, and warnings in system-out
        body = "\n".join(e.text or "" for e in (*case.iter("failure"), *case.iter("system-out")))
        found |= {(code, line) for code, line in EXPECTED if f"{LOAN}:{line}: {code}" in body}
    return found
