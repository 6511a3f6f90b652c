"""What `specmesh trace` and `specmesh impact` report, as plain frozen data every formatter reads.

Paths are root-relative POSIX strings and lines 1-based, as everywhere in the model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum


class TraceState(str, Enum):
    """A requirement's one state, most urgent first (PRODUCT §10)."""

    FAILING = "failing"  # a citing test failed (or errored) in its last run
    SUSPECT = "suspect"  # its text, or its use case's, changed since a citing test last passed
    NOT_RUN = "not-run"  # cited, but no citing test has a passing result (never run, or skipped)
    COVERED = "covered"  # cited by tests whose last results passed
    UNTESTED = "untested"  # no test cites it


STATES: tuple[TraceState, ...] = tuple(TraceState)


@dataclass(frozen=True, slots=True)
class TestRef:
    """A test citing a requirement: its node ID (or file, for a file-level tag) and last result."""

    __test__ = False  # not a pytest class

    id: str
    file: str
    line: int  # the line of the citing tag or marker
    result: str | None  # passed | failed | skipped | error; None when never run
    at: str | None  # when that result was recorded (ISO 8601 UTC), None when unknown


@dataclass(frozen=True, slots=True)
class TaskRef:
    """A task line of a tasks.md citing a requirement."""

    id: str
    done: bool
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class PlanRef:
    """Where a plan.md shows an ID: the generated line or block (`block` is its marker name)."""

    file: str
    line: int
    block: str


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement row of the matrix."""

    id: str
    kind: str  # use-case | fr | sc | fr-rule | rule
    text: str
    file: str
    line: int
    state: TraceState
    reason: str  # why it has that state, in a few words
    tests: tuple[TestRef, ...] = ()
    tasks: tuple[TaskRef, ...] = ()
    plan: PlanRef | None = None


@dataclass(frozen=True, slots=True)
class FeatureTrace:
    """A feature or fix (or the domain spec, for the rules features cite) with its requirements."""

    id: str
    title: str
    status: str
    file: str
    tasks_done: int
    tasks_total: int
    requirements: tuple[Requirement, ...]

    def states(self) -> dict[str, int]:
        """Requirements by state, every state listed."""
        counts = Counter(r.state for r in self.requirements)
        return {s.value: counts[s] for s in STATES}


@dataclass(frozen=True, slots=True)
class TraceReport:
    """The whole traceability matrix."""

    root: str
    version: str
    features: tuple[FeatureTrace, ...]
    results_from: str  # "recorded runs" or the JUnit files read

    def states(self) -> dict[str, int]:
        """Requirements of the whole tree by state, every state listed."""
        counts: Counter[str] = Counter()
        for feature in self.features:
            counts.update(feature.states())
        return {s.value: counts[s.value] for s in STATES}

    def requirements(self) -> list[tuple[FeatureTrace, Requirement]]:
        return [(f, r) for f in self.features for r in f.requirements]


# ----------------------------------------------------------------------------------- impact


class Severity(str, Enum):
    """The change workflow's severity of an impact."""

    CRITICAL = "CRITICAL"  # three or more features affected
    HIGH = "HIGH"  # one or two features
    MEDIUM = "MEDIUM"  # no feature, but matrix entries
    LOW = "LOW"  # nothing depends on it


SEVERITY_ORDER: tuple[Severity, ...] = tuple(Severity)


def severity_of(features: int, matrix: int) -> Severity:
    """`CRITICAL` >= 3 features, `HIGH` 1-2, `MEDIUM` matrix only, `LOW` none."""
    if features >= 3:
        return Severity.CRITICAL
    if features:
        return Severity.HIGH
    return Severity.MEDIUM if matrix else Severity.LOW


@dataclass(frozen=True, slots=True)
class Dependent:
    """A feature that depends on the changed ID, where, and how (`defines`, `dependency`,
    `feature-index`, `reference`)."""

    id: str
    file: str
    line: int
    how: str


@dataclass(frozen=True, slots=True)
class MatrixRef:
    """An entry of cross-reference.json that names the ID (`features/S-LOAN-001`)."""

    entry: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Impact:
    """Everything that depends on one ID."""

    id: str
    kind: str
    change: str  # added | removed | changed | asked
    severity: Severity
    file: str  # where it is defined ("" when nowhere, e.g. removed)
    line: int
    title: str
    diff: str  # a short text diff of its definition (--since), "" otherwise
    features: tuple[Dependent, ...] = ()
    plans: tuple[PlanRef, ...] = ()
    tasks: tuple[TaskRef, ...] = ()
    tests: tuple[TestRef, ...] = ()
    matrix: tuple[MatrixRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ImpactReport:
    """`specmesh impact`: one Impact per asked or changed ID."""

    root: str
    version: str
    since: str | None
    changes: tuple[Impact, ...]
    rerendered: tuple[str, ...] = ()  # plan.md files `specmesh plan` would re-render (--since)
    selected: tuple[str, ...] = ()  # tests `specmesh test --since REF` selects for spec reasons

    def worst(self) -> Severity | None:
        """The most severe impact, None without changes."""
        found = {c.severity for c in self.changes}
        return next((s for s in SEVERITY_ORDER if s in found), None)
