"""In-text markers of a spec, and the suppression comment.

Grammar (case-sensitive; the reader looks only outside HTML comments, fenced code and code spans):

- `[NEEDS CLARIFICATION]` / `[NEEDS CLARIFICATION: question]`, `[DEFERRED: reason]` (also bare),
  `[HUMAN_CHECKPOINT]` (also `[HUMAN_CHECKPOINT] Spec Approval`), `[TODO]` / `[TODO: text]`, and
  the review markers `[USER FEEDBACK: …]` and `[PENDING OVERVIEW CHANGE: …]`. A full-width colon
  `：` is a colon; the text after it runs to the `]` on the same line.
- An open question: an unchecked `- [ ] text` item (`*` and `+` bullets too) inside a section
  whose title says Open Questions (`未解決`, `未決` in Japanese specs).
- A suppression: `specmesh: ignore CODE[, CODE …]` (codes or rule names, separated by commas or
  spaces). In a spec it is the whole text of an HTML comment (`<!-- specmesh: ignore SM204 -->`);
  in other files it may stand anywhere on a line.
"""

from __future__ import annotations

import re

# The marker words, as written inside the brackets.
NEEDS_CLARIFICATION, DEFERRED, HUMAN_CHECKPOINT = "NEEDS CLARIFICATION", "DEFERRED", "HUMAN_CHECKPOINT"
TODO, USER_FEEDBACK, PENDING_OVERVIEW_CHANGE = "TODO", "USER FEEDBACK", "PENDING OVERVIEW CHANGE"

MARKER = re.compile(
    r"\[(NEEDS CLARIFICATION|DEFERRED|HUMAN_CHECKPOINT|TODO|USER FEEDBACK|PENDING OVERVIEW CHANGE)"
    r"(?:\s*[:：][^\]\n]*)?\]"
)
OPEN_QUESTION_ITEM = re.compile(r"\s*[-*+]\s+\[ \]\s*(.*?)\s*$")
OPEN_QUESTION_TITLES = ("open question", "未解決", "未決")

# Codes and names (`SM204`, `undefined-reference`), separated by commas or spaces.
SUPPRESSION = re.compile(
    r"specmesh\s*:\s*ignore\s+([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*(?:\s*[,\s]\s*[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)*)"
)


def is_open_question_section(title: str) -> bool:
    """True for a section whose unchecked items are open questions."""
    folded = title.casefold()
    return any(word in folded for word in OPEN_QUESTION_TITLES)


def suppressed_codes(text: str, *, whole: bool = False) -> list[str] | None:
    """The codes of a suppression found in `text` (None when there is none); `whole=True`
    accepts `text` only when it is nothing but the suppression (a spec's comment body)."""
    match = SUPPRESSION.fullmatch(text.strip()) if whole else SUPPRESSION.search(text)
    if match is None:
        return None
    return [code for code in re.split(r"[\s,]+", match.group(1)) if code]
