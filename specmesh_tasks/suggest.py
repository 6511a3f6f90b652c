"""Suggestions for a mistyped name ("did you mean …?"): a near miss only, never a far one.

A suggestion that is not close (`SM999` -> `SM449`) sends a person looking in the wrong place, so
a candidate is offered only within a small edit distance of what was typed: one edit for words of
two to five characters (rule codes; none for a single letter), two up to ten, three beyond. An edit is an insertion, a
deletion, a substitution or a swap of two neighbours (`--fromat`). Case is ignored, and a letter O
or I/L typed for the digit 0 or 1 (`SM2O4`) counts as no edit at all.
"""

from __future__ import annotations

from collections.abc import Iterable

_DIGIT_LOOKALIKES = str.maketrans("oil", "011")


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to `word` within the allowed distance (ties: alphabetical), else None."""
    typed = _normal(word)
    best: tuple[int, str] | None = None
    for choice in sorted(set(choices)):
        distance = _distance(typed, _normal(choice))
        if distance <= _allowed(word) and (best is None or distance < best[0]):
            best = (distance, choice)
    return best[1] if best is not None else None


def did_you_mean(word: str, choices: Iterable[str], quote: str = "'") -> str:
    """`; did you mean 'rules'?` for a near miss, else ''."""
    near = closest(word, choices)
    return f"; did you mean {quote}{near}{quote}?" if near is not None else ""


def _normal(word: str) -> str:
    lowered = word.lower()
    if any(c.isdigit() for c in lowered):  # a code: letters that look like digits are digits
        head, tail = lowered[:2], lowered[2:]
        return head + tail.translate(_DIGIT_LOOKALIKES)
    return lowered


def _allowed(word: str) -> int:
    size = len(word.lstrip("-"))
    if size <= 1:
        return 0  # every other letter is one edit from a single letter: no guess is near
    return 1 if size <= 5 else 2 if size <= 10 else 3


def _distance(a: str, b: str) -> int:
    """Edit distance with swaps of neighbours (optimal string alignment)."""
    if abs(len(a) - len(b)) > 3:
        return 4  # more than any allowed distance; no need to compute it
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1]
