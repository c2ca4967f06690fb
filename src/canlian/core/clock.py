"""The deployment's one clock: "today" is the local date where the federation works.

A server may run in UTC while the federation works in Beijing time (``TIME_ZONE``, by
default Asia/Shanghai): from 00:00 to 08:00 Beijing time the server's ``date.today()``
is still yesterday. Expiry sweeps, due dates, roll months, age cut-offs and the year an
indicator defaults to all take their date from here, never from the process's time zone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant (aware, UTC)."""
    return timezone.now()


def today() -> dt.date:
    """The deployment's local date (``settings.TIME_ZONE``), whatever the server's zone."""
    return timezone.localdate(timezone.now())  # noqa: TID251 - the one place
