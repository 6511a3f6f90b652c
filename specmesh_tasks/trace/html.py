"""The trace report as one self-contained HTML page (`--format html`).

Everything is inline — the stylesheet `page.css`, the script `page.js` and the matrix as JSON —
and a Content-Security-Policy forbids any fetch, so the page works offline and as a CI artifact.
Rows are requirements; cells are their tests and tasks, each with a coloured badge that also
says its state or result in words. The script filters by feature and state, searches, sorts by
any column, and renders the matching rows in pages of 500 so a tree of a thousand features stays
responsive. Filters live in the URL fragment (`#state=untested,failing&feature=S-LOAN-001&q=fee
&sort=state`), read on load, so a link can open the page already filtered.

It is made from the report's JSON form (the stored report is rendered without building objects).
The matrix is embedded compactly (file paths once, in a table; states by index) to keep a large
tree's page small. Links to files are relative to the page (`link_base`: the way from the page's
folder to the project root), with `#L<line>` as code hosts number lines.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from specmesh_tasks.trace.model import STATES

_HERE = Path(__file__).resolve().parent
_SKELETON = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; img-src data:">
<title>Traceability — {title}</title>
<style>
{css}</style>
</head>
<body>
<header>
<h1>Traceability — {title}</h1>
<p class="meta">{meta}</p>
<div id="summary" aria-label="requirements by state"></div>
</header>
<div id="controls">
<label>Feature <select id="feature"><option value="">all features</option></select></label>
<fieldset id="states"><legend>State</legend></fieldset>
<label>Search <input id="q" type="search" placeholder="ID, text, test, task"></label>
<span id="count" aria-live="polite"></span>
</div>
<table id="matrix">
<thead><tr>
<th data-sort="id" scope="col">Requirement</th>
<th data-sort="feature" scope="col">Feature</th>
<th data-sort="state" scope="col">State</th>
<th data-sort="text" scope="col">Text</th>
<th data-sort="tests" scope="col">Tests</th>
<th data-sort="tasks" scope="col">Tasks</th>
<th data-sort="plan" scope="col">Plan</th>
</tr></thead>
<tbody id="rows"></tbody>
</table>
<p><button id="more" type="button" hidden>Show more</button></p>
<script type="application/json" id="data">{data}</script>
<script>
{js}</script>
</body>
</html>
"""


def page_data(report: dict[str, Any], link_base: str) -> dict[str, Any]:
    """The matrix as compact JSON data for the script, from the report's JSON form
    (`json_report.trace_data`): file paths in one table, states by index."""
    files: dict[str, int] = {}

    def f(path: str) -> int:
        number = files.get(path)
        if number is None:
            number = files[path] = len(files)
        return number

    state_index = {s.value: i for i, s in enumerate(STATES)}
    features, reqs = [], []
    for n, feature in enumerate(report["features"]):
        features.append([feature["id"], feature["title"], feature["status"], f(feature["file"]),
                         feature["tasks"]["done"], feature["tasks"]["total"]])
        for r in feature["requirements"]:
            tests = [[t["id"].partition("::")[2], f(t["file"]), t["line"], t["result"], t["at"]] for t in r["tests"]]
            tasks = [[t["id"], int(t["done"]), f(t["file"]), t["line"]] for t in r["tasks"]]
            plan = r["plan"]
            reqs.append([n, r["id"], r["kind"], r["text"], f(r["file"]), r["line"], state_index[r["state"]],
                         r["reason"], tests, tasks, [f(plan["file"]), plan["line"], plan["block"]] if plan else None])
    return {"base": link_base, "states": [s.value for s in STATES], "files": list(files),
            "features": features, "reqs": reqs}


def format_trace(report: dict[str, Any], link_base: str = "") -> str:
    """The whole page, from the report's JSON form."""
    data = json.dumps(page_data(report, link_base), ensure_ascii=False, separators=(",", ":"))
    title = escape(Path(report["root"]).name or report["root"])
    meta = escape(f"test results: {report['results']} · specmesh-tasks {report['tool']['version']}".rstrip())
    # `</` inside a script element would end it early: JSON allows the escaped form.
    return _SKELETON.format(title=title, meta=meta, css=_asset("page.css"), js=_asset("page.js"),
                            data=data.replace("</", "<\\/"))


def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")
