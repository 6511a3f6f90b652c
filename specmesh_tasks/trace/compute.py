"""The data behind each report, from the stored snapshot when no input changed, else computed.

`trace_report_data` is the trace report as JSON data (`json_report.trace_data`); `impact_index` the
inverted tree impact answers from (`impact.ImpactIndex`). Both are kept by `trace/snapshot.py`
under a key over every input's freshness stamp, so a run with nothing changed reads one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.trace import snapshot
from specmesh_tasks.trace.impact import ImpactIndex, build_index, index_from_data
from specmesh_tasks.trace.sources import Sources, input_paths, read_sources

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

RECORDED = "recorded runs"


def trace_report_data(root: Path, settings: Settings, version: str, *, results: Sequence[str] = (),
                      features: Sequence[str] = ()) -> dict[str, Any]:
    """The trace report of the tree as JSON data; test results from the JUnit files matching
    `results`, else from `specmesh test`'s records; only `features` when given (not stored)."""
    from specmesh_tasks.affected.record import STATE_NAME
    from specmesh_tasks.affected.results import RESULTS_NAME
    from specmesh_tasks.state import cache_dir
    from specmesh_tasks.trace.junit import expand

    junit = [str(p.resolve()) for p in expand(results)] if results else []
    recorded = [str(cache_dir(root) / STATE_NAME), str(cache_dir(root) / RESULTS_NAME)]
    from specmesh_tasks.trace.json_report import DATA_VERSION

    layout = f"trace\0{DATA_VERSION}\0{version}\0{junit}"
    key = None if features else snapshot.inputs_key(root, [*input_paths(root, settings), *recorded, *junit], layout)
    data = snapshot.read(root, "trace", key)
    if data is None:
        data = _computed(root, settings, version, junit, features)
        snapshot.write(root, "trace", key, data)
    return dict(data)


def _computed(root: Path, settings: Settings, version: str, junit: list[str], features: Sequence[str],
              ) -> dict[str, Any]:
    from specmesh_tasks.trace.build import build_trace
    from specmesh_tasks.trace.json_report import trace_data

    sources = read_sources(root, settings)
    check_features(sources, features)
    found, origin = recorded_or_junit(root, sources, junit)
    report = build_trace(sources, found, features=features, results_from=origin, version=version)
    return trace_data(report)


def check_features(sources: Sources, features: Sequence[str]) -> None:
    """Every `--feature` must name a feature or fix (UserError with a near miss)."""
    from specmesh_tasks.errors import UserError
    from specmesh_tasks.suggest import did_you_mean

    known = [s.spec_id for s in sources.features() if s.spec_id]
    for feature in features:
        if feature not in known:
            raise UserError(f"error: trace --feature {feature}: no such feature or fix"
                            + did_you_mean(feature, known, ""))


def recorded_or_junit(root: Path, sources: Sources, junit: list[str]) -> tuple[dict[str, Any], str]:
    """Last results: from the JUnit files, else from the runs `specmesh test` recorded."""
    if not junit:
        from specmesh_tasks.affected.results import last_results

        return dict(last_results(root)), RECORDED
    from specmesh_tasks.discover import test_file_paths
    from specmesh_tasks.trace.junit import read_junit

    known = {c.file for c in sources.citations} | set(test_file_paths(root))
    shown = [_shown(root, path) for path in junit]
    return dict(read_junit([Path(p) for p in junit], known)), ", ".join(shown)


def _shown(root: Path, path: str) -> str:
    """A JUnit file's path as the report names it: relative to the root when inside it."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def impact_index(root: Path, settings: Settings, version: str) -> ImpactIndex:
    """The inverted tree impact answers from (stored while no spec, plan, tasks or test file changed)."""
    from specmesh_tasks.trace.impact import INDEX_VERSION

    key = snapshot.inputs_key(root, input_paths(root, settings), f"impact\0{INDEX_VERSION}\0{version}")
    data = snapshot.read(root, "impact", key)
    if data is not None:
        return index_from_data(data)
    index = build_index(read_sources(root, settings))
    snapshot.write(root, "impact", key, index.as_data())
    return index
