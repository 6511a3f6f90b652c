"""Records of the domain masters (S-DOMAIN-001 §3), reduced to the fields the core needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Book:
    """One title in the catalog (M-BOOK)."""

    book_id: str
    isbn: str  # ISBN-13; the catalog stores it digits-only (VR-001)
    title: str
    author: str
    copies: int = 1
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class Member:
    """A registered library user (M-MEMBER)."""

    card_number: str  # `LIB-` + 6 digits (VR-002)
    name: str


@dataclass(frozen=True, slots=True)
class Loan:
    """One copy of a book lent to one member (M-LOAN)."""

    loan_id: str
    book_id: str
    card_number: str
    loan_date: date
    due_date: date
    returned_on: date | None = None

    @property
    def active(self) -> bool:
        return self.returned_on is None


@dataclass(frozen=True, slots=True)
class Fee:
    """A late fee owed for one returned loan (M-FEE). Amounts are whole yen."""

    fee_id: str
    loan_id: str
    card_number: str
    amount: int
    assessed_on: date
    paid: int = 0

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid
