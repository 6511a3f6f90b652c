"""Find spec IDs and unfilled ID placeholders in text, with the exact `SCAN_PATTERNS` semantics.

Running every scan pattern over a whole file is slow (each starts with a look-behind, so
the regex engine tries every one at every offset). Instead one cheap candidate regex with a
literal-ish prefix finds where an ID may start, and the kind's own scan pattern decides at that
offset, against the real surrounding text. The verdict depends only on the candidate and the few
characters after it (the look-behind is checked separately), so it is memoised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from specmesh_tasks.model.ids import PLACEHOLDER_ID, SCAN_PATTERNS, IdKind, kind_of

_CANDIDATE = re.compile(r"(?:UC|FR|SCR|SC|S|F|M|API|BR|VR|CR|COMP|PLAN|T)-[A-Z0-9_*][A-Z0-9_*\-]*")
# Characters that may not precede an ID (the scan patterns' shared look-behind).
_BAD_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/.")
_BY_PREFIX: dict[str, tuple[IdKind, ...]] = {
    "S": (IdKind.FEATURE,), "F": (IdKind.FIX,), "UC": (IdKind.USE_CASE,),
    "FR": (IdKind.FR_RULE, IdKind.FR), "SC": (IdKind.SC,), "M": (IdKind.MASTER,),
    "API": (IdKind.API,), "BR": (IdKind.RULE,), "VR": (IdKind.RULE,), "CR": (IdKind.RULE,),
    "SCR": (IdKind.SCREEN,), "COMP": (IdKind.COMPONENT,), "PLAN": (IdKind.PLAN,),
    "T": (IdKind.TASK,),
}
_LOOKAHEAD = 4  # characters after a candidate that can change the verdict (`T-002.5`, `M-Xs`)
_MEMO: dict[str, tuple[str, IdKind] | None] = {}
_UNSEEN = ("", IdKind.TASK)  # a sentinel verdict for memo misses
_MEMO_LIMIT = 100_000
_PLACEHOLDER_NEEDLES = ("-{", "-[", "-ID", "-NNN", "-XXX")


class Token(NamedTuple):
    """One ID found in text (a tuple: thousands are made per file, so construction must be cheap)."""

    id: str
    kind: IdKind
    start: int  # offset in the scanned text
    wildcard: bool


def scan_ids(text: str) -> Iterator[Token]:
    """Every ID in `text`, in order, as the scan patterns would find them."""
    for start, token, kind in scan_raw(text):
        yield Token(token, kind, start, token.endswith("-*"))


def scan_raw(text: str) -> list[tuple[int, str, IdKind]]:
    """`scan_ids` as plain (offset, id, kind) tuples: the hot path of the reader."""
    bad, get, lookahead = _BAD_BEFORE, _MEMO.get, _LOOKAHEAD
    found = []
    for match in _CANDIDATE.finditer(text):
        start, end = match.span()
        if start and text[start - 1] in bad:
            continue
        key = text[start:end + lookahead]
        verdict = get(key, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = _classify(key)
        if verdict is not None:
            found.append((start, verdict[0], verdict[1]))
    return found


def _classify(key: str) -> tuple[str, IdKind] | None:
    """The ID at the start of `key` (candidate + look-ahead characters) and its kind."""
    prefix = key[:key.index("-")]
    verdict: tuple[str, IdKind] | None = None
    for kind in _BY_PREFIX.get(prefix, ()):
        found = SCAN_PATTERNS[kind].match(key)
        if found is not None:
            token = found.group(0)
            # `S-VISION-001` matches the feature pattern but names the vision spec
            refined = kind_of(token) if kind is IdKind.FEATURE else kind
            verdict = (token, refined or kind)
            break
    if len(_MEMO) > _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = verdict
    return verdict


def leading_id(text: str) -> tuple[str, IdKind] | None:
    """The ID that `text` starts with (after stripping), else None: `UC-A-001: Title` -> UC-A-001."""
    s = text.lstrip()
    match = _CANDIDATE.match(s)
    if match is None:
        return None
    key = s[:match.end() + _LOOKAHEAD]
    return _MEMO[key] if key in _MEMO else _classify(key)


def ids_in(text: str) -> list[Token]:
    """All IDs of a short string such as a table cell."""
    return list(scan_ids(text)) if "-" in text else []


def find_placeholders(text: str) -> Iterator[tuple[int, str]]:
    """(offset, token) of every unfilled ID placeholder (`S-{AREA}-001`, `SCR-ID`, ...)."""
    starts: set[int] = set()
    for needle in _PLACEHOLDER_NEEDLES:
        pos = text.find(needle)
        while pos >= 0:
            starts.add(text.rfind("\n", 0, pos) + 1)
            pos = text.find(needle, pos + 1)
    for line_start in sorted(starts):
        line_end = text.find("\n", line_start)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        for match in PLACEHOLDER_ID.finditer(line):
            yield line_start + match.start(), match.group(0)


_PLACEHOLDER_KINDS: dict[str, IdKind] = {
    "S": IdKind.FEATURE, "F": IdKind.FIX, "TS": IdKind.TEST_SCENARIO, "UC": IdKind.USE_CASE,
    "FR": IdKind.FR, "SC": IdKind.SC, "M": IdKind.MASTER, "API": IdKind.API, "PLAN": IdKind.PLAN,
    "SCR": IdKind.SCREEN, "T": IdKind.TASK,
}


def placeholder_kind(token: str) -> IdKind:
    """The kind an unfilled placeholder stands for: `UC-{AREA}-001` -> USE_CASE."""
    return _PLACEHOLDER_KINDS.get(token.split("-", 1)[0], IdKind.FEATURE)
