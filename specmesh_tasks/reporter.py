"""doit reporter that keeps stdout for machine formats.

doit's console reporter writes its progress lines (`.  gates`) to stdout, which would corrupt
`specmesh gates --format json > r.json`. This one sends every progress line to stderr.
"""

from __future__ import annotations

import sys
from typing import Any

from doit.reporter import ConsoleReporter


class SpecmeshReporter(ConsoleReporter):  # type: ignore[misc]  # doit ships no type hints
    """doit's console reporter, writing to stderr."""

    desc = "console output on stderr (stdout is left to machine-readable reports)"

    def __init__(self, outstream: Any, options: dict[str, Any]) -> None:
        super().__init__(sys.stderr, options)
