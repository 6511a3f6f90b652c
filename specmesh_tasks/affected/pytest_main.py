"""How `specmesh test` starts its pytest child: `python -m specmesh_tasks.affected.pytest_main ARGS`.

It is what `python -m pytest` does (`pytest.main` on the command line), with our marker plugin
added when its entry point is not installed (a source checkout), followed by a quicker way out.
Once pytest has returned and the exit handlers have run (coverage data, logging, anything
registered with `atexit`), the output is flushed and the process ends with `os._exit`, skipping
the interpreter's teardown of every module and object a test session loaded (30-100 ms measured,
paid on every run after a small edit, while the user waits). When another thread is still
running, the normal exit (which waits for it) is kept.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading


def main() -> None:
    import pytest

    try:
        code = int(pytest.main([*marker_plugin(), *sys.argv[1:]]))
    except BrokenPipeError:  # our reader went away: pytest's own console entry says 1 then too
        code = 1
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what the normal exit would run first
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream: nothing more can be shown anyway.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def marker_plugin() -> list[str]:
    """`-p specmesh_tasks.pytest_plugin` when our entry point is not installed; loading it twice
    would be an error. Asked here, not by `specmesh test`: pytest reads the installed metadata
    anyway, while `specmesh test` would pay for importing `importlib.metadata` before starting us."""
    from importlib.metadata import entry_points

    if any(ep.name == "specmesh" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "specmesh_tasks.pytest_plugin"]


if __name__ == "__main__":
    main()
