"""The marker format of plan.md: the one definition of every specmesh plan marker.

Users' repositories hold these markers, so this grammar is stable (docs/plan-format.md is its
user-facing description). One marker per line, matched after the line ending and trailing
whitespace are removed::

    <!-- specmesh:plan v1 inputs=HASH -->          format marker, the line directly after the H1
    <!-- specmesh:begin NAME sha=HASH -->          column 0: start of a generated block
    <!-- specmesh:end NAME -->                     column 0: end of that block
    TEXT <!-- specmesh:NAME sha=HASH -->           one generated line (inside lists)

NAME is `[a-z0-9][a-z0-9._-]*`. HASH is `marker_hash` of the generated text: the first 12 hex
digits of SHA-256 over the text with LF line endings and trailing whitespace stripped from every
line, markers excluded. For a block the text is the lines strictly between its markers; for a
line it is TEXT. The format marker's `inputs=` HASH digests everything the plan is rendered from.

Templates write a block's begin marker unsealed (`<!-- specmesh:begin NAME -->`); the renderer
fills in the hash. Where markers count (not inside code) is the plan reader's business
(`parse/plan.py`).
"""

from __future__ import annotations

import re

from specmesh_tasks.fsutil import short_hash

FORMAT_VERSION = 1
NAME = r"[a-z0-9][a-z0-9._-]*"
HASH = r"[0-9a-f]{12}"
MARKER_TAG = "<!-- specmesh:"  # every marker contains it: a line without it needs no regex
FORMAT_TAG = MARKER_TAG + "plan "  # every format marker, of any version, starts with it

FORMAT_RE = re.compile(rf"^<!-- specmesh:plan v(\d+) inputs=({HASH}) -->$")
ANY_FORMAT_RE = re.compile(r"^<!-- specmesh:plan\b.*-->$")  # any version, any shape
BEGIN_RE = re.compile(rf"^<!-- specmesh:begin ({NAME}) sha=({HASH}) -->$")
OPEN_BEGIN_RE = re.compile(rf"^<!-- specmesh:begin ({NAME}) -->$")  # as a template writes it
END_RE = re.compile(rf"^<!-- specmesh:end ({NAME}) -->$")
LINE_RE = re.compile(rf"^(.*?)[ \t]*<!-- specmesh:({NAME}) sha=({HASH}) -->$")
NAME_RE = re.compile(NAME)


def marker_hash(text: str) -> str:
    """The HASH of generated text (see the module grammar)."""
    return short_hash(text)


def format_marker(inputs_hash: str, version: int = FORMAT_VERSION) -> str:
    """`<!-- specmesh:plan v1 inputs=HASH -->`."""
    return f"<!-- specmesh:plan v{version} inputs={inputs_hash} -->"


def begin_marker(name: str, sha: str) -> str:
    return f"<!-- specmesh:begin {name} sha={sha} -->"


def end_marker(name: str) -> str:
    return f"<!-- specmesh:end {name} -->"


def line_marker(name: str, sha: str) -> str:
    return f"<!-- specmesh:{name} sha={sha} -->"
