"""JSON Schemas shipped with the package.

- `cross-reference.schema.json`: the matrix (`cross-reference.json`), written by hand; the gates
  validate matrices against it with the jsonschema package (`gates/rules/matrix.py`).
- `gates-report.schema.json`: the JSON gate report, generated from the pydantic model in
  `specmesh_tasks.report.schema` (`python -m specmesh_tasks.report.schema --write` regenerates it;
  a test fails when it is stale).
- `trace-report.schema.json` and `impact-report.schema.json`: the JSON forms of `specmesh trace`
  and `specmesh impact`, generated from `specmesh_tasks.trace.schema`
  (`python -m specmesh_tasks.trace.schema --write`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent
MATRIX_SCHEMA = "cross-reference.schema.json"
REPORT_SCHEMA = "gates-report.schema.json"
TRACE_SCHEMA = "trace-report.schema.json"
IMPACT_SCHEMA = "impact-report.schema.json"


def schema_path(name: str) -> Path:
    """The shipped schema file of that name."""
    return SCHEMA_DIR / name


def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema as data."""
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data
