"""The one clock: "today" is the deployment's local date (``TIME_ZONE``), never the server's.

A server running in UTC and a federation in Beijing disagree about the date from 00:00 to
08:00 local time; expiry sweeps, roll months and age cut-offs must all follow the
federation's calendar, so every "today" in the code comes from here. Tests and
simulations can fix the date with ``frozen``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.date | None] = ContextVar("canlian_frozen_today", default=None)


def today() -> dt.date:
    """The deployment's local date."""
    return _frozen.get() or timezone.localdate()


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
