"""The HTML trace page in a real headless browser (Debian's `chromium`; .ci/run installs it).

The page is loaded from disk; its DOM, after the page's own script has run, is read with
`--dump-dom`; filters are applied through the page's script by the URL fragment it reads on load
(`#state=untested&feature=S-LOAN-001`); a screenshot is taken with `--screenshot`. With
SPECMESH_WRITE_DOCS=1 the screenshot of the example project replaces `docs/trace-page.png`
(the one the README shows). Without chromium the tests are skipped, except under CI (CI set),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.trace.html import format_trace
from tests.feature.conftest import EPOCH
from tests.feature.test_trace_cli import LOAN_SPEC, edit

Run = Callable[..., subprocess.CompletedProcess[str]]
REPO = Path(__file__).resolve().parents[2]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROW = re.compile(r'<tr data-state="([a-z-]+)" data-id="([^"]+)">')


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with a fresh profile and no background traffic."""
    browser = shutil.which("chromium")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          check=False, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def rows(dom: str) -> list[tuple[str, str]]:
    """(state, requirement ID) of every rendered row."""
    return ROW.findall(dom)


@pytest.fixture(scope="module")
def page(recorded_example: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's page with every state in it (as in test_every_state_occurs…)."""
    from tests.conftest import specmesh_command

    root = tmp_path_factory.mktemp("page") / "library"
    shutil.copytree(recorded_example, root, symlinks=True)
    env = {**{k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}, "SOURCE_DATE_EPOCH": EPOCH}

    def specmesh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*specmesh_command(), *args], cwd=root, env=env, capture_output=True, text=True,
                              check=False, timeout=300)

    edit(root, "tests/test_loans.py", "    with refused(\"LOAN_LIMIT_REACHED\"):",
         "    assert False, 'broken on purpose'\n    with refused(\"LOAN_LIMIT_REACHED\"):")
    assert specmesh("test").returncode == 1
    edit(root, LOAN_SPEC, "soonest due first, flagging", "soonest due first (then by title), flagging")
    (root / "tests" / "test_speed.py").write_text(
        'import pytest\n\n\n@pytest.mark.spec("SC-LOAN-001")\ndef test_loan_is_quick():\n    pass\n', encoding="utf-8")
    done = specmesh("trace", "--format", "html", "--output", "reports/trace.html")
    assert done.returncode == 0, done.stderr
    return root / "reports" / "trace.html"


def test_the_page_is_one_self_contained_file(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html  # no fetch of any kind
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)  # no CDN, no remote asset
    assert "<style>" in html and "<script>" in html


def test_the_dom_lists_every_requirement_with_its_state_as_colour_and_words(page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    found = dict((rid, state) for state, rid in rows(dom))
    assert found["FR-LOAN-003"] == "failing"
    assert found["FR-LOAN-006"] == "suspect"
    assert found["SC-LOAN-001"] == "not-run"
    assert found["UC-LOAN-002"] == "covered"
    assert found["SC-LOAN-002"] == "untested"
    assert len(found) == 49  # every requirement of the example, one row each
    assert '<span class="badge s-suspect">! suspect</span>' in dom  # a label, not colour alone
    link = re.search(r'<td class="id"><a href="([^"]+)">UC-LOAN-001</a>', dom)
    assert link is not None and link.group(1) == f"../{LOAN_SPEC}#L87"  # relative to the page
    assert "showing 49 of 49 matching (49 requirements)" in dom


def test_filters_from_the_fragment_are_applied_by_the_page_script(page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#state=untested,not-run&feature=S-LOAN-001").stdout
    assert sorted(rows(dom)) == [("not-run", "SC-LOAN-001"), ("untested", "SC-LOAN-002")]
    searched = {rid for _state, rid in rows(chromium(tmp_path, "--dump-dom", page.as_uri() + "#q=late%20fee").stdout)}
    assert "UC-FEES-001" in searched  # "Assess a late fee on return"
    assert "FR-CATALOG-001" not in searched and 0 < len(searched) < 49
    ordered = chromium(tmp_path, "--dump-dom", page.as_uri() + "#sort=state&dir=asc").stdout
    assert [state for state, _rid in rows(ordered)][:2] == ["failing", "failing"]
    assert 'aria-sort="ascending"' in ordered


def test_a_screenshot_of_the_page(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "trace-page.png"
    chromium(tmp_path, "--hide-scrollbars", "--window-size=1400,900", f"--screenshot={shot}",
             page.as_uri() + "#feature=S-LOAN-001")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("SPECMESH_WRITE_DOCS") == "1":
        shutil.copyfile(shot, REPO / "docs" / "trace-page.png")


def synthetic_report(features: int) -> dict[str, object]:
    """A trace report of `features` features of 22 requirements each (the bench tree's shape)."""
    states = ["covered"] * 14 + ["untested"] * 4 + ["failing", "suspect", "not-run", "covered"]
    groups = []
    for i in range(features):
        spec = f".specify/specs/features/f{i:04d}/spec.md"
        reqs = []
        for k, state in enumerate(states):
            tests = [] if state == "untested" else [
                {"id": f"tests/test_f{i:04d}.py::test_r{k}", "file": f"tests/test_f{i:04d}.py", "line": 3 * k + 1,
                 "result": "failed" if state == "failing" else None if state == "not-run" else "passed",
                 "at": None if state == "not-run" else "2026-01-01T00:00:00Z"}]
            reqs.append({"id": f"FR-F{i:04d}-{k:03d}", "kind": "fr", "text": f"要件 {k} of feature {i}", "file": spec,
                         "line": 100 + k, "state": state, "reason": "", "plan": None,
                         "tasks": [{"id": f"T-{k + 1:03d}", "done": k % 2 == 0, "file": spec[:-7] + "tasks.md",
                                    "line": 10 + k}], "tests": tests})
        groups.append({"id": f"S-F{i:04d}-001", "title": f"機能 {i}", "status": "Approved", "file": spec,
                       "tasks": {"done": 11, "total": 22}, "requirements": reqs})
    return {"root": "/repo/bench", "results": "recorded runs", "tool": {"version": "0.0.0"}, "features": groups}


def test_a_thousand_feature_page_stays_small_loads_and_filters(tmp_path: Path) -> None:
    page = tmp_path / "bench.html"
    page.write_text(format_trace(synthetic_report(1000)), encoding="utf-8")
    assert page.stat().st_size < 5_000_000
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert len(rows(dom)) == 500  # rendered a page at a time: the browser never lays out 22,000 rows
    assert "showing 500 of 22000 matching (22000 requirements)" in dom
    filtered = chromium(tmp_path, "--dump-dom", page.as_uri() + "#state=failing&q=feature%2099").stdout
    found = rows(filtered)
    assert found and {state for state, _rid in found} == {"failing"}
    assert f"showing {len(found)} of {len(found)} matching" in filtered
    one = chromium(tmp_path, "--dump-dom", page.as_uri() + "#feature=S-F0999-001").stdout
    assert len(rows(one)) == 22
