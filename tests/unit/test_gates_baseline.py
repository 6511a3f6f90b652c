"""Baselines: today's findings recorded, then only new ones reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specmesh_tasks.errors import UserError
from specmesh_tasks.gates.baseline import apply_baseline, load_baseline, render_baseline
from specmesh_tasks.gates.finding import Reported, Severity


def _reported(code: str, file: str, line: int, message: str) -> Reported:
    return Reported(code, "x", Severity.ERROR, file, line, message, None)


def test_baseline_matches_by_code_file_and_message_not_line(tmp_path: Path) -> None:
    old = [_reported("SM204", "a.md", 10, "M-FOO is referenced but defined nowhere")]
    path = tmp_path / "baseline.json"
    path.write_text(render_baseline(old), encoding="utf-8")
    moved = _reported("SM204", "a.md", 14, "M-FOO is referenced but defined nowhere")
    new = _reported("SM204", "a.md", 15, "M-BAR is referenced but defined nowhere")
    kept, covered = apply_baseline([moved, new], load_baseline(path))
    assert (kept, covered) == ([new], 1)
    # One recorded finding absorbs one finding, not every copy of it.
    kept, covered = apply_baseline([moved, moved], load_baseline(path))
    assert (len(kept), covered) == (1, 1)


def test_baseline_file_is_stable_json(tmp_path: Path) -> None:
    findings = [_reported("SM204", "b.md", 3, "y"), _reported("SM101", "a.md", 9, "x"),
                _reported("SM204", "b.md", 7, "y")]
    data = json.loads(render_baseline(findings))
    assert data == {"schema": 1, "findings": [
        {"code": "SM101", "file": "a.md", "message": "x", "count": 1},
        {"code": "SM204", "file": "b.md", "message": "y", "count": 2}]}


@pytest.mark.parametrize("content", [None, "not json", '{"schema": 9, "findings": []}'])
def test_bad_baseline_is_a_one_line_user_error(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_baseline(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
