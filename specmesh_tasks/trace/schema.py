"""The JSON trace and impact reports as pydantic models; their JSON Schemas are shipped as
`specmesh_tasks/schemas/trace-report.schema.json` and `impact-report.schema.json`.

Regenerate after changing a model: `python -m specmesh_tasks.trace.schema --write` (a test fails
while a shipped file is stale). Imported only to generate or validate, never on a run.
"""

from __future__ import annotations

import json
import sys
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from specmesh_tasks.report.schema import Tool

_OPEN = ConfigDict(extra="allow")  # new keys may be added; these never change meaning
Result = Literal["passed", "failed", "skipped", "error"]
State = Literal["failing", "suspect", "not-run", "covered", "untested"]
UTC_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class PlanRef(BaseModel):
    """The generated line or block of a plan.md that shows the ID (`block` is its marker name)."""

    model_config = _OPEN
    file: str
    line: int = Field(ge=1)
    block: str


class TaskRef(BaseModel):
    """A tasks.md line citing the ID."""

    model_config = _OPEN
    id: str
    done: bool
    file: str
    line: int = Field(ge=1)


class TestResult(BaseModel):
    """A test citing the requirement (node ID; the file for a file-level tag) and its last result."""

    model_config = ConfigDict(extra="allow", title="Test")
    id: str
    file: str
    line: int = Field(ge=0)
    result: Result | None
    at: str | None = Field(pattern=UTC_TIME)


class Requirement(BaseModel):
    """One requirement row: its text and home, what cites it, and exactly one state."""

    model_config = _OPEN
    id: str
    kind: Literal["use-case", "fr", "sc", "fr-rule", "rule"]
    text: str
    file: str
    line: int = Field(ge=1)
    state: State
    reason: str
    plan: PlanRef | None
    tasks: list[TaskRef]
    tests: list[TestResult]


class StateCounts(BaseModel):
    model_config = _OPEN
    covered: int = Field(ge=0)
    failing: int = Field(ge=0)
    suspect: int = Field(ge=0)
    not_run: int = Field(ge=0, alias="not-run")
    untested: int = Field(ge=0)


class Summary(StateCounts):
    requirements: int = Field(ge=0)


class TaskCounts(BaseModel):
    model_config = _OPEN
    done: int = Field(ge=0)
    total: int = Field(ge=0)


class Feature(BaseModel):
    """A feature or fix (or the domain spec, holding the rules features cite) and its requirements."""

    model_config = _OPEN
    id: str
    title: str
    status: str
    file: str
    tasks: TaskCounts
    states: StateCounts
    requirements: list[Requirement]


class TraceReport(BaseModel):
    """`specmesh trace --format json` (schema 1)."""

    model_config = ConfigDict(extra="allow", title="specmesh-tasks trace report")
    schema_: Literal[1] = Field(alias="schema")
    tool: Tool
    root: str
    results: str
    summary: Summary
    features: list[Feature]


class Dependent(BaseModel):
    """A feature that depends on the ID and how."""

    model_config = _OPEN
    id: str
    file: str
    line: int = Field(ge=0)
    how: Literal["defines", "dependency", "reference", "feature-index"]


class CitingTest(BaseModel):
    model_config = ConfigDict(extra="allow", title="Test")
    id: str
    file: str
    line: int = Field(ge=0)


class MatrixEntry(BaseModel):
    model_config = _OPEN
    entry: str
    file: str
    line: int = Field(ge=0)


class Change(BaseModel):
    """One asked or changed ID and everything that depends on it."""

    model_config = _OPEN
    id: str
    kind: str
    change: Literal["added", "removed", "changed", "asked"]
    severity: Literal["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    file: str
    line: int = Field(ge=0)
    title: str
    diff: str
    features: list[Dependent]
    plans: list[PlanRef]
    tasks: list[TaskRef]
    tests: list[CitingTest]
    matrix: list[MatrixEntry]


class ImpactReport(BaseModel):
    """`specmesh impact --format json` (schema 1). `plans` and `tests` are filled with `--since`."""

    model_config = ConfigDict(extra="allow", title="specmesh-tasks impact report")
    schema_: Literal[1] = Field(alias="schema")
    tool: Tool
    root: str
    since: str | None
    changes: list[Change]
    plans: list[str]
    tests: list[str]


MODELS: dict[str, type[BaseModel]] = {
    "trace-report.schema.json": TraceReport,
    "impact-report.schema.json": ImpactReport,
}


def schema_text(name: str) -> str:
    """The JSON Schema (draft 2020-12, as pydantic writes it) of a shipped schema file."""
    schema = MODELS[name].model_json_schema(by_alias=True)
    return json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema},
                      indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """Print the schemas, or with `--write` update the shipped files."""
    from specmesh_tasks.fsutil import write_if_changed
    from specmesh_tasks.schemas import schema_path

    for name in MODELS:
        if "--write" in argv:
            changed = write_if_changed(schema_path(name), schema_text(name))
            print(f"{schema_path(name)}: {'updated' if changed else 'up to date'}", file=sys.stderr)
        else:
            sys.stdout.write(schema_text(name))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))

