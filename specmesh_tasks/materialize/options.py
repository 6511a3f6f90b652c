"""The options of `specmesh tasks` (doit parameters), light enough to import when declaring tasks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    """The task's options (doit parameters)."""

    check: bool = False  # report what would change (a unified diff), write nothing
    adopt: bool = False  # convert an unmanaged tasks.md
    done_from_git: bool = False  # tick tasks named in commits on the feature's branch
    ref: str = ""  # where the commits start (default: merge base with the default branch)

    @property
    def asks_for_work(self) -> bool:
        """True when the task must run even if its files did not change."""
        return self.check or self.adopt or self.done_from_git

    def merged(self, other: Options) -> Options:
        """Group value or own value, option by option."""
        return Options(self.check or other.check, self.adopt or other.adopt,
                       self.done_from_git or other.done_from_git, self.ref or other.ref)
