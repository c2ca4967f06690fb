"""The public notice (公示) before an approval: its period, whether it has run, and why an
approval must wait.

Several workflows post their applicants in the village (community) after the township
review and let the county federation approve only after the notice has run: the two
subsidies (``benefits``, length from the rule data ``public_notice``), the disability
certificate (``certificates``, 5 working days, 残疾人证管理办法) and the programmes' rewards
(``programmes``). Working days come from ``core.calendar`` (Monday–Friday less public
holidays, plus the adjusted working weekends), so a notice posted before 国庆 runs past the
holiday.

Pure module: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from canlian.core import calendar
from canlian.core.rule_text import RuleError, gettext_noop


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


def refusal(working_days: int | None, ends_on: dt.date | None,
            today: dt.date) -> RuleError | None:
    """Why an application cannot be approved on ``today`` for want of its notice, or None.

    ``working_days`` is the notice the application needs (None: it needs none); ``ends_on``
    the last day of the notice it was posted on (None: not posted yet). The error's code is
    ``notice_missing`` or ``notice_running``; its message says what to do."""
    if working_days is None:
        return None
    if ends_on is None:
        return RuleError("notice_missing", gettext_noop(
            "Post a public notice of %(days)s working days in the village first; "
            "approval comes after it has run"), days=working_days)
    if not has_run(ends_on, today):
        return RuleError("notice_running", gettext_noop(
            "The public notice runs until %(end)s; approve after it"),
            end=f"{ends_on:%Y-%m-%d}")
    return None
