"""What the watcher was asked to run, and which part of it a change concerns.

`specmesh watch plan --force test --since main` asks for two tasks, each with its own options.
The arguments are split into one segment per task name (a token naming a known task starts a
segment; every other token belongs to the segment before it), so a cycle can pass on just the
segments whose group a change touched, options included.

The watcher runs plan and tasks first (the files the person is looking at, and what the gates'
stale-plan check compares with), then gates, then any other task, then the tests.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from specmesh_tasks.watch.changes import GROUPS


@dataclass(frozen=True, slots=True)
class Segment:
    """One requested task and the options given after it."""

    task: str
    options: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        """`plan` for `plan` and `plan:S-LOAN-001`."""
        return self.task.split(":", 1)[0]

    def argv(self) -> list[str]:
        return [self.task, *self.options]


def split_request(args: Sequence[str], task_names: Collection[str]) -> tuple[Segment, ...]:
    """Split positional arguments into segments; a leading token that names no task is kept as
    a task name (doit reports it if it does not exist)."""
    segments: list[Segment] = []
    for token in args:
        if segments and (token.startswith("-") or token not in task_names):
            last = segments[-1]
            segments[-1] = Segment(last.task, (*last.options, token))
        else:
            segments.append(Segment(token))
    return tuple(segments)


_ORDER = {"plan": 0, "tasks": 1, "gates": 2, "test": 4}  # any other task: 3


def watch_order(request: Iterable[Segment]) -> tuple[Segment, ...]:
    """The segments in the watcher's order (stable within a rank)."""
    return tuple(sorted(request, key=lambda s: _ORDER.get(s.group, 3)))


def select(request: Iterable[Segment], groups: Collection[str]) -> list[Segment]:
    """The segments a change to `groups` concerns, in the requested order. A task outside our
    groups (a user's own task in their dodo) is always kept: doit's up-to-date check decides."""
    return [s for s in request if s.group in groups or s.group not in GROUPS]


def to_argv(segments: Iterable[Segment]) -> list[str]:
    """The segments as doit `run` arguments."""
    argv: list[str] = []
    for segment in segments:
        argv.extend(segment.argv())
    return argv
