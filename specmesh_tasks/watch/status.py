"""The one status line the watcher prints after each cycle.

    watch #3: changed .specify/specs/features/loan/spec.md · ran plan:S-LOAN-001, gates · ok · 0.12 s
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_NAMES = 5


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one cycle saw and did."""

    number: int
    changed: tuple[str, ...]  # root-relative paths; empty for the first cycle
    ran: tuple[str, ...]  # tasks whose actions ran
    failed: tuple[str, ...]  # tasks that failed
    result: str  # ok, failed, error, busy
    seconds: float


def result_of(exit_code: int) -> str:
    """doit's exit code as a word."""
    return {0: "ok", 1: "failed"}.get(exit_code, "error")


def _names(names: Sequence[str], empty: str) -> str:
    if not names:
        return empty
    shown = ", ".join(names[:MAX_NAMES])
    return shown if len(names) <= MAX_NAMES else f"{shown} +{len(names) - MAX_NAMES} more"


def format_status(report: CycleReport) -> str:
    """`watch #N: changed … · ran … · result · T s`."""
    changed = f"changed {_names(report.changed, '')}" if report.changed else "first run"
    ran = f"ran {_names(report.ran, '')}" if report.ran else "nothing to run"
    result = report.result
    if report.failed:
        result += f" ({_names(report.failed, '')})"
    return f"watch #{report.number}: {changed} · {ran} · {result} · {report.seconds:.2f} s"
