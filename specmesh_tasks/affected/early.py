"""Start a plain `specmesh test`'s pytest child before doit is even imported.

The child's own start-up (interpreter, `import pytest`, plugins: ~0.4 s) is the longest step of a
small run, and it can only begin once we know which directories to give it. Reached through doit,
that is after doit's import and the task declarations (~0.1 s). For the command line with no
option (`specmesh test`, the one typed after every edit) the `specmesh` command calls `prestart`
before loading doit, and the test task's action `claim`s what it started. Any other command line
starts its child in the action, as before. Only speed depends on this: when anything here fails,
or the action never runs (a bad dodo, a busy lock), the child is killed unseen and the action does
everything itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from specmesh_tasks.affected.begin import Started, TestOptions

# Command lines that are a plain `specmesh test` (doit's `run` command is implied or explicit).
PLAIN_TEST_COMMANDS = (["test"], ["run", "test"])

_held: tuple[Path, Started] | None = None


def is_plain_test(args: list[str]) -> bool:
    return args in PLAIN_TEST_COMMANDS


def prestart(root: Path) -> Started | None:
    """Do the first steps of a default-options test run of `root` now, child included; what was
    started is held for `claim` (and returned)."""
    global _held
    discard()
    try:
        from specmesh_tasks.affected.begin import TestOptions, start
        from specmesh_tasks.config import load_settings

        resolved = root.resolve()
        _held = (resolved, start(resolved, load_settings(resolved), TestOptions(), []))
    except Exception:  # a bad config, an unreadable cache ...: the action reports it, if it matters
        _held = None
    return _held[1] if _held is not None else None


def claim(root: Path, options: TestOptions) -> Started | None:
    """What `prestart` began, when it is for this root and these (default) options."""
    from specmesh_tasks.affected.begin import TestOptions

    global _held
    held, _held = _held, None
    if held is None:
        return None
    if held[0] != root or options != TestOptions():
        _abort(held[1])
        return None
    return held[1]


def discard() -> None:
    """Kill a child nobody claimed (it is still waiting for its selection, so it printed nothing)."""
    global _held
    held, _held = _held, None
    if held is not None:
        _abort(held[1])


def _abort(started: Started) -> None:
    if started.child is not None:
        started.child.abort()
