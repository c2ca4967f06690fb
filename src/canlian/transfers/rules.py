"""Pure rules of the exchange between deployments (no Django): when to try again, which
month a moved person's subsidies may start at the destination."""

from __future__ import annotations

import datetime as dt

FIRST_RETRY = 60  # seconds after the first failed attempt
LONGEST_WAIT = 6 * 3600  # never wait longer than this between attempts
STATUS_POLL = 3600  # how often the place of residence asks for a decision


def backoff(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed attempts: 1, 2, 4, … minutes, at most 6 h."""
    if attempts <= 0:
        return 0
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def month_after(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def first_month_here(paid_through: dt.date | None, today: dt.date) -> dt.date:
    """The first day a subsidy may be counted from at the destination: the month after the
    last one the origin pays (the move month is paid by the origin: docs/domain.md §4), and
    not before this month. A subsidy the origin did not pay starts as any application."""
    this_month = today.replace(day=1)
    if paid_through is None:
        return today
    first = month_after(paid_through)
    return today if first <= this_month else first
