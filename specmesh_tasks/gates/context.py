"""What a rule may know besides the model: the settings, the root, and files it looks at.

Every file a rule looks at through `exists()` or `read_text()` is recorded, so the run cache can
tell when a finding could change (a Feature Index path that appears, a plan.md that is edited).
`kept()` keeps a costly result between runs, by the digest of what it was computed from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from specmesh_tasks.model.ids import STRICT_PATTERNS, IdKind

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

T = TypeVar("T")

# Statuses a Feature Index row may carry besides the spec statuses: real projects list
# features that have no spec yet as `Backlog` (format reference §10), or `Planned`.
INDEX_EXTRA_STATUSES = ("Backlog", "Planned")


class RuleContext:
    """Per-run context handed to every rule."""

    def __init__(
        self,
        root: Path | str,
        settings: Settings | None = None,
        *,
        plan_files: tuple[str, ...] = (),
        tasks_files: tuple[str, ...] = (),
        kept: dict[str, Any] | None = None,
    ) -> None:
        from specmesh_tasks.config import Settings

        self.root = Path(root)
        self.settings = settings if settings is not None else Settings()
        self.plan_files = plan_files  # root-relative plan.md paths under .specify/specs
        self.tasks_files = tasks_files  # root-relative tasks.md paths under .specify/specs
        self.watched: set[str] = set()
        self._texts: dict[str, str | None] = {}
        self._patterns: dict[IdKind, re.Pattern[str]] = {}
        self._memo: dict[str, object] = {}
        self._resolved: dict[str, str | None] = {}
        self._links: dict[str, bool] = {}
        self._real_root = os.path.realpath(self.root)
        self._kept = kept if kept is not None else {}  # name -> [digest, value], saved with the cache

    # ------------------------------------------------------------------ settings

    @property
    def statuses(self) -> tuple[str, ...]:
        """The status gate's allowed set (`specs.statuses`)."""
        return tuple(self.settings.specs.statuses)

    def status_allowed(self, status: str) -> bool:
        wanted = status.strip().casefold()
        return any(wanted == s.casefold() for s in self.statuses)

    def id_pattern(self, kind: IdKind) -> re.Pattern[str] | None:
        """The strict format of an ID kind: `specs.id_patterns` if set, else the documented one."""
        if kind not in self._patterns:
            custom = self.settings.specs.id_pattern(kind.value)
            text = custom or STRICT_PATTERNS.get(kind)
            if text is None:
                return None
            self._patterns[kind] = re.compile(text)
        return self._patterns[kind]

    # ------------------------------------------------------------------ files

    def watch(self, path: str) -> None:
        """Record that a result depends on `path` (root-relative or absolute) existing as it is."""
        self.watched.add(path)

    def resolve(self, rel: str) -> str | None:
        """The absolute path of a root-relative path, or None when it leads outside the root
        (symlinks followed)."""
        if rel not in self._resolved:
            full = os.path.join(self._real_root, rel)
            self._resolved[rel] = full if self._inside(rel, full) else None
        return self._resolved[rel]

    def _inside(self, rel: str, full: str) -> bool:
        norm = os.path.normpath(rel)
        if os.path.isabs(norm) or norm == os.pardir or norm.startswith(os.pardir + os.sep):
            return False
        if not self._any_link(norm):
            return True  # the common case: a plain path, no realpath needed
        real = os.path.realpath(full)
        return real == self._real_root or real.startswith(self._real_root + os.sep)

    def _any_link(self, norm: str) -> bool:
        """True when a component of the root-relative path is a symlink (memoized per prefix)."""
        prefix = ""
        for part in norm.split(os.sep):
            prefix = os.path.join(prefix, part) if prefix else part
            if prefix not in self._links:
                self._links[prefix] = os.path.islink(os.path.join(self._real_root, prefix))
            if self._links[prefix]:
                return True
        return False

    def exists(self, rel: str) -> bool:
        """True when `rel` (root-relative) exists inside the root; recorded for the run cache."""
        full = self.resolve(rel)
        if full is None:
            return False
        self.watch(os.path.normpath(rel).replace(os.sep, "/"))
        return os.path.exists(full)

    def read_text(self, rel: str) -> str | None:
        """A file's text (LF line endings, BOM dropped), None when unreadable; recorded."""
        if rel not in self._texts:
            self.watch(rel)
            from specmesh_tasks.parse.source import read_source

            text, _problems = read_source(self.root / rel, rel, root=self.root)
            self._texts[rel] = text
        return self._texts[rel]

    # ------------------------------------------------------------------ shared per-run data

    def shared(self, key: str, factory: Callable[[], T]) -> T:
        """Compute something once per run (an ID index, git dates) and share it between rules."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]  # type: ignore[return-value]

    def kept(self, name: str, digest: str, compute: Callable[[], T], valid: Callable[[Any], bool]) -> T:
        """`compute()`, or the value kept from an earlier run for the same `digest` (of everything
        it is computed from). The value must be JSON data; `valid` checks one read back, so a
        damaged entry is computed again."""
        entry = self._kept.get(name)
        if type(entry) is list and len(entry) == 2 and entry[0] == digest and valid(entry[1]):
            return entry[1]  # type: ignore[no-any-return]  # checked by `valid`
        value = compute()
        self._kept[name] = [digest, value]
        return value
