"""What a gates run returns: the checked items and every finding, and their rows in the cache.

`GateResult` is what the reports read; `result_rows` / `result_from_rows` turn it into the JSON
rows the run cache keeps and back, so a run served from the cache builds the same result without
loading the model or the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmesh_tasks.gates.finding import Reported, Severity


@dataclass(frozen=True, slots=True)
class Item:
    """A checked file: spec, plan, tasks, matrix, config, test (or other, for a stray finding)."""

    file: str
    kind: str
    spec_id: str | None = None


@dataclass(frozen=True, slots=True)
class GateResult:
    """Everything a report needs: the checked items and every finding (suppressed ones too)."""

    root: str
    version: str
    items: tuple[Item, ...]
    findings: tuple[Reported, ...]
    from_cache: bool = False


def tool_version() -> str:
    """The installed specmesh-tasks version, recorded with every result."""
    import specmesh_tasks

    return str(specmesh_tasks.__version__)


def result_rows(result: GateResult) -> dict[str, Any]:
    """The result as JSON rows: `items` and `findings` as lists of field values."""
    return {
        "tool_version": result.version,
        "items": [[i.file, i.kind, i.spec_id] for i in result.items],
        "findings": [[f.code, f.name, f.severity.value, f.file, f.line, f.message, f.spec_id, f.suppressed]
                     for f in result.findings],
    }


def result_from_rows(root: str, run: dict[str, Any]) -> GateResult:
    """The result kept by `result_rows` (raises TypeError/ValueError/KeyError when damaged)."""
    items = tuple(Item(*row) for row in run["items"])
    findings = tuple(Reported(r[0], r[1], Severity(r[2]), r[3], r[4], r[5], r[6], r[7])
                     for r in run["findings"])
    return GateResult(root, str(run.get("tool_version", "")), items, findings, from_cache=True)
