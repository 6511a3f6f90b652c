"""What a gate rule reports: a `Finding` at `file:line`, and the severities it can carry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reports of a cached run are made without loading the model
    from specmesh_tasks.model.spec import Location


class Severity(str, Enum):
    """How much a finding matters. Only errors (and warnings under `--strict`) fail an item."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Rule families by the first digit of the code (contract §5).
FAMILIES: dict[str, str] = {
    "1": "clarify",
    "2": "structure",
    "3": "matrix",
    "4": "plan-tasks",
    "5": "traceability",
}


def family_of(code: str) -> str:
    """`SM204` -> `structure`."""
    return FAMILIES.get(code[2:3], "other")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by a rule.

    `severity` is left None by most rules (the catalogue's default applies); a rule whose
    severity depends on the spec (an open question is an error only in an Approved spec) sets it.
    A severity configured in specmesh.yaml always wins over both.
    """

    code: str
    file: str  # root-relative POSIX path
    line: int  # 1-based; 0 = the whole file
    message: str
    spec_id: str | None = None
    severity: Severity | None = None

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


def finding(
    code: str,
    where: Location,
    message: str,
    spec_id: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """Shorthand for a Finding at a model Location."""
    return Finding(code, where.file, where.line, message, spec_id, severity)


@dataclass(frozen=True, slots=True)
class Reported:
    """A finding as it goes into a report: its rule's name, its final severity, suppression."""

    code: str
    name: str
    severity: Severity
    file: str
    line: int
    message: str
    spec_id: str | None
    suppressed: bool = False

    @property
    def family(self) -> str:
        return family_of(self.code)

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.code, self.message)
