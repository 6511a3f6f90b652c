"""Due dates and lateness: BR-002, CR-002 and the day count used by CR-001."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

LOAN_PERIOD_DAYS = 14  # BR-002
CLOSED_WEEKDAYS = frozenset({0})  # the library is closed on Mondays (date.weekday() == 0)


def is_closed(day: date, closed_dates: Collection[date] = ()) -> bool:
    """A closing day: every Monday, plus the dates of the closing calendar (年末年始 etc.)."""
    return day.weekday() in CLOSED_WEEKDAYS or day in closed_dates


def due_date_for(loan_date: date, closed_dates: Collection[date] = ()) -> date:
    """CR-002: loan date + 14 days, moved forward to the next opening day."""
    # Plain day arithmetic on purpose: F-LOAN-001 came from hand-rolled month arithmetic.
    due = loan_date + timedelta(days=LOAN_PERIOD_DAYS)
    while is_closed(due, closed_dates):
        due += timedelta(days=1)
    return due


def days_overdue(due_date: date, returned_on: date) -> int:
    """Calendar days after the due date; returning on the due date itself is on time."""
    return max(0, (returned_on - due_date).days)
