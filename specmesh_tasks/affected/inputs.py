"""Inputs besides code that rerun tests (PRODUCT §7), as `name -> digest` per test file.

- pytest's own configuration reruns every test: `[tool.pytest.ini_options]` (and pytest 9's
  `[tool.pytest]`) of pyproject.toml, pytest.ini, the `[pytest]` section of tox.ini, the
  `[tool:pytest]` section of setup.cfg. (A `conftest.py` at the root is already a dependency of
  every test file below it.)
- the project's dependency declarations rerun every test: pyproject.toml's `[project]`
  dependencies and optional dependencies, `[dependency-groups]`, `[tool.poetry]` dependencies and
  groups, `requirements*.txt` (at the root and in `requirements/`), and the lock files `uv.lock`,
  `poetry.lock`, `Pipfile.lock`, `pdm.lock`; and the Python version that runs the tests.
- data files (`tests.data` in specmesh.yaml): each glob's files rerun the test files it names
  (globs too), or every test (`all`).

A section is compared, not its file: editing pyproject.toml's `[tool.ruff]` reruns nothing. The
sections are read only when their file's content changed (`affected-inputs.json`, keyed by the
file's digest from the facts cache).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.state import read_json_object

CACHE_NAME = "affected-inputs.json"
LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock")
_SECTIONS = {  # file -> what counts in it: the whole file, its pyproject tables, or an ini section
    "pyproject.toml": "pyproject",
    "pytest.ini": "whole",
    "tox.ini": "pytest",
    "setup.cfg": "tool:pytest",
}


def _digest(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Inputs:
    """The non-code inputs of the project under `root`, read once per run."""

    def __init__(self, root: Path, facts: FactsCache, data: tuple[tuple[str, tuple[str, ...] | None], ...],
                 cache_file: Path | None = None) -> None:
        self.root = root
        self.facts = facts
        self.cache_file = cache_file
        self.saved = read_json_object(cache_file) or {}
        self.changed = False
        self.common = self._common()
        self.data = [(glob, tests, self._data_files(glob)) for glob, tests in data]

    def of(self, test_path: str) -> dict[str, str]:
        """Name -> digest of every non-code input of one test file."""
        found = dict(self.common)
        for _glob, tests, files in self.data:
            if tests is None or any(_matches(test_path, pattern) for pattern in tests):
                found.update(files)
        return found

    def _common(self) -> dict[str, str]:
        found = {f"Python {sys.version_info.major}.{sys.version_info.minor}": sys.implementation.name}
        for name, kind in _SECTIONS.items():
            for label, digest in self._sections(name, kind).items():
                found[f"{name} {label}"] = digest
        for name in [*LOCK_FILES, *self._requirements()]:
            facts = self.facts.facts(name)
            if facts is not None:
                found[name] = facts.digest
        return found

    def _requirements(self) -> list[str]:
        found = []
        for directory, prefix in ((self.root, ""), (self.root / "requirements", "requirements/")):
            try:
                names = sorted(p.name for p in directory.iterdir() if p.suffix in (".txt", ".in"))
            except OSError:
                continue
            found += [prefix + n for n in names if prefix or n.startswith("requirements")]
        return found

    def _sections(self, name: str, kind: str) -> dict[str, str]:
        facts = self.facts.facts(name)
        if facts is None:
            return {}
        saved = self.saved.get(name)
        if isinstance(saved, list) and len(saved) == 2 and saved[0] == facts.digest and isinstance(saved[1], dict):
            return {str(k): str(v) for k, v in saved[1].items()}
        sections = _read_sections(self.root / name, kind)
        self.saved[name] = [facts.digest, sections]
        self.changed = True
        return sections

    def _data_files(self, glob: str) -> dict[str, str]:
        from specmesh_tasks.discover import paths_matching

        found = {}
        for rel in paths_matching(self.root, (glob,)):
            facts = self.facts.facts(rel)
            if facts is not None:
                found[rel] = facts.digest
        return found or {f"{glob} (no file)": ""}

    def save(self) -> None:
        if self.cache_file is not None and self.changed:
            from specmesh_tasks.fsutil import write_if_changed

            write_if_changed(self.cache_file, json.dumps(dict(sorted(self.saved.items())), sort_keys=True))


def _read_sections(path: Path, kind: str) -> dict[str, str]:
    """The digests of the sections that count in one configuration file."""
    if kind == "whole":
        try:
            return {"": _digest(path.read_text(encoding="utf-8", errors="replace"))}
        except OSError:
            return {}
    if kind == "pyproject":
        return _pyproject_sections(path)
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return {f"[{kind}]": "unreadable"}
    return {f"[{kind}]": _digest(dict(parser[kind]))} if parser.has_section(kind) else {}


def _pyproject_sections(path: Path) -> dict[str, str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"": "unreadable"}
    lookups: dict[str, Callable[[dict[str, Any]], object]] = {
        "[tool.pytest]": lambda d: d.get("tool", {}).get("pytest"),
        "[project] dependencies": lambda d: [d.get("project", {}).get(k) for k in
                                             ("dependencies", "optional-dependencies", "requires-python")],
        "[dependency-groups]": lambda d: d.get("dependency-groups"),
        "[tool.poetry] dependencies": lambda d: [d.get("tool", {}).get("poetry", {}).get(k) for k in
                                                 ("dependencies", "group", "dev-dependencies")],
    }
    found = {}
    for label, lookup in lookups.items():
        try:
            value = lookup(data)
        except AttributeError:  # a key of another type than the standards say
            value = "malformed"
        if value not in (None, [None, None, None]):
            found[label] = _digest(value)
    return found


def _matches(path: str, pattern: str) -> bool:
    from specmesh_tasks.discover import glob_to_regex

    return path == pattern or bool(glob_to_regex(pattern).match(path))

