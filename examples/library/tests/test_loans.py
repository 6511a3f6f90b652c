# @spec S-LOAN-001
"""Lending and returns at the desk, and the My Loans list (lending/loans.py, lending/dates.py)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, timedelta

import pytest
from lending.catalog import Catalog
from lending.dates import due_date_for
from lending.errors import LendingError
from lending.loans import MAX_ACTIVE_LOANS, LoanDesk
from lending.models import Book, Loan, Member

TUESDAY = date(2026, 4, 7)


@pytest.fixture
def desk(books: tuple[Book, ...], members: tuple[Member, ...]) -> LoanDesk:
    desk = LoanDesk(Catalog(books))
    for member in members:
        desk.register(member)
    return desk


def refused(code: str) -> AbstractContextManager[pytest.ExceptionInfo[LendingError]]:
    return pytest.raises(LendingError, match=f"^{code}:")


# @uc UC-LOAN-001
@pytest.mark.spec("FR-LOAN-001", "FR-LOAN-002")
def test_borrow_creates_a_loan_due_in_fourteen_days(desk: LoanDesk) -> None:
    loan = desk.borrow("LIB-000101", "B-0004", on=TUESDAY)
    assert (loan.book_id, loan.card_number, loan.loan_date) == ("B-0004", "LIB-000101", TUESDAY)
    assert loan.due_date == date(2026, 4, 21)
    assert loan.active
    assert desk.availability("B-0004").available == 0


@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001", "VR-002")
@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("LIB-12345", "INVALID_CARD_NUMBER"),
        ("lib-000101", "INVALID_CARD_NUMBER"),
        ("LIB-００0101", "INVALID_CARD_NUMBER"),
        ("LIB-999999", "MEMBER_NOT_FOUND"),
    ],
)
def test_card_number_must_be_valid_and_known(desk: LoanDesk, card: str, code: str) -> None:
    with refused(code):
        desk.borrow(card, "B-0004", on=TUESDAY)


@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-001")
def test_no_copy_on_the_shelf_is_refused(desk: LoanDesk) -> None:
    desk.borrow("LIB-000101", "B-0003", on=TUESDAY)
    desk.borrow("LIB-000102", "B-0003", on=TUESDAY)  # the second of two copies
    with refused("COPY_NOT_AVAILABLE"):
        desk.borrow("LIB-000101", "B-0003", on=TUESDAY)
    with refused("BOOK_NOT_FOUND"):
        desk.borrow("LIB-000101", "B-0006", on=TUESDAY)  # withdrawn


@pytest.mark.spec("FR-LOAN-002", "CR-002", "BR-002")
def test_due_date_skips_closing_days() -> None:
    # 年末年始: closed 29 Dec - 3 Jan; 4 Jan 2027 is a Monday, so the first opening day is the 5th.
    closing = {date(2026, 12, 29) + timedelta(days=n) for n in range(6)}
    assert due_date_for(date(2026, 12, 16), closing) == date(2027, 1, 5)
    assert due_date_for(date(2026, 12, 12), closing) == date(2026, 12, 26)


# @spec F-LOAN-001
@pytest.mark.spec("FR-LOAN-002", "CR-002")
@pytest.mark.parametrize(
    ("lent", "due"),
    [
        (date(2026, 3, 20), date(2026, 4, 3)),  # the reported case: the slip said 4 April
        (date(2026, 1, 20), date(2026, 2, 3)),  # January into February was three days late
        (date(2026, 2, 20), date(2026, 3, 6)),  # February into March was three days early
        (date(2026, 3, 31), date(2026, 4, 14)),
        (date(2028, 2, 15), date(2028, 2, 29)),  # leap year
    ],
)
def test_due_date_is_right_across_month_ends(lent: date, due: date) -> None:
    assert due_date_for(lent) == due


@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-003", "BR-001")
def test_sixth_loan_is_refused(desk: LoanDesk) -> None:
    for book_id in ("B-0001", "B-0002", "B-0003", "B-0004", "B-0005"):
        desk.borrow("LIB-000101", book_id, on=TUESDAY)
    assert len(desk.loans_for("LIB-000101", TUESDAY)) == MAX_ACTIVE_LOANS
    with refused("LOAN_LIMIT_REACHED"):
        desk.borrow("LIB-000101", "B-0007", on=TUESDAY)


# @fr FR-LOAN-004
@pytest.mark.spec("UC-LOAN-001", "BR-003")
def test_unpaid_fees_of_500_yen_block_lending(desk: LoanDesk) -> None:
    loan = desk.borrow("LIB-000101", "B-0001", on=TUESDAY)
    desk.return_book(loan.loan_id, on=loan.due_date + timedelta(days=49))  # 490 yen
    desk.borrow("LIB-000101", "B-0002", on=TUESDAY)  # still allowed
    late = desk.borrow("LIB-000101", "B-0005", on=TUESDAY)
    desk.return_book(late.loan_id, on=late.due_date + timedelta(days=1))  # 500 yen in total
    with refused("UNPAID_FEES"):
        desk.borrow("LIB-000101", "B-0007", on=TUESDAY)
    desk.ledger.pay("LIB-000101", 10)
    assert desk.borrow("LIB-000101", "B-0007", on=TUESDAY).active


@pytest.mark.spec("UC-LOAN-001", "FR-RULE-001")
def test_first_blocking_reason_wins(desk: LoanDesk) -> None:
    # Ken has 5 loans and owes 500 yen, and no copy of B-0004 is on the shelf: the limit is named.
    desk.borrow("LIB-000101", "B-0004", on=TUESDAY)
    for book_id in ("B-0001", "B-0002", "B-0003", "B-0005", "B-0007"):
        desk.borrow("LIB-000102", book_id, on=TUESDAY)
    old_due = date(2026, 1, 20)
    desk.ledger.assess(Loan("LN-OLD", "B-0001", "LIB-000102", date(2026, 1, 6), old_due, date(2026, 3, 11)))
    assert desk.ledger.outstanding("LIB-000102") == 500
    with refused("LOAN_LIMIT_REACHED"):
        desk.borrow("LIB-000102", "B-0004", on=TUESDAY)
    with refused("INVALID_CARD_NUMBER"):
        desk.borrow("LIB-1", "B-0006", on=TUESDAY)


# @uc UC-LOAN-002
# @fr FR-LOAN-005
def test_return_closes_the_loan_and_frees_the_copy(desk: LoanDesk) -> None:
    loan = desk.borrow("LIB-000102", "B-0007", on=TUESDAY)
    returned, fee = desk.return_book(loan.loan_id, on=loan.due_date)
    assert (returned.returned_on, returned.active, fee) == (loan.due_date, False, None)
    assert desk.availability("B-0007").available == 1
    with refused("ALREADY_RETURNED"):
        desk.return_book(loan.loan_id, on=loan.due_date)
    with refused("LOAN_NOT_FOUND"):
        desk.return_book("LN-99999", on=loan.due_date)


@pytest.mark.spec("UC-LOAN-002", "FR-LOAN-005")
def test_late_return_assesses_a_fee(desk: LoanDesk) -> None:
    loan = desk.borrow("LIB-000102", "B-0007", on=TUESDAY)
    _, fee = desk.return_book(loan.loan_id, on=loan.due_date + timedelta(days=3))
    assert fee is not None and (fee.loan_id, fee.amount) == (loan.loan_id, 30)
    other = desk.borrow("LIB-000102", "B-0002", on=TUESDAY)
    with refused("INVALID_RETURN_DATE"):
        desk.return_book(other.loan_id, on=TUESDAY - timedelta(days=1))


# @uc UC-LOAN-003
@pytest.mark.spec("FR-LOAN-006")
def test_my_loans_lists_active_loans_soonest_due_first(desk: LoanDesk) -> None:
    early = desk.borrow("LIB-000101", "B-0005", on=date(2026, 3, 24))
    later = desk.borrow("LIB-000101", "B-0001", on=TUESDAY)
    gone = desk.borrow("LIB-000101", "B-0002", on=TUESDAY)
    desk.return_book(gone.loan_id, on=TUESDAY)
    desk.borrow("LIB-000102", "B-0004", on=TUESDAY)  # someone else's loan
    rows = desk.loans_for("LIB-000101", today=date(2026, 4, 10))
    assert [(r.loan.loan_id, r.title, r.overdue) for r in rows] == [
        (early.loan_id, "Moby-Dick", True),
        (later.loan_id, "こころ", False),
    ]
