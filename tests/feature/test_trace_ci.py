"""The reports in the CI stages users copy: the GitHub Actions example's trace and impact jobs and
the nox sessions `trace` and `impact` (their commands are checked against `specmesh help` by
test_ci_stages.py)."""

from __future__ import annotations

import ast

from tests.feature.test_ci_stages import nox_sessions, workflow


def test_the_trace_job_writes_the_job_summary_and_keeps_the_page_after_the_tests() -> None:
    job = workflow()["jobs"]["trace"]
    assert job["needs"] == "affected" and "always()" in job["if"]
    runs = [step.get("run", "") for step in job["steps"]]
    summary = next(r for r in runs if "--format markdown" in r)
    assert summary.startswith("specmesh trace --results 'reports/shards/*/junit.xml'")
    assert summary.rstrip().endswith('>> "$GITHUB_STEP_SUMMARY"')
    assert any("--format html --output reports/trace.html" in r for r in runs)
    download = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact@"))
    assert download["with"] == {"pattern": "junit-shard-*", "path": "reports/shards"}
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "reports/trace.html"
    affected = workflow()["jobs"]["affected"]["steps"]
    kept = next(s for s in affected if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert kept["with"]["name"] == "junit-shard-${{ matrix.shard }}"  # what the pattern collects


def test_the_impact_job_comments_on_the_pull_request_from_the_full_history() -> None:
    job = workflow()["jobs"]["impact"]
    assert job["permissions"]["pull-requests"] == "write"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "specmesh impact --since origin/${{ github.base_ref }} --format markdown --output reports/impact.md" in runs
    sticky = "marocchino/sticky-pull-request-comment@"
    comment = next(s for s in job["steps"] if str(s.get("uses", "")).startswith(sticky))
    assert comment["with"] == {"header": "specmesh-impact", "path": "reports/impact.md"}


def test_nox_has_trace_and_impact_sessions_writing_reports() -> None:
    sessions = nox_sessions()
    trace, impact = ast.unparse(sessions["trace"]), ast.unparse(sessions["impact"])
    assert "'trace', '--format', 'html', '--output', 'reports/trace.html'" in trace
    assert "'trace', '--format', 'markdown', '--output', 'reports/trace.md', '--fail-on', 'failing'" in trace
    assert "'test'" in trace  # results are recorded first
    assert "'impact', '--since', _base(session), '--format', 'markdown', '--output', 'reports/impact.md'" in impact
