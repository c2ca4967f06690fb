"""The deployment's one clock: "today" is the local date where the federation works.

A server may run in UTC while the federation works in Beijing time (``TIME_ZONE``, by
default Asia/Shanghai): from 00:00 to 08:00 Beijing time the server's ``date.today()``
is still yesterday. Expiry sweeps, due dates, roll months, age cut-offs and the year an
indicator defaults to all take their date from here, never from the process's time zone.
Tests and replays of past months can fix the date with ``frozen``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.date | None] = ContextVar("canlian_frozen_today", default=None)


def now() -> dt.datetime:
    """The current instant (aware, UTC)."""
    return timezone.now()


def today() -> dt.date:
    """The deployment's local date (``settings.TIME_ZONE``), whatever the server's zone."""
    return _frozen.get() or timezone.localdate(timezone.now())  # noqa: TID251 - the one place


def day_of(instant: dt.datetime) -> dt.date:
    """The deployment's local date of a stored instant (``created_at``, ``updated_at``…).

    ``instant.date()`` would give its UTC date: a decision taken at 01:00 Beijing time
    would read as the day before.
    """
    return timezone.localdate(instant)  # noqa: TID251 - converts an instant, not "now"


def this_month() -> dt.date:
    """The first day of the deployment's current month."""
    return today().replace(day=1)


@contextmanager
def frozen(day: dt.date) -> Iterator[None]:
    """Within the block, ``today()`` is ``day`` (tests, replays of past months)."""
    token = _frozen.set(day)
    try:
        yield
    finally:
        _frozen.reset(token)
