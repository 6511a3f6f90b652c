"""Problem codes the reader emits (the gates' catalogue turns them into findings).

Codes are stable, never reused: SM2xx for files that cannot be read as written, SM3xx for the
matrix JSON.
"""

from __future__ import annotations

from specmesh_tasks.model.spec import Location, Problem
from specmesh_tasks.rule_names import RULE_NAMES

NOT_UTF8 = "SM206"  # not-utf8: decoded with replacement characters
TOO_LARGE = "SM207"  # file-too-large: over 10 MB, skipped
OUTSIDE_ROOT = "SM208"  # symlink-outside-root: skipped
UNREADABLE = "SM209"  # unreadable-file: an OSError while reading
UNTERMINATED_FENCE = "SM210"  # unterminated-code-fence: the rest of the file is code
UNTERMINATED_COMMENT = "SM211"  # unterminated-html-comment: the rest of the file is hidden
READER_ERROR = "SM212"  # reader-error: a bug in the reader, the file is only partly read
TABLE_DELIMITER_MISMATCH = "SM213"  # table-delimiter-mismatch: GitHub shows no table
NUL_BYTES = "SM214"  # nul-bytes: NUL characters in a text file
MATRIX_INVALID_JSON = "SM301"  # matrix-invalid-json

# The reader's codes; their names are listed with every rule's in rule_names.py (codes and names
# are both accepted in config and suppressions).
NAMES: dict[str, str] = {code: RULE_NAMES[code] for code in (
    NOT_UTF8, TOO_LARGE, OUTSIDE_ROOT, UNREADABLE, UNTERMINATED_FENCE, UNTERMINATED_COMMENT,
    READER_ERROR, TABLE_DELIMITER_MISMATCH, NUL_BYTES, MATRIX_INVALID_JSON)}


def problem(code: str, rel: str, line: int, message: str) -> Problem:
    """Shorthand for a Problem at `rel:line`."""
    return Problem(code, Location(rel, line), message)
