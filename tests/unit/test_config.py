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


def test_unchanged_file_is_served_from_cache_without_yaml(tmp_path: Path, settled_clock: None) -> None:
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


def test_test_data_globs_map_to_test_files_or_all(tmp_path: Path) -> None:
    write_config(tmp_path, "tests:\n  granularity: recorded\n  data:\n    'tests/data/**': [tests/test_io.py]\n"
                 "    'fixtures/**': all\n")
    tests = load_settings(tmp_path).tests
    assert tests.granularity == "recorded"
    assert tests.data == (("fixtures/**", None), ("tests/data/**", ("tests/test_io.py",)))


def test_every_problem_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    path = write_config(tmp_path, "plan:\n  colour: red\ngates:\n  rulez: {}\n  rules: {SM999: warning, SM2O4: off}\n"
                        "tests:\n  granularity: fine\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    lines = str(info.value).splitlines()
    assert lines == [
        f"error: {path}:2: plan.colour: unknown key",
        f"error: {path}:4: gates.rulez: unknown key; did you mean 'rules'?",
        f"error: {path}:5: gates.rules.SM2O4: unknown rule 'SM2O4'; did you mean 'SM204'?",
        f"error: {path}:5: gates.rules.SM999: unknown rule 'SM999'",  # nothing near: no guess
        f"error: {path}:7: tests.granularity: Input should be 'recorded', 'file' or 'definition'",
    ]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!custom"])
def test_yaml_tags_are_reported_and_never_constructed(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "executed"
    path = write_config(tmp_path, f"gates:\n  strict: {tag} ['touch {marker}']\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert str(info.value) == f"error: {path}:2: gates.strict: YAML tag {tag} is not allowed (the file holds " \
        "plain data)"
    assert not marker.exists()


def test_a_directory_named_specmesh_yaml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / ".specify" / "specmesh.yaml"
    path.mkdir(parents=True)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert str(info.value) == f"error: {path}: not a regular file; expected a YAML file"


def test_a_symlink_out_of_the_root_is_refused_unread(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "private.yaml"
    outside.write_text("secret_api_token: hunter2\n", encoding="utf-8")
    path = root / ".specify" / "specmesh.yaml"
    path.parent.mkdir(parents=True)
    path.symlink_to(outside)
    with pytest.raises(ConfigError) as info:
        load_settings(root)
    assert str(info.value) == f"error: {path}: a symlink leading outside the root; refused"
    assert "secret" not in str(info.value) and "private" not in str(info.value)


def test_a_symlink_inside_the_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "specmesh.yaml").write_text("gates:\n  strict: true\n", encoding="utf-8")
    (tmp_path / ".specify").mkdir()
    (tmp_path / ".specify" / "specmesh.yaml").symlink_to(tmp_path / "config" / "specmesh.yaml")
    assert load_settings(tmp_path).gates.strict is True


def test_an_edit_that_keeps_size_and_mtime_is_not_served_from_cache(tmp_path: Path, settled_clock: None) -> None:
    import os
    import subprocess
    import time

    path = write_config(tmp_path, "gates:\n  strict: true \n")
    assert load_settings(tmp_path).gates.strict
    before = path.stat()
    time.sleep(0.01)  # ctime ticks with a coarse clock: the edit must land in a later tick
    path.write_text("gates:\n  strict: false\n", encoding="utf-8")  # the same size
    reference = tmp_path / "reference"
    reference.write_text("", encoding="utf-8")
    os.utime(reference, ns=(before.st_atime_ns, before.st_mtime_ns))
    subprocess.run(["touch", "-r", str(reference), str(path)], check=True)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert not load_settings(tmp_path).gates.strict


@pytest.mark.parametrize("junk", ["not json", "[]", '{"version": 2, "stamp": [1], "settings": 3}'])
def test_a_damaged_settings_cache_is_set_aside_and_rebuilt(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], junk: str) -> None:
    write_config(tmp_path, "gates:\n  strict: true\n")
    cache = tmp_path / ".specify/.cache/config.json"
    load_settings(tmp_path)
    cache.write_text(junk, encoding="utf-8")
    assert load_settings(tmp_path).gates.strict
    assert ".specify/.cache/config.json was damaged" in capsys.readouterr().err
    assert (tmp_path / ".specify/.cache/config.json.damaged").read_text(encoding="utf-8") == junk
