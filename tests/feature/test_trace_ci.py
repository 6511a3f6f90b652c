"""The reports in the CI stages users copy: the GitHub Actions example's trace and impact jobs and
the nox sessions `trace` and `impact` (their commands are checked against `specmesh help` by
test_ci_stages.py)."""

from __future__ import annotations

import ast

from tests.feature.test_ci_stages import nox_sessions


def test_nox_has_trace_and_impact_sessions_writing_reports() -> None:
    sessions = nox_sessions()
    trace, impact = ast.unparse(sessions["trace"]), ast.unparse(sessions["impact"])
    assert "'trace', '--format', 'html', '--output', 'reports/trace.html'" in trace
    assert "'trace', '--format', 'markdown', '--output', 'reports/trace.md', '--fail-on', 'failing'" in trace
    assert "'test'" in trace  # results are recorded first
    assert "'impact', '--since', _base(session), '--format', 'markdown', '--output', 'reports/impact.md'" in impact
