"""When a scheduled job is due: pure functions over cron expressions (cronsim), no Django.

A *slot* is a moment a job's expression names, in the deployment's time zone. The
scheduler runs the latest slot that has passed, if it is no older than the job's catch-up
window: a scheduler that was down at 02:00 and comes back at 05:00 still takes the 02:00
backup, once; one down for a week does not run a week of sweeps.
"""

from __future__ import annotations

import datetime as dt

from cronsim import CronSim, CronSimError

OFF = "off"


class ScheduleError(ValueError):
    pass


def validate(expression: str) -> str:
    """The expression, checked (5 fields, or 6 with seconds first); ``off`` disables a job."""
    expression = " ".join(expression.split())
    if expression == OFF:
        return expression
    try:
        CronSim(expression, dt.datetime(2026, 1, 1))  # noqa: DTZ001  parse only
    except CronSimError as exc:
        raise ScheduleError(f"bad cron expression {expression!r}: {exc}") from None
    return expression


def latest(expression: str, now: dt.datetime, window: dt.timedelta) -> dt.datetime | None:
    """The latest slot at or before ``now`` (aware), if within ``window``; else None."""
    if expression == OFF:
        return None
    before = next(CronSim(expression, now.replace(microsecond=0) + dt.timedelta(seconds=1),
                          reverse=True), None)
    if before is None or before < now - window:
        return None
    return before


def upcoming(expression: str, now: dt.datetime) -> dt.datetime | None:
    """The next slot after ``now``."""
    if expression == OFF:
        return None
    return next(CronSim(expression, now), None)
