"""Exceptions that end a run. Problems in the user's specs are findings, not exceptions.

Every subclass carries the process exit code it maps to (doit's codes: 3 for a bad command
line or configuration, printed as one line without a traceback).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class SpecmeshError(Exception):
    """Root of our exceptions; `exit_code` is what the command exits with."""

    exit_code = 2


class UserError(SpecmeshError):
    """Bad command line, bad path or bad configuration: one line, no traceback, exit 3."""

    exit_code = 3


class ConfigError(UserError):
    """A bad `.specify/specmesh.yaml`: names the file, the key and the line."""

    def __init__(self, *, file: Path | str, key: str, line: int, problem: str) -> None:
        self.file, self.key, self.line, self.problem = str(file), key, line, problem
        where = f"{self.file}:{line}" if line else self.file
        super().__init__(f"error: {where}: {key}: {problem}" if key else f"error: {where}: {problem}")


class ConfigErrors(ConfigError):
    """Several problems in one configuration file: one line each (the first one's fields)."""

    def __init__(self, *, errors: Sequence[ConfigError]) -> None:
        first = errors[0]
        self.file, self.key, self.line, self.problem = first.file, first.key, first.line, first.problem
        self.errors = tuple(errors)
        UserError.__init__(self, "\n".join(str(error) for error in self.errors))


class OutsideRootError(UserError):
    """A path that leads outside the project root."""

    def __init__(self, *, path: Path | str, root: Path | str) -> None:
        super().__init__(f"error: {path} is outside {root}")


class RootNotFoundError(UserError):
    """No `.specify/` directory above the current directory and no SPECMESH_ROOT."""

    def __init__(self, *, start: Path | str) -> None:
        super().__init__(
            f"error: no .specify/ directory in {start} or any parent; "
            "run inside a spec-mesh repository, set SPECMESH_ROOT or pass --root DIR"
        )


class TemplateReferenceError(UserError):
    """A plan template that includes, imports or extends anything but a template in its own folder
    inside the root (by a literal name)."""

    def __init__(self, *, template: str, line: int, reference: str, problem: str) -> None:
        self.template, self.line, self.reference = template, line, reference
        super().__init__(f"error: {template}:{line}: {reference}: {problem}")
