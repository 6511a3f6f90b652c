# @spec S-FEES-001
"""Late fee assessment and payment (lending/fees.py)."""

from __future__ import annotations

from datetime import date

import pytest
from lending.errors import LendingError
from lending.fees import FeeLedger, late_fee
from lending.models import Loan

DUE = date(2026, 4, 21)


def returned(loan_id: str, card: str, on: date) -> Loan:
    return Loan(loan_id, "B-0001", card, date(2026, 4, 7), DUE, on)


# @uc UC-FEES-001
@pytest.mark.spec("FR-FEES-001", "CR-001")
@pytest.mark.parametrize(
    ("returned_on", "fee"),
    [(date(2026, 4, 20), 0), (DUE, 0), (date(2026, 4, 22), 10), (date(2026, 5, 21), 300)],
)
def test_fee_is_ten_yen_per_day_late(returned_on: date, fee: int) -> None:
    assert late_fee(DUE, returned_on) == fee


# @uc UC-FEES-001
# @fr FR-FEES-002
def test_late_return_is_recorded_as_an_unpaid_fee() -> None:
    ledger = FeeLedger()
    assert ledger.assess(returned("LN-1", "LIB-000101", DUE)) is None
    fee = ledger.assess(returned("LN-2", "LIB-000101", date(2026, 4, 26)))
    assert fee is not None
    assert (fee.loan_id, fee.amount, fee.outstanding, fee.assessed_on) == ("LN-2", 50, 50, date(2026, 4, 26))
    with pytest.raises(LendingError, match=r"^LOAN_NOT_RETURNED:"):
        ledger.assess(Loan("LN-3", "B-0001", "LIB-000101", date(2026, 4, 7), DUE))


@pytest.fixture
def ledger() -> FeeLedger:
    ledger = FeeLedger()
    ledger.assess(returned("LN-1", "LIB-000101", date(2026, 4, 24)))  # 30 yen, oldest
    ledger.assess(returned("LN-2", "LIB-000102", date(2026, 4, 30)))  # someone else's
    ledger.assess(returned("LN-3", "LIB-000101", date(2026, 5, 1)))  # 100 yen
    return ledger


@pytest.mark.spec("UC-FEES-002", "FR-FEES-003")
def test_member_sees_itemized_unpaid_fees_and_total(ledger: FeeLedger) -> None:
    assert [(f.loan_id, f.amount) for f in ledger.unpaid("LIB-000101")] == [("LN-1", 30), ("LN-3", 100)]
    assert ledger.outstanding("LIB-000101") == 130
    assert ledger.outstanding("LIB-000103") == 0


@pytest.mark.spec("UC-FEES-002", "FR-FEES-004")
def test_partial_payment_settles_oldest_fees_first(ledger: FeeLedger) -> None:
    touched = ledger.pay("LIB-000101", 50)
    assert [(f.loan_id, f.outstanding) for f in touched] == [("LN-1", 0), ("LN-3", 80)]
    assert [f.loan_id for f in ledger.unpaid("LIB-000101")] == ["LN-3"]
    ledger.pay("LIB-000101", 80)
    assert ledger.outstanding("LIB-000101") == 0
    assert ledger.outstanding("LIB-000102") == 90


@pytest.mark.spec("FR-FEES-004", "VR-004")
@pytest.mark.parametrize("amount", [0, -10, 131, True, 12.5])
def test_payment_amount_is_validated(ledger: FeeLedger, amount: object) -> None:
    with pytest.raises(LendingError, match=r"^INVALID_AMOUNT:"):
        ledger.pay("LIB-000101", amount)  # type: ignore[arg-type]
    assert ledger.outstanding("LIB-000101") == 130
