"""The gate report every formatter renders: items with pass/fail, findings, the summary.

An item (a checked file) *fails* when it has an unsuppressed error, or under `--strict` an
unsuppressed warning; infos, suppressed and baselined findings never fail it (contract §5).

Paths: findings carry paths relative to the spec root. When the spec root is a subdirectory of a
git repository (a monorepo, `specmesh --root DIR`), the reports people and tools open from the
repository - text, JUnit, SARIF, GitHub annotations - show paths from the repository root
(`GateReport.path`), so a GitHub annotation lands on the file and a path pastes from the
repository's top. The JSON report keeps the contract's root-relative `file` and says where the
root sits in the repository (`root_in_repository`).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

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
    # The spec root relative to the git repository's top level, with `/` ("" when they are the
    # same directory, None outside a repository).
    root_in_repository: str | None = ""

    def path(self, file: str) -> str:
        """`file` (relative to the spec root) as a path from the repository root."""
        return f"{self.root_in_repository}/{file}" if self.root_in_repository else file

    @property
    def repository_root(self) -> str:
        """The directory paths from `path` start in (the spec root outside a repository)."""
        depth = len(self.root_in_repository.split("/")) if self.root_in_repository else 0
        return str(Path(self.root).resolve().parents[depth - 1]) if depth else self.root

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


def build_report(result: GateResult, *, strict: bool = False, findings: tuple[Reported, ...] | None = None,
                 baselined: int = 0, in_repository: str | None = "") -> GateReport:
    """Decide pass/fail per item and count; `findings` replaces the result's (after a baseline);
    `in_repository` is `root_in_repository(result.root)` where paths should start at the repository."""
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
    return GateReport(result.root, result.version, results, tuple(kept), summary, strict, baselined,
                      in_repository)


def root_in_repository(root: str) -> str | None:
    """`root` relative to the top level of the git repository holding it, with `/` ("" when it is
    the top level; None when no directory from `root` up holds `.git`, a directory or, in a
    worktree or submodule, a file)."""
    start = Path(root).resolve()
    for top in (start, *start.parents):
        if os.path.lexists(top / ".git"):
            inside = start.relative_to(top).as_posix()
            return "" if inside == "." else inside
    return None
