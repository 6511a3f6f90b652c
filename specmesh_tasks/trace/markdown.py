"""The Markdown forms: a pull request comment or `$GITHUB_STEP_SUMMARY`.

Sized for a comment (GitHub refuses bodies over 65,536 characters): every list is capped and
ends with "… and N more", so a tree of a thousand features still gives a short page.

trace: a summary table of states, a table per feature (the features with most left to do first),
then only what is not covered, by state. impact: the worst severity first, a table of changes,
then per change what depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from specmesh_tasks.trace.model import (
    SEVERITY_ORDER,
    STATES,
    FeatureTrace,
    Impact,
    ImpactReport,
    TraceReport,
    TraceState,
)
from specmesh_tasks.trace.text import clip

MAX_FEATURES = 30
MAX_ITEMS = 20


def cell(text: str) -> str:
    """Text safe inside a table cell or list item: one line, pipes and markup escaped."""
    out = " ".join(text.split())
    for char in "\\|*_`[]<>#":
        out = out.replace(char, "\\" + char)
    return out


def code(text: str) -> str:
    """`text` as a code span (backticks inside are avoided by doubling the fence)."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def capped(items: Sequence[str], limit: int = MAX_ITEMS) -> list[str]:
    """At most `limit` lines, then "… and N more"."""
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"- … and {len(items) - limit} more")
    return shown


def format_trace(report: TraceReport) -> str:
    """Summary table first, then per feature, then what is not covered."""
    states = report.states()
    total = sum(states.values())
    out = [f"## Traceability: {states['covered']} of {total} requirements covered", "",
           "| " + " | ".join(s.value for s in STATES) + " |", "|" + "---:|" * len(STATES),
           "| " + " | ".join(str(states[s.value]) for s in STATES) + " |", ""]
    out += _features_table(report.features)
    missing = [(f, r) for f, r in report.requirements() if r.state is not TraceState.COVERED]
    if missing:
        out += ["", "### Not covered"]
    for state in STATES:
        rows = [f"- {code(r.id)} {cell(clip(r.text))} — {cell(r.reason)} · {code(f'{r.file}:{r.line}')}"
                for _f, r in missing if r.state is state]
        if rows:
            out += ["", f"#### {state.value} ({len(rows)})", "", *capped(rows)]
    out += ["", f"<sub>test results: {cell(report.results_from)}</sub>"]
    return "\n".join(out) + "\n"


def _features_table(features: Sequence[FeatureTrace]) -> list[str]:
    if not features:
        return ["No feature or fix specs."]
    ranked = sorted(features, key=lambda f: -sum(v for k, v in f.states().items() if k != "covered"))
    out = ["| Feature | " + " | ".join(s.value for s in STATES) + " | tasks |",
           "|---|" + "---:|" * (len(STATES) + 1)]
    for feature in ranked[:MAX_FEATURES]:
        counts = feature.states()
        tasks = f"{feature.tasks_done}/{feature.tasks_total}" if feature.tasks_total else "–"
        out.append(f"| {code(feature.id)} {cell(clip(feature.title, 40))} | "
                   + " | ".join(str(counts[s.value]) for s in STATES) + f" | {tasks} |")
    if len(ranked) > MAX_FEATURES:
        out += ["", f"… and {len(ranked) - MAX_FEATURES} more features"]
    return out


def format_impact(report: ImpactReport) -> str:
    """Severity first, then the table of changes, then details per change."""
    worst = report.worst()
    since = f" since {code(report.since)}" if report.since else ""
    out = [f"## Impact{since}: {worst.value if worst else 'nothing changed'}", ""]
    if report.changes:
        out += ["| severity | ID | change | features | plans | tasks | tests | matrix |",
                "|---|---|---|---:|---:|---:|---:|---:|"]
        ordered = sorted(report.changes, key=lambda c: (SEVERITY_ORDER.index(c.severity), c.id))
        for c in ordered[:MAX_ITEMS]:
            out.append(f"| **{c.severity.value}** | {code(c.id)} | {c.change} | {len(c.features)} | "
                       f"{len(c.plans)} | {len(c.tasks)} | {len(c.tests)} | {len(c.matrix)} |")
        if len(ordered) > MAX_ITEMS:
            out += ["", f"… and {len(ordered) - MAX_ITEMS} more changes"]
        for c in ordered[:MAX_ITEMS]:
            out += ["", *_details(c)]
    else:
        out.append("No spec definition changed." if report.since else "No ID asked.")
    if report.since is not None:
        out += ["", f"**Plans re-rendered** ({len(report.rerendered)})",
                *(["", *capped([f"- {code(p)}" for p in report.rerendered])] if report.rerendered else []),
                "", f"**Tests selected for spec reasons** ({len(report.selected)})",
                *(["", *capped([f"- {code(t)}" for t in report.selected])] if report.selected else [])]
    return "\n".join(out) + "\n"


def _details(c: Impact) -> list[str]:
    where = f" · {code(f'{c.file}:{c.line}')}" if c.file else ""
    title = f" {cell(clip(c.title, 60))}" if c.title else ""
    out = [f"### {code(c.id)}{title} — {c.severity.value}{where}"]
    if c.diff:
        fence = "````" if "```" in c.diff else "```"
        out += ["", f"{fence}diff", *c.diff.splitlines(), fence]
    features = [f"- {code(f.id)} ({f.how}) · {code(f'{f.file}:{f.line}')}" for f in c.features]
    if features:
        out += ["", "Features:", "", *capped(features)]
    others = [f"{len(c.plans)} plan lines", f"{len(c.tasks)} tasks", f"{len(c.tests)} tests",
              f"{len(c.matrix)} matrix entries"]
    out += ["", "Also: " + ", ".join(others) + "."]
    return out
