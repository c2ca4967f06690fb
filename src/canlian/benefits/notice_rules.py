"""The public notice (公示) before a subsidy is approved: its period and whether it has run.

After the township review the applicants are posted in their village (community) for a
number of working days the deployment's rule data sets (``public_notice`` in
``data/<deployment>.yaml``); the county federation may approve only after the last day.
Working days come from ``core.calendar`` (Monday–Friday less public holidays, plus the
adjusted working weekends), so a notice posted before 国庆 runs past the holiday.

Pure module: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from canlian.core import calendar


@dataclass(frozen=True)
class Period:
    """The days a notice is posted: ``first`` and ``last`` are working days, inclusive."""

    first: dt.date
    last: dt.date


def period(starts_on: dt.date, working_days: int) -> Period:
    """The notice posted from ``starts_on`` for ``working_days`` working days. A notice
    posted on a rest day starts counting on the next working day."""
    if working_days < 1:
        raise ValueError("a notice lasts at least one working day")
    last = calendar.add_working_days(starts_on - dt.timedelta(days=1), working_days)
    first = calendar.add_working_days(starts_on - dt.timedelta(days=1), 1)
    return Period(first, last)


def has_run(last_day: dt.date, today: dt.date) -> bool:
    """Whether a notice whose last day is ``last_day`` is over on ``today``: approval may
    come on the day after the last day, not on it (objections may arrive until its end)."""
    return today > last_day
