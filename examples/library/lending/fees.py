"""Late fees: assessment on return and payment at the desk (S-FEES-001; API-FEE-LIST, API-FEE-PAY)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lending.dates import days_overdue
from lending.errors import LendingError
from lending.models import Fee, Loan

FEE_PER_DAY_YEN = 10  # CR-001


def late_fee(due_date: date, returned_on: date) -> int:
    """CR-001: 10 yen for every calendar day after the due date, per loan."""
    # No cap yet: the per-loan maximum is DEFERRED in S-FEES-001 (PM approval pending).
    return days_overdue(due_date, returned_on) * FEE_PER_DAY_YEN


class FeeLedger:
    """Every fee ever assessed, in the order assessed (which is also the payment order)."""

    def __init__(self) -> None:
        self._fees: list[Fee] = []

    def assess(self, loan: Loan) -> Fee | None:
        """FR-FEES-001/002: record the fee of a returned loan; None when it came back on time."""
        if loan.returned_on is None:
            raise LendingError("LOAN_NOT_RETURNED", f"{loan.loan_id} has not been returned")
        amount = late_fee(loan.due_date, loan.returned_on)
        if amount == 0:
            return None
        fee = Fee(
            fee_id=f"FEE-{len(self._fees) + 1:05d}",
            loan_id=loan.loan_id,
            card_number=loan.card_number,
            amount=amount,
            assessed_on=loan.returned_on,
        )
        self._fees.append(fee)
        return fee

    def unpaid(self, card_number: str) -> list[Fee]:
        """FR-FEES-003: the member's unpaid fees, oldest first."""
        return [f for f in self._fees if f.card_number == card_number and f.outstanding > 0]

    def outstanding(self, card_number: str) -> int:
        """Total still owed by a member, in yen (read by BR-003 when lending)."""
        return sum(f.outstanding for f in self.unpaid(card_number))

    def pay(self, card_number: str, amount: int) -> list[Fee]:
        """FR-FEES-004: take a payment, settling the oldest fees first; returns the fees touched."""
        owed = self.outstanding(card_number)
        # bool is an int subclass; a checkbox value must never count as one yen.
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= owed:
            raise LendingError("INVALID_AMOUNT", f"amount must be between 1 and {owed} yen")
        touched: list[Fee] = []
        left = amount
        for fee in self.unpaid(card_number):
            if left == 0:
                break
            part = min(left, fee.outstanding)
            settled = replace(fee, paid=fee.paid + part)
            self._fees[self._fees.index(fee)] = settled
            touched.append(settled)
            left -= part
        return touched
