"""The gate report every formatter renders: items with pass/fail, findings, the summary.

An item (a checked file) *fails* when it has an unsuppressed error, or under `--strict` an
unsuppressed warning; infos, suppressed and baselined findings never fail it (contract §5).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from specmesh_tasks.gates.finding import Reported, Severity
from specmesh_tasks.gates.results import GateResult, Item

TOOL_NAME = "specmesh-tasks"


@dataclass(frozen=True, slots=True)
class ItemResult:
    file: str
    kind: str
    spec_id: str | None
    failed: bool


@dataclass(frozen=True, slots=True)
class Summary:
    specs: int  # every checked item (specs, plans, tasks, matrix, config, tests)
    passed: int
    failed: int
    errors: int
    warnings: int
    infos: int
    suppressed: int


@dataclass(frozen=True, slots=True)
class GateReport:
    root: str
    version: str
    items: tuple[ItemResult, ...]
    findings: tuple[Reported, ...]  # sorted by file, line, code; suppressed included
    summary: Summary
    strict: bool = False
    baselined: int = 0

    @property
    def ok(self) -> bool:
        return self.summary.failed == 0

    def failing(self, f: Reported) -> bool:
        """True when this finding fails its item."""
        return fails(f, self.strict)


def fails(f: Reported, strict: bool) -> bool:
    if f.suppressed:
        return False
    return f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)


def build_report(result: GateResult, *, strict: bool = False,
                 findings: tuple[Reported, ...] | None = None, baselined: int = 0) -> GateReport:
    """Decide pass/fail per item and count; `findings` replaces the result's (after a baseline)."""
    kept = result.findings if findings is None else findings
    failed_files = {f.file for f in kept if fails(f, strict)}
    items = [*result.items]
    known = {i.file for i in items}
    items += [Item(f.file, "other", f.spec_id) for f in kept if f.file not in known]
    results = tuple(sorted({i.file: ItemResult(i.file, i.kind, i.spec_id, i.file in failed_files)
                            for i in items}.values(), key=lambda i: i.file))
    visible = Counter(f.severity for f in kept if not f.suppressed)
    n_failed = sum(1 for i in results if i.failed)
    summary = Summary(len(results), len(results) - n_failed, n_failed, visible[Severity.ERROR],
                      visible[Severity.WARNING], visible[Severity.INFO], sum(1 for f in kept if f.suppressed))
    return GateReport(result.root, result.version, results, tuple(kept), summary, strict, baselined)
