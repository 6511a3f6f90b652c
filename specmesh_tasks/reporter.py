"""The default reporter of the bundled tasks: progress on stderr, stdout left to reports.

doit's console reporter writes its progress lines (`.  gates`) to stdout, which would corrupt
`specmesh gates --format json > r.json`. This one writes to stderr: on a terminal one status line
rewritten in place (notes and failures above it), elsewhere doit's console lines (`.  plan:X`
for a task that ran, `-- plan:X` for one up to date) with no control characters
(`reporter_progress` holds the machinery).
"""

from __future__ import annotations

from specmesh_tasks.reporter_progress import ProgressReporter


class SpecmeshReporter(ProgressReporter):
    """The status line on a terminal, doit's console lines elsewhere; always on stderr."""

    desc = "progress on stderr: a status line on a terminal, doit's console lines elsewhere"
    summary_in_plain = False  # CI logs read as doit's always have
    list_uptodate = True
