"""Cursor pagination by (updated_at, id): stable under concurrent changes, and the natural
order for incremental sync (pass ``updated_since`` with the last sync's time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from .errors import ApiError

MAX_LIMIT = 500


# A cursor is "<microseconds since 1970>-<id>": every string of this shape is a valid
# position (the schema says so), so a client can never send a "valid but rejected" cursor.
CURSOR_PATTERN = r"^\d{1,16}-\d{1,18}$"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LAST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _encode(updated_at: dt.datetime, pk: int) -> str:
    micros = (updated_at - EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}-{pk}"


def _decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        micros, pk = cursor.split("-")
        return EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise ApiError(422, "invalid", gettext("Invalid cursor"), "cursor") from None


def cursor_page(qs: QuerySet, cursor: str | None, limit: int) -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(422, "invalid", gettext("limit must be 1–%(max)s") % {"max": MAX_LIMIT},
                       "limit")
    qs = qs.order_by("updated_at", "id")
    if cursor:
        stamp, pk = _decode(cursor)
        qs = qs.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, id__gt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"count": len(rows), "results": rows,
            "next_cursor": _encode(rows[-1].updated_at, rows[-1].pk) if more else None}


def since(value: dt.datetime | None) -> dt.datetime | None:
    """A client's ``updated_since`` as an aware UTC time within what databases store.

    Any ISO time is accepted (odd offsets, year 1, naive times read as UTC); times before
    1970 mean "from the beginning" and times past year 9999 (an offset can push 9999-12-31
    over) "nothing yet", so the database never sees an out-of-range value.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except OverflowError:
        return LAST if value.year > 1970 else EPOCH
    return min(max(value, EPOCH), LAST)
