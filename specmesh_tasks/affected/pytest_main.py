"""How `specmesh test` starts its pytest child: `python -m specmesh_tasks.affected.pytest_main ARGS`.

It is what `python -m pytest` does (`pytest.main` on the command line), with our marker plugin
added when its entry point is not installed (a source checkout), and the quick way out of
`specmesh_tasks.quick_exit` (exit handlers run, streams flushed, no interpreter teardown, which
would be paid on every run after a small edit, while the user waits).
"""

from __future__ import annotations

import sys

from specmesh_tasks.quick_exit import exit_now


def main() -> None:
    import pytest

    try:
        code = int(pytest.main([*marker_plugin(), *sys.argv[1:]]))
    except BrokenPipeError:  # our reader went away: pytest's own console entry says 1 then too
        code = 1
    exit_now(code)


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
