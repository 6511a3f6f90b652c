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
from typing import TYPE_CHECKING, Any

from specmesh_tasks.errors import ConfigError

if TYPE_CHECKING:
    from specmesh_tasks.freshness import Stamp

CONFIG_NAME = "specmesh.yaml"
SETTINGS_CACHE_VERSION = 2  # 2: keyed by a freshness stamp
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
    # "recorded": a change inside a function body reruns the tests that executed it in their last
    # passing run; anything else (module level, signatures, never recorded) as "file".
    # "file": a change anywhere in an imported source file reruns its tests (the contract's rule);
    # "definition": only a change to a function/class the test can reach (module-level code and
    # anything unparseable still count whole).
    granularity: str = "file"
    # data files tests read: (glob, test file globs or None for every test), sorted by glob
    data: tuple[tuple[str, tuple[str, ...] | None], ...] = ()


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
    except OSError as exc:  # a symlink loop, a directory we may not enter
        raise ConfigError(file=path, key="", line=0, problem=f"cannot read: {exc.strerror or exc}") from None
    from specmesh_tasks.freshness import settled, stamp_from_stat

    stamp = stamp_from_stat(st)
    cached = _read_cache(root, stamp)
    if cached is not None:
        return _build(cached, str(path))
    from specmesh_tasks.config_check import validate_config_text

    data = validate_config_text(_read_config(root, path, st.st_mode), path)
    _write_cache(root, settled(stamp), data)
    return _build(data, str(path))


def _read_config(root: Path, path: Path, mode: int) -> str:
    """The file's text, read like any input of the tree; anything else is a ConfigError.

    Not a regular file (a directory, a FIFO that would block the read) and a symlink leading
    outside the root are refused without reading them; nothing of a refused target is shown.
    """
    import stat

    from specmesh_tasks.parse import problems as codes
    from specmesh_tasks.parse.source import read_source

    if not stat.S_ISREG(mode):
        raise ConfigError(file=path, key="", line=0, problem="not a regular file; expected a YAML file")
    rel = f".specify/{CONFIG_NAME}"
    text, problems = read_source(path, rel, root=Path(root))
    said = {codes.OUTSIDE_ROOT: "a symlink leading outside the root; refused",
            codes.TOO_LARGE: "larger than 10 MB", codes.NOT_UTF8: "not valid UTF-8"}
    for problem in problems:
        line = problem.location.line if problem.code == codes.NOT_UTF8 else 0
        text_of = said.get(problem.code, problem.message.replace(f"{rel}: ", ""))
        raise ConfigError(file=path, key="", line=line, problem=text_of)
    assert text is not None  # read_source gives a problem whenever it gives no text
    return text


def _cache_file(root: Path) -> Path:
    from specmesh_tasks.state import cache_dir

    return cache_dir(root) / "config.json"


def _read_cache(root: Path, stamp: Stamp) -> dict[str, Any] | None:
    """The validated settings stored for a config file of this stamp (`freshness`), if any."""
    from specmesh_tasks.freshness import stamp_from_row, unchanged
    from specmesh_tasks.state import read_cache, set_aside

    file = _cache_file(root)
    data = read_cache(file)
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        set_aside(file, "unexpected content")
        return None
    if data.get("version") != SETTINGS_CACHE_VERSION or not unchanged(stamp_from_row(data.get("stamp")), stamp):
        return None
    settings: dict[str, Any] = data["settings"]
    return settings


def _write_cache(root: Path, stamp: Stamp | None, settings: dict[str, Any]) -> None:
    """Store the validated settings; an unsettled stamp is stored as None, never to match."""
    from specmesh_tasks.freshness import stamp_to_row
    from specmesh_tasks.fsutil import write_if_changed

    payload = {"version": SETTINGS_CACHE_VERSION, "stamp": stamp_to_row(stamp), "settings": settings}
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
            tuple(sorted((g, None if v == "all" else tuple(v)) for g, v in (tests.get("data") or {}).items())),
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
