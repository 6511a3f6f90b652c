"""specmesh-tasks: a spec-mesh repository built like code, with doit.

Public: the `specmesh` command, `specmesh_tasks.dodo` (task creators and DOIT_CONFIG), the pytest
marker `spec`, `.specify/specmesh.yaml`, and the report formats. Everything else is internal.

PYTEST_DONT_REWRITE: `specmesh test` starts pytest through `specmesh_tasks.affected.runner`,
so this package is imported before pytest marks our plugin's distribution for assertion
rewriting; this line (pytest's own opt-out, for this module only, which asserts nothing) keeps
pytest from warning that it came too late.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Lazy: importlib.metadata costs ~20 ms, and most runs never ask for the version.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("specmesh-tasks")
        except PackageNotFoundError:
            return "0.0.0+unknown"
    raise AttributeError(name)
