"""Read pytest's own `testpaths` / `python_files` so our test globs follow the project's config.

Looked up in the order pytest itself uses: pytest.ini, pyproject.toml, tox.ini, setup.cfg.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path


def _split(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _ini_options(path: Path, section: str) -> dict[str, str] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return dict(parser[section]) if parser.has_section(section) else None


def _toml_options(path: Path) -> dict[str, object] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    options = data.get("tool", {}).get("pytest", {}).get("ini_options")
    return options if isinstance(options, dict) else None


def pytest_options(root: Path) -> dict[str, object] | None:
    """The first pytest configuration block found at the root, or None."""
    candidates: list[tuple[Path, str]] = [
        (root / "pytest.ini", "pytest"), (root / "pyproject.toml", ""),
        (root / "tox.ini", "pytest"), (root / "setup.cfg", "tool:pytest"),
    ]
    for path, section in candidates:
        if not path.is_file():
            continue
        options = _toml_options(path) if path.suffix == ".toml" else _ini_options(path, section)
        if options is not None:
            return dict(options)
    return None


def pytest_test_globs(root: Path) -> tuple[str, ...]:
    """Globs built from pytest's `testpaths` x `python_files`; empty when pytest is unconfigured."""
    options = pytest_options(root)
    if not options:
        return ()
    paths = _split(options.get("testpaths")) or ["."]
    files = _split(options.get("python_files")) or ["test_*.py", "*_test.py"]
    globs: list[str] = []
    for base in paths:
        base = base.strip("/")
        prefix = "" if base in ("", ".") else base + "/"
        globs.extend(f"{prefix}**/{pattern}" for pattern in files)
    return tuple(globs)
