"""Quarterly progress rules (季度进展报送): when a quarter's report is due, whether a task is
overdue or lagging, and when to remind. Pure: takes dates and plain values, no Django.

The plans ask departments to report and the committee to supervise (督查并通报) without
fixing a calendar; the deployment's choice (demo value, unconfirmed) is: a quarter's report
is due on the 10th day after the quarter ends, a reminder goes out 7 days before, and a
task is lagging when its reported completion is more than 15 points behind the share of
the task's years already elapsed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DUE_DAYS_AFTER_QUARTER = 10
REMIND_DAYS_BEFORE = 7
LAG_POINTS = 15

ON_TRACK, LAGGING, OVERDUE, NOT_STARTED = "on_track", "lagging", "overdue", "not_started"


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def due_date(year: int, quarter: int) -> dt.date:
    """The day a quarter's report is due: the 10th day after the quarter's last day."""
    return quarter_end(year, quarter) + dt.timedelta(days=DUE_DAYS_AFTER_QUARTER)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def reporting_quarter(today: dt.date) -> tuple[int, int]:
    """The quarter being reported on ``today``: the one just ended while its report is not
    yet due, otherwise the current one (reported when it ends)."""
    year, quarter = quarter_of(today)
    prev = previous_quarter(year, quarter)
    return prev if today <= due_date(*prev) else (year, quarter)


def last_due_quarter(today: dt.date) -> tuple[int, int]:
    """The latest quarter whose report was due before ``today``."""
    year, quarter = previous_quarter(*quarter_of(today))
    while due_date(year, quarter) >= today:
        year, quarter = previous_quarter(year, quarter)
    return year, quarter


def remind_on(year: int, quarter: int) -> dt.date:
    return due_date(year, quarter) - dt.timedelta(days=REMIND_DAYS_BEFORE)


def expected_percent(start: int, end: int, year: int, quarter: int) -> int:
    """The share of a task's years elapsed at the end of (year, quarter), in percent."""
    total = (end - start + 1) * 4
    done = (year - start) * 4 + quarter
    return max(0, min(100, round(100 * done / total)))


@dataclass(frozen=True)
class Standing:
    status: str
    expected: int
    reported: int | None


def standing(*, start: int, end: int, today: dt.date, last_percent: int | None,
             last_reported: tuple[int, int] | None) -> Standing:
    """Where a department stands on a task on ``today``: overdue when the latest due
    quarter has no report, lagging when its completion trails the elapsed share by more
    than ``LAG_POINTS``; a task not begun yet is not judged."""
    due = last_due_quarter(today)
    if due[0] < start:
        return Standing(NOT_STARTED, 0, last_percent)
    if due[0] > end:
        due = (end, 4)
    expected = expected_percent(start, end, *due)
    if last_reported is None or last_reported < due:
        return Standing(OVERDUE, expected, last_percent)
    if last_percent is not None and last_percent < 100 and expected - last_percent > LAG_POINTS:
        return Standing(LAGGING, expected, last_percent)
    return Standing(ON_TRACK, expected, last_percent)
