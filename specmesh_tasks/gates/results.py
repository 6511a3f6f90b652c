"""What a gates run returns: the checked items and every finding, and their rows in the cache.

`GateResult` is what the reports read; `result_rows` / `result_from_rows` turn it into the JSON
rows the run cache keeps and back, so a run served from the cache builds the same result without
loading the model or the rules. Rows are lists of field values in field order; reading one back
checks every field's type, so a damaged cache reads as "nothing kept", never as a wrong report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmesh_tasks.gates.finding import Finding, Reported, Severity

# The types a field of a row may have (`type(value)`, so a bool is not an int).
_STR: tuple[type, ...] = (str,)
_INT: tuple[type, ...] = (int,)
_BOOL: tuple[type, ...] = (bool,)
_OPTIONAL_STR: tuple[type, ...] = (str, type(None))
_SEVERITIES = frozenset(s.value for s in Severity)


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


def result_from_rows(root: str, run: dict[str, Any]) -> GateResult | None:
    """The result kept by `result_rows`, or None when any row is damaged."""
    items, findings = run.get("items"), run.get("findings")
    if type(items) is not list or type(findings) is not list or type(run.get("tool_version")) is not str:
        return None
    kept_items = [_item(row) for row in items]
    kept_findings = [_reported(row) for row in findings]
    if None in kept_items or None in kept_findings:
        return None
    return GateResult(root, run["tool_version"], tuple(i for i in kept_items if i is not None),
                      tuple(f for f in kept_findings if f is not None), from_cache=True)


def finding_row(f: Finding) -> list[Any]:
    """A rule's finding as a JSON row (the per-spec results of the cache)."""
    return [f.code, f.file, f.line, f.message, f.spec_id, f.severity.value if f.severity else None]


def finding_from_row(row: Any) -> Finding | None:
    """The finding kept by `finding_row`, or None when the row is damaged."""
    if not _shaped(row, (_STR, _STR, _INT, _STR, _OPTIONAL_STR, _OPTIONAL_STR)) or not _severity_ok(row[5]):
        return None
    return Finding(row[0], row[1], row[2], row[3], row[4], Severity(row[5]) if row[5] else None)


def _shaped(row: Any, fields: tuple[tuple[type, ...], ...]) -> bool:
    """A list with one value per field, each of one of that field's types."""
    if type(row) is not list or len(row) != len(fields):
        return False
    return all(type(value) in types for value, types in zip(row, fields, strict=True))


def _severity_ok(value: str | None) -> bool:
    return value is None or value in _SEVERITIES


def _item(row: Any) -> Item | None:
    return Item(*row) if _shaped(row, (_STR, _STR, _OPTIONAL_STR)) else None


def _reported(row: Any) -> Reported | None:
    if not _shaped(row, (_STR, _STR, _STR, _STR, _INT, _STR, _OPTIONAL_STR, _BOOL)) or not _severity_ok(row[2]):
        return None
    return Reported(row[0], row[1], Severity(row[2]), row[3], row[4], row[5], row[6], row[7])
