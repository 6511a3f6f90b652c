"""Which rules run, at which severity: `gates.rules` in specmesh.yaml, then `--select`/`--ignore`.

- `gates.rules: {SM204: warning, stale-plan: off}` changes a rule's severity or turns it off (by
  code or name; an unknown one is a configuration error naming the file).
- `--select SM1,SM204,undefined-reference` runs only the matching rules (a code prefix such as
  `SM1` selects a family); naming a rule exactly also turns it back on when the config has it off.
- `--ignore ...` removes rules, after `--select`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from specmesh_tasks.errors import ConfigError
from specmesh_tasks.gates import catalog
from specmesh_tasks.gates.finding import Severity

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings


def split_tokens(values: Iterable[str]) -> list[str]:
    """`["SM1,SM204", " SM3 "]` -> `["SM1", "SM204", "SM3"]`."""
    return [t.strip() for value in values for t in str(value).replace(";", ",").split(",") if t.strip()]


def configured(settings: Settings) -> dict[str, str]:
    """Rule code -> configured severity or "off", from `gates.rules` (ConfigError when unknown)."""
    found: dict[str, str] = {}
    for key, value in settings.gates.rules:
        rule_ = catalog.lookup(key)
        if rule_ is None:
            raise ConfigError(file=settings.source or ".specify/specmesh.yaml", key=f"gates.rules.{key}",
                              line=0, problem=f"unknown rule '{key}'{catalog.hint(key)}")
        found[rule_.code] = str(value)
    return found


def active_rules(settings: Settings, select: Iterable[str] = (), ignore: Iterable[str] = (),
                 ) -> dict[str, Severity | None]:
    """Rule code -> configured severity (None = the rule's own) for every rule that runs."""
    config = configured(settings)
    select_tokens, ignore_tokens = split_tokens(select), split_tokens(ignore)
    explicit = {r.code for t in select_tokens if (r := catalog.lookup(t)) is not None}
    chosen = {r.code for t in select_tokens for r in catalog.select(t)} if select_tokens else \
        {r.code for r in catalog.all_rules()}
    dropped = {r.code for t in ignore_tokens for r in catalog.select(t)}
    active: dict[str, Severity | None] = {}
    for code in sorted(chosen - dropped):
        level = config.get(code)
        if level == "off" and code not in explicit:
            continue
        active[code] = Severity(level) if level and level != "off" else None
    return active


def validate_selectors(select: Iterable[str], ignore: Iterable[str]) -> None:
    """Raise UserError (one line, with a hint) for a selector that matches no rule."""
    for token in split_tokens([*select, *ignore]):
        catalog.select(token)
