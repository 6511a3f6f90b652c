"""The pydantic schema of `.specify/specmesh.yaml` (contract §1). Imported only on validation."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

Severity = Literal["error", "warning", "info", "off"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PlanConfig(_Strict):
    allowed_statuses: list[str] = ["Approved", "Implemented"]
    template: str | None = None


class TestsConfig(_Strict):
    __test__ = False
    paths: list[str] | None = None
    sources: list[str] = ["."]
    command: str | None = None
    granularity: Literal["recorded", "file", "definition"] = "file"
    # data files tests read: glob -> the test files (globs) that read them, or "all"
    data: dict[str, list[str] | Literal["all"]] = {}


class SpecsConfig(_Strict):
    statuses: list[str] = ["Draft", "In Review", "Clarified", "Approved", "Implemented", "Deprecated", "Superseded"]
    id_patterns: dict[str, str] = {}

    @field_validator("id_patterns")
    @classmethod
    def _compiles(cls, patterns: dict[str, str]) -> dict[str, str]:
        from specmesh_tasks.model.ids import IdKind

        kinds = {k.value for k in IdKind}
        for kind, pattern in patterns.items():
            if kind not in kinds:
                raise ValueError(f"unknown ID kind '{kind}' (one of {', '.join(sorted(kinds))})")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern for '{kind}' is not a valid regex: {exc}") from None
        return patterns


class GatesConfig(_Strict):
    rules: dict[str, Severity] = {}
    strict: bool = False


class ConfigModel(_Strict):
    """The whole file; every key optional, unknown keys rejected."""

    plan: PlanConfig = PlanConfig()
    tests: TestsConfig = TestsConfig()
    specs: SpecsConfig = SpecsConfig()
    gates: GatesConfig = GatesConfig()
