"""Lending and returns at the desk, and a member's loan list (S-LOAN-001).

API-LOAN-CREATE, API-LOAN-RETURN and API-LOAN-LIST are thin wrappers around `LoanDesk`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from lending.catalog import Availability, Catalog, availability
from lending.dates import due_date_for
from lending.errors import LendingError
from lending.fees import FeeLedger
from lending.models import Fee, Loan, Member

MAX_ACTIVE_LOANS = 5  # BR-001
FEE_BLOCK_YEN = 500  # BR-003
CARD_NUMBER = re.compile(r"LIB-[0-9]{6}")  # VR-002; [0-9], not \d, which accepts non-ASCII digits


@dataclass(frozen=True, slots=True)
class LoanView:
    """One row of the My Loans screen (FR-LOAN-006)."""

    loan: Loan
    title: str
    overdue: bool


class LoanDesk:
    """The lending counter: members, active and past loans, and the fee ledger."""

    def __init__(
        self,
        catalog: Catalog,
        ledger: FeeLedger | None = None,
        closed_dates: Collection[date] = (),
    ) -> None:
        self.catalog = catalog
        self.ledger = ledger if ledger is not None else FeeLedger()
        self._closed = frozenset(closed_dates)
        self._members: dict[str, Member] = {}
        self._loans: dict[str, Loan] = {}

    def register(self, member: Member) -> Member:
        _check_card(member.card_number)
        self._members[member.card_number] = member
        return member

    def borrow(self, card_number: str, book_id: str, on: date) -> Loan:
        """UC-LOAN-001: checks in the order of the use case's alternate flows."""
        member = self._member(card_number)
        book = self.catalog.get(book_id)
        if len(self._active(member.card_number)) >= MAX_ACTIVE_LOANS:
            raise LendingError("LOAN_LIMIT_REACHED", f"{card_number} already has {MAX_ACTIVE_LOANS} loans")
        owed = self.ledger.outstanding(member.card_number)
        if owed >= FEE_BLOCK_YEN:
            raise LendingError("UNPAID_FEES", f"{card_number} owes {owed} yen")
        if self.availability(book.book_id).available == 0:
            raise LendingError("COPY_NOT_AVAILABLE", f"every copy of {book_id} is out")
        loan = Loan(
            loan_id=f"LN-{len(self._loans) + 1:05d}",
            book_id=book.book_id,
            card_number=member.card_number,
            loan_date=on,
            due_date=due_date_for(on, self._closed),
        )
        self._loans[loan.loan_id] = loan
        return loan

    def return_book(self, loan_id: str, on: date) -> tuple[Loan, Fee | None]:
        """UC-LOAN-002: close the loan; a late return hands over to S-FEES-001 for the fee."""
        loan = self._loans.get(loan_id)
        if loan is None:
            raise LendingError("LOAN_NOT_FOUND", f"no loan {loan_id}")
        if not loan.active:
            raise LendingError("ALREADY_RETURNED", f"{loan_id} was returned on {loan.returned_on}")
        if on < loan.loan_date:
            raise LendingError("INVALID_RETURN_DATE", f"{on} is before the loan date {loan.loan_date}")
        returned = replace(loan, returned_on=on)
        self._loans[loan_id] = returned
        return returned, self.ledger.assess(returned)

    def loans_for(self, card_number: str, today: date) -> list[LoanView]:
        """UC-LOAN-003: active loans, soonest due first, overdue ones flagged."""
        member = self._member(card_number)
        loans = sorted(self._active(member.card_number), key=lambda loan: (loan.due_date, loan.loan_id))
        return [LoanView(loan, self._title(loan.book_id), today > loan.due_date) for loan in loans]

    def availability(self, book_id: str) -> Availability:
        return availability(self.catalog.get(book_id), self._loans.values())

    def _member(self, card_number: str) -> Member:
        _check_card(card_number)
        member = self._members.get(card_number)
        if member is None:
            raise LendingError("MEMBER_NOT_FOUND", f"no member with card {card_number}")
        return member

    def _title(self, book_id: str) -> str:
        return self.catalog.get(book_id, include_withdrawn=True).title

    def _active(self, card_number: str) -> list[Loan]:
        return [loan for loan in self._loans.values() if loan.card_number == card_number and loan.active]


def _check_card(card_number: str) -> None:
    if CARD_NUMBER.fullmatch(card_number) is None:
        raise LendingError("INVALID_CARD_NUMBER", f"{card_number!r} is not a library card number")
