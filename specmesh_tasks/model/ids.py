"""Spec-mesh ID kinds and their formats.

Two regexes per kind: ``strict`` is the documented format (format reference §3) used by the
ID-format gate; ``scan`` finds candidate tokens in text. Scanning is case-sensitive on purpose:
upstream's case-insensitive scan turned prose such as ``fr-FR`` or ``api-key`` into IDs.
"""

from __future__ import annotations

import re
from enum import Enum


class IdKind(str, Enum):
    """What an ID names."""

    VISION = "vision"
    DOMAIN = "domain"
    SCREEN_SPEC = "screen-spec"
    FEATURE = "feature"
    FIX = "fix"
    TEST_SCENARIO = "test-scenario"
    USE_CASE = "use-case"
    FR = "fr"
    FR_RULE = "fr-rule"
    SC = "sc"
    MASTER = "master"
    API = "api"
    RULE = "rule"  # BR / VR / CR
    SCREEN = "screen"
    COMPONENT = "component"
    PLAN = "plan"
    TASK = "task"


# Documented formats (format reference §3). A project may replace any of them with
# `specs.id_patterns` in specmesh.yaml, keyed by the enum value.
STRICT_PATTERNS: dict[IdKind, str] = {
    IdKind.VISION: r"^S-VISION-001$",
    IdKind.DOMAIN: r"^S-DOMAIN-001$",
    IdKind.SCREEN_SPEC: r"^S-SCREEN-001$",
    IdKind.FEATURE: r"^S-[A-Z][A-Z-]{1,14}-\d{3}$",
    IdKind.FIX: r"^F-[A-Z][A-Z-]{1,14}-\d{3}$",
    IdKind.TEST_SCENARIO: r"^TS-[A-Z][A-Z-]{1,14}-\d{3}$",
    IdKind.USE_CASE: r"^UC-([A-Z][A-Z-]*-)?\d{3}$",
    IdKind.FR: r"^FR-([A-Z][A-Z-]*-)?\d{3}$",
    IdKind.FR_RULE: r"^FR-RULE-\d{3}$",
    IdKind.SC: r"^SC-([A-Z][A-Z-]*-)?\d{3}$",
    IdKind.MASTER: r"^M-[A-Z][A-Z0-9_-]*$",
    IdKind.API: r"^API-[A-Z][A-Z0-9_-]*$",
    IdKind.RULE: r"^(BR|VR|CR)-\d{3}$",
    IdKind.SCREEN: r"^SCR-\d{3}$",
    IdKind.COMPONENT: r"^COMP-\d{3}$",
    IdKind.PLAN: r"^PLAN-(FIX-)?[A-Z][A-Z-]*-\d{3}$",
    IdKind.TASK: r"^T-\d{3,}(\.\d+)?$",
}

# Token scanners. Boundaries exclude letters, digits, `-` and `_` so that `WF-SCR-001-HDR`
# does not yield `SCR-001` and `SCR-001-original.png` (a file name) yields nothing.
_B = r"(?<![A-Za-z0-9_\-/.])"
_E = r"(?![A-Za-z0-9_])"
SCAN_PATTERNS: dict[IdKind, re.Pattern[str]] = {
    IdKind.FEATURE: re.compile(_B + r"S-[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d{3}" + _E + r"(?!-)"),
    IdKind.FIX: re.compile(_B + r"F-[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d{3}" + _E + r"(?!-)"),
    IdKind.USE_CASE: re.compile(_B + r"UC-(?:[A-Z][A-Z0-9]*-)*\d{3}" + _E + r"(?!-)"),
    IdKind.FR_RULE: re.compile(_B + r"FR-RULE-\d{3}" + _E + r"(?!-)"),
    IdKind.FR: re.compile(_B + r"FR-(?!RULE-)(?:[A-Z][A-Z0-9]*-)*\d{3}" + _E + r"(?!-)"),
    IdKind.SC: re.compile(_B + r"SC-(?:[A-Z][A-Z0-9]*-)*\d{3}" + _E + r"(?!-)"),
    IdKind.MASTER: re.compile(_B + r"M-[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*(?:-\*)?" + _E + r"(?!-)"),
    IdKind.API: re.compile(_B + r"API-[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*(?:-\*)?" + _E + r"(?!-)"),
    IdKind.RULE: re.compile(_B + r"(?:BR|VR|CR)-\d{3}" + _E + r"(?!-)"),
    IdKind.SCREEN: re.compile(_B + r"SCR-\d{3}" + _E + r"(?!-)"),
    IdKind.COMPONENT: re.compile(_B + r"COMP-\d{3}" + _E + r"(?!-)"),
    IdKind.PLAN: re.compile(_B + r"PLAN-[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d{3}" + _E + r"(?!-)"),
    IdKind.TASK: re.compile(_B + r"T-\d{3,}(?:\.\d+)?" + _E + r"(?!-)"),
}

# Unfilled template placeholders that look like IDs: `S-{AREA}-001`, `UC-{AREA}-NNN`, `SCR-ID`,
# `F-{XXX}-001`, `API-[RESOURCE]-[ACTION]`. Reported as placeholders, never as IDs.
PLACEHOLDER_ID = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:S|F|TS|UC|FR|SC|M|API|PLAN|SCR|T)-"
    r"(?:[\{\[][A-Za-z_ ]+[\}\]]|ID\b|NNN\b|XXX\b)[A-Za-z0-9_\-\{\}\[\]]*"
)


def kind_of(token: str) -> IdKind | None:
    """Return the kind of an ID token by its prefix, or None when it is not an ID."""
    if token.startswith("S-VISION-"):
        return IdKind.VISION
    if token.startswith("S-DOMAIN-"):
        return IdKind.DOMAIN
    if token.startswith("S-SCREEN-"):
        return IdKind.SCREEN_SPEC
    for kind, pattern in SCAN_PATTERNS.items():
        if pattern.fullmatch(token):
            return kind
    if re.fullmatch(r"TS-[A-Z][A-Z0-9-]*-\d{3}", token):
        return IdKind.TEST_SCENARIO
    return None


def area_of(spec_id: str) -> str | None:
    """`S-LOAN-001` -> `LOAN`; None for area-less IDs."""
    m = re.match(r"^[A-Z]+-(?:FIX-)?(.+)-\d{3}$", spec_id)
    return m.group(1) if m else None


def strip_instance_suffix(item_id: str) -> str:
    """`M-USER-001` -> `M-USER` (masters/APIs defined with a numeric instance suffix)."""
    return re.sub(r"-\d+$", "", item_id)
