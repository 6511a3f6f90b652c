"""`.specify/specmesh.yaml`: defaults, validation errors with file/key/line, the stat cache."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from specmesh_tasks.config import load_settings
from specmesh_tasks.errors import ConfigError


def write_config(root: Path, text: str) -> Path:
    path = root / ".specify" / "specmesh.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.plan.allowed_statuses == ("Approved", "Implemented")
    assert "Superseded" in settings.specs.statuses
    assert settings.gates.strict is False and settings.source is None


def test_values_are_read(tmp_path: Path) -> None:
    write_config(tmp_path, "plan:\n  allowed_statuses: [Approved]\ngates:\n  rules: {SM204: warning, stale-plan: off}\n"
                 "  strict: true\nspecs:\n  id_patterns: {api: '^API-[A-Z0-9-]+$'}\n")
    settings = load_settings(tmp_path)
    assert settings.plan.allowed_statuses == ("Approved",)
    assert dict(settings.gates.rules) == {"SM204": "warning", "stale-plan": "off"}  # bare `off` is not False
    assert settings.gates.strict is True
    assert settings.specs.id_pattern("api") == "^API-[A-Z0-9-]+$"


@pytest.mark.parametrize(("text", "key", "line"), [
    ("plan:\n  allowed_statuses: [Approved]\n  colour: red\n", "plan.colour", 3),
    ("tests:\n  paths: tests/*.py\n", "tests.paths", 2),
    ("gates:\n  rules:\n    SM204: loud\n", "gates.rules.SM204", 3),
    ("nonsense: 1\n", "nonsense", 1),
    ("specs:\n  id_patterns: {api: '(['}\n", "specs.id_patterns", 2),
])
def test_bad_config_names_file_key_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert f"{path}:{line}" in message and key in message
    assert "\n" not in message and info.value.exit_code == 3


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    write_config(tmp_path, "plan:\n  allowed_statuses: [Approved\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert "invalid YAML" in str(info.value)


def test_unchanged_file_is_served_from_cache_without_yaml(tmp_path: Path) -> None:
    write_config(tmp_path, "gates:\n  strict: true\n")
    first = load_settings(tmp_path)
    import subprocess

    code = (
        "import sys; from specmesh_tasks.config import load_settings\n"
        f"s = load_settings({str(tmp_path)!r}); assert s.gates.strict\n"
        "assert 'yaml' not in sys.modules and 'pydantic' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert first.digest == load_settings(tmp_path).digest
