"""The one exception type of the lending core."""

from __future__ import annotations


class LendingError(Exception):
    """A refused operation.

    `code` is the error code the API returns for it, as listed in the domain spec
    (S-DOMAIN-001 §4), so the HTTP layer can map it without a second table.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
