"""`.specify/specmesh.yaml`: the optional project configuration (contract §1).

Validation uses pydantic (`extra="forbid"`, so an unknown key is an error naming it). The validated
result is cached by the file's stat in `.specify/.cache/config.json`, and `load_settings` returns plain
frozen dataclasses, so a run where the file did not change imports neither yaml nor pydantic.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specmesh_tasks.errors import ConfigError

CONFIG_NAME = "specmesh.yaml"
SETTINGS_CACHE_VERSION = 1
SEVERITIES = ("error", "warning", "info", "off")


@dataclass(frozen=True, slots=True)
class PlanSettings:
    allowed_statuses: tuple[str, ...] = ("Approved", "Implemented")
    template: str | None = None


@dataclass(frozen=True, slots=True)
class TestsSettings:
    __test__ = False  # not a pytest test class despite the name
    paths: tuple[str, ...] = ()
    sources: tuple[str, ...] = (".",)
    command: str | None = None
    # "file": a change anywhere in an imported source file reruns its tests (the contract's rule);
    # "definition": only a change to a function/class the test can reach (module-level code and
    # anything unparseable still count whole) - fewer reruns, opt-in.
    granularity: str = "file"


@dataclass(frozen=True, slots=True)
class SpecsSettings:
    statuses: tuple[str, ...] = (
        "Draft", "In Review", "Clarified", "Approved", "Implemented", "Deprecated", "Superseded",
    )
    id_patterns: tuple[tuple[str, str], ...] = ()  # (kind, regex), sorted by kind

    def id_pattern(self, kind: str) -> str | None:
        return dict(self.id_patterns).get(kind)


@dataclass(frozen=True, slots=True)
class GatesSettings:
    rules: tuple[tuple[str, str], ...] = ()  # (code or name, severity or "off"), sorted
    strict: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole validated configuration; every field has the contract's default."""

    plan: PlanSettings = field(default_factory=PlanSettings)
    tests: TestsSettings = field(default_factory=TestsSettings)
    specs: SpecsSettings = field(default_factory=SpecsSettings)
    gates: GatesSettings = field(default_factory=GatesSettings)
    source: str | None = None  # the config file these came from, if any
    digest: str = ""  # stable digest of the effective settings (for plan inputs hashes)


def config_path(root: Path) -> Path:
    return Path(root) / ".specify" / CONFIG_NAME


def load_settings(root: Path) -> Settings:
    """The project's settings; defaults when there is no config file. Raises ConfigError."""
    path = config_path(root)
    try:
        st = path.stat()
    except FileNotFoundError:
        return _build({}, None)
    stamp = [st.st_mtime_ns, st.st_size]
    cached = _read_cache(root, stamp)
    if cached is not None:
        return _build(cached, str(path))
    data = validate_config_text(path.read_bytes(), path)
    _write_cache(root, stamp, data)
    return _build(data, str(path))


def _cache_file(root: Path) -> Path:
    from specmesh_tasks.state import cache_dir

    return cache_dir(root) / "config.json"


def _read_cache(root: Path, stamp: list[int]) -> dict[str, Any] | None:
    try:
        data = json.loads(_cache_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != SETTINGS_CACHE_VERSION or data.get("stamp") != stamp:
        return None
    settings = data.get("settings")
    return settings if isinstance(settings, dict) else None


def _write_cache(root: Path, stamp: list[int], settings: dict[str, Any]) -> None:
    from specmesh_tasks.fsutil import write_if_changed

    payload = {"version": SETTINGS_CACHE_VERSION, "stamp": stamp, "settings": settings}
    with contextlib.suppress(OSError):  # a read-only tree still works; it just validates every time
        write_if_changed(_cache_file(root), json.dumps(payload, sort_keys=True))


def _build(data: dict[str, Any], source: str | None) -> Settings:
    from specmesh_tasks.fsutil import normalized_digest

    plan, tests = data.get("plan", {}), data.get("tests", {})
    specs, gates = data.get("specs", {}), data.get("gates", {})
    defaults = Settings()
    settings = Settings(
        plan=PlanSettings(
            tuple(plan.get("allowed_statuses", defaults.plan.allowed_statuses)), plan.get("template")
        ),
        tests=TestsSettings(
            tuple(tests.get("paths") or ()), tuple(tests.get("sources") or (".",)), tests.get("command"),
            tests.get("granularity", "file"),
        ),
        specs=SpecsSettings(
            tuple(specs.get("statuses", defaults.specs.statuses)),
            tuple(sorted((specs.get("id_patterns") or {}).items())),
        ),
        gates=GatesSettings(tuple(sorted((gates.get("rules") or {}).items())), bool(gates.get("strict", False))),
        source=source,
    )
    digest = normalized_digest(json.dumps(data, sort_keys=True))[:16]
    return Settings(settings.plan, settings.tests, settings.specs, settings.gates, source, digest)


# ------------------------------------------------------------------ validation (cold path)

def validate_config_text(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse and validate the YAML; return plain data with defaults dropped. Raises ConfigError."""
    import yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(file=path, key="", line=0, problem=f"not valid UTF-8 ({exc.reason})") from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(file=path, key="", line=line, problem=f"invalid YAML: {problem}") from None
    if node is None:
        return {}
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ConfigError(file=path, key="", line=node.start_mark.line + 1, problem="expected a mapping")
    _unquote_off(data)
    _check_with_model(data, node, path)
    return data


def _unquote_off(data: dict[str, Any]) -> None:
    """YAML 1.1 reads a bare `off` as false; in `gates.rules` it means the severity "off"."""
    rules = data.get("gates", {}).get("rules") if isinstance(data.get("gates"), dict) else None
    if isinstance(rules, dict):
        for key, value in rules.items():
            if value is False:
                rules[key] = "off"


def _check_with_model(data: dict[str, Any], node: Any, path: Path) -> None:
    from pydantic import ValidationError

    from specmesh_tasks.config_model import ConfigModel

    try:
        ConfigModel.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        key = ".".join(str(part) for part in loc)
        problem = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        raise ConfigError(file=path, key=key, line=_line_of(node, loc), problem=problem) from None


def _line_of(node: Any, loc: tuple[Any, ...]) -> int:
    """1-based line of the YAML node at `loc` (the key's line for mappings); best effort."""
    import yaml

    line: int = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line, node = int(key_node.start_mark.line) + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = int(node.start_mark.line) + 1
        else:
            return line
    return line
