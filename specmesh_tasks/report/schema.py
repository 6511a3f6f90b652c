"""The JSON gate report as a pydantic model; its JSON Schema is shipped as
`specmesh_tasks/schemas/gates-report.schema.json`.

Regenerate after changing the model: `python -m specmesh_tasks.report.schema --write` (a test
fails while the shipped file is stale). Imported only to generate or validate, never on a run.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Tool(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: Literal["specmesh-tasks"]
    version: str


class Summary(BaseModel):
    """Counts: `specs` is every checked item (spec, plan, tasks, matrix, config, test file)."""

    model_config = ConfigDict(extra="allow")

    specs: int = Field(ge=0)
    passed: int = Field(ge=0)
    failed: int = Field(ge=0)
    errors: int = Field(ge=0)
    warnings: int = Field(ge=0)
    infos: int = Field(ge=0)
    suppressed: int = Field(ge=0)


class FindingModel(BaseModel):
    """One finding. `file` is root-relative with `/`; `line` is 1-based, 0 for the whole file."""

    model_config = ConfigDict(extra="allow", title="Finding")

    code: str = Field(pattern=r"^SM[1-5][0-9]{2}$")
    name: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    severity: Literal["error", "warning", "info"]
    file: str
    line: int = Field(ge=0)
    message: str
    spec_id: str | None
    suppressed: bool


class GatesReport(BaseModel):
    """`specmesh gates --format json` (schema 1). New keys may be added; these keep their meaning."""

    model_config = ConfigDict(extra="allow", title="specmesh-tasks gates report")

    schema_: Literal[1] = Field(alias="schema")
    tool: Tool
    root: str
    root_in_repository: str | None = Field(
        default=None, description="`root` relative to the git repository's top level, with `/` (\"\" when "
        "they are the same; null outside a repository): join it with a finding's `file` for a path "
        "from the repository root.")
    summary: Summary
    findings: list[FindingModel]


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report (draft 2020-12, as pydantic writes it)."""
    schema = GatesReport.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """Print the schema, or with `--write` update the shipped file."""
    from specmesh_tasks.fsutil import write_if_changed
    from specmesh_tasks.schemas import REPORT_SCHEMA, schema_path

    if "--write" in argv:
        changed = write_if_changed(schema_path(REPORT_SCHEMA), schema_text())
        print(f"{schema_path(REPORT_SCHEMA)}: {'updated' if changed else 'up to date'}", file=sys.stderr)
    else:
        sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
