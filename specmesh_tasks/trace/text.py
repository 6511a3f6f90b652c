"""The text forms of the trace and impact reports (the default `--format text`).

trace: a compact table per feature (ID, state, tests, tasks, line, text), then every requirement
that is not covered with its file:line and why, then one closing line of counts. impact: per ID
its severity and what depends on it, each with file:line; with `--since`, the short diff of each
changed definition, then the plans `specmesh plan` would re-render and the tests `specmesh test
--since` would select for spec reasons.
"""

from __future__ import annotations

from specmesh_tasks.trace.model import (
    STATES,
    FeatureTrace,
    Impact,
    ImpactReport,
    TraceReport,
    TraceState,
)

TEXT_WIDTH = 60


def clip(text: str, width: int = TEXT_WIDTH) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def counts_line(states: dict[str, int]) -> str:
    """`12 requirements: 9 covered, 1 suspect, 2 untested` (zero counts left out)."""
    total = sum(states.values())
    parts = [f"{states[s.value]} {s.value}" for s in STATES if states[s.value]]
    return f"{total} requirement{'s' if total != 1 else ''}" + (": " + ", ".join(parts) if parts else "")


def format_trace(report: TraceReport) -> str:
    """Tables per feature, then what is not covered, then the counts."""
    out: list[str] = []
    for feature in report.features:
        out.extend(_feature(feature))
        out.append("")
    missing = [(f, r) for f, r in report.requirements() if r.state is not TraceState.COVERED]
    if missing:
        out.append(f"not covered ({len(missing)}):")
        out.extend(f"  {r.file}:{r.line}: {r.id} {r.state.value}: {r.reason}" for _f, r in missing)
        out.append("")
    out.append(f"{counts_line(report.states())} (test results: {report.results_from})")
    return "\n".join(out) + "\n"


def _feature(feature: FeatureTrace) -> list[str]:
    status = f" ({feature.status})" if feature.status else ""
    tasks = f" · tasks {feature.tasks_done}/{feature.tasks_total} done" if feature.tasks_total else ""
    lines = [f"{feature.id} {feature.title}{status} — {feature.file}",
             f"  {counts_line(feature.states())}{tasks}"]
    if not feature.requirements:
        return lines
    width = max(len(r.id) for r in feature.requirements)
    lines.append(f"  {'ID':<{width}}  {'STATE':<8}  TESTS  TASKS  {'LINE':>5}  TEXT")
    for r in feature.requirements:
        done = sum(1 for t in r.tasks if t.done)
        tasks = f"{done}/{len(r.tasks)}" if r.tasks else "-"
        lines.append(f"  {r.id:<{width}}  {r.state.value:<8}  {len(r.tests):>5}  {tasks:>5}  {r.line:>5}  "
                     + clip(r.text))
    return lines


def format_impact(report: ImpactReport) -> str:
    """Per ID: severity and dependents; with --since the diffs, plans and tests to redo."""
    out: list[str] = []
    if report.since is not None:
        count = len(report.changes)
        out += [f"since {report.since}: {count} definition{'s' if count != 1 else ''} changed", ""]
    for change in report.changes:
        out.extend(_impact(change, report.since is not None))
        out.append("")
    if report.since is not None:
        out.append(f"plans re-rendered ({len(report.rerendered)}):")
        out.extend(f"  {p}" for p in report.rerendered)
        out.append(f"tests selected for spec reasons ({len(report.selected)}):")
        out.extend(f"  {t}" for t in report.selected)
    worst = report.worst()
    out.append(f"impact: {worst.value if worst else 'nothing changed'}")
    return "\n".join(out) + "\n"


def _impact(c: Impact, with_change: bool) -> list[str]:
    where = f"{c.file}:{c.line}" if c.file else "defined nowhere now"
    title = f' "{clip(c.title, 50)}"' if c.title else ""
    change = f" {c.change}" if with_change else ""
    lines = [f"{c.id}{change} ({c.kind}{title}, {where}): {c.severity.value} — "
             f"{len(c.features)} feature{'s' if len(c.features) != 1 else ''}"]
    lines += [f"    {line}" for line in c.diff.splitlines()]
    sections = [
        ("features", [f"{f.id} ({f.how}) {f.file}:{f.line}" for f in c.features]),
        ("plans", [f"{p.file}:{p.line} {p.block}".rstrip() for p in c.plans]),
        ("tasks", [f"{t.id} [{'x' if t.done else ' '}] {t.file}:{t.line}" for t in c.tasks]),
        ("tests", [f"{t.id} {t.file}:{t.line}" for t in c.tests]),
        ("matrix", [f"{m.entry} {m.file}:{m.line}" for m in c.matrix]),
    ]
    for name, items in sections:
        if items:
            lines.append(f"  {name} ({len(items)}):")
            lines.extend(f"    {item}" for item in items)
    return lines
