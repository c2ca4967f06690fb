"""Reading reports from a streaming read replica (只读副本), when one is configured.

A province-sized registry spends most of its database time on dashboards, reports and
exports, which read a lot and write nothing. With ``DATABASE_REPLICA_URL`` set, code that
runs inside ``reading()`` (views marked ``@from_replica``, read-only jobs) sends its reads
to the replica; every write, and every read outside ``reading()``, goes to the primary, so
a user never reads their own change from a replica that has not replayed it yet.

The replica is used only while it answers and has replayed the primary's WAL to within
``CANLIAN_REPLICA_MAX_LAG`` seconds; otherwise reads fall back to the primary (checked at
most every ``CHECK_EVERY`` seconds per process), so a replica that is down or behind
costs a slower report, never a wrong or failed one.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

ALIAS = "replica"
CHECK_EVERY = 5.0  # seconds between health checks of the replica, per process

_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("canlian_replica", default=False)
_state: dict[str, Any] = {"checked": 0.0, "usable": False, "reason": "not checked"}

F = TypeVar("F", bound=Callable[..., Any])

# Sign-in state is read from the primary always: a session or account written a moment ago
# (a sign-in, a second factor, a lockout) must be there at the next request.
PRIMARY_ONLY = frozenset({"sessions", "auth", "accounts", "axes", "otp_totp", "otp_static",
                          "django_otp", "contenttypes", "admin", "core"})


def configured() -> bool:
    return ALIAS in settings.DATABASES


LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def lag() -> float | None:
    """Seconds the replica is behind the primary (0 when it has replayed all it received);
    None when it does not answer or is not a standby."""
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(LAG_SQL)
            standby, seconds = cursor.fetchone()
    except DatabaseError:
        connections[ALIAS].close()
        return None
    return float(seconds) if standby else None


def usable() -> bool:
    """Whether reads may go to the replica now (cached for ``CHECK_EVERY`` seconds)."""
    if not configured():
        return False
    now = time.monotonic()
    if now - _state["checked"] >= CHECK_EVERY:
        seconds = lag()
        bound = settings.CANLIAN_REPLICA_MAX_LAG
        usable_now = seconds is not None and seconds <= bound
        reason = ("ok" if usable_now else "unreachable or not a standby" if seconds is None
                  else f"{seconds:.0f} s behind (bound {bound:.0f} s)")
        if usable_now != _state["usable"]:
            log = logger.info if usable_now else logger.warning
            log("read replica %s: %s", "in use" if usable_now else "not used", reason)
        _state.update(checked=now, usable=usable_now, reason=reason)
    return bool(_state["usable"])


def forget() -> None:
    """Check the replica again at the next read (tests, and after a failover)."""
    _state.update(checked=0.0, usable=False, reason="not checked")


@contextmanager
def reading() -> Iterator[None]:
    """Reads inside go to the replica while it is usable."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def from_replica(view: F) -> F:
    """Mark a read-only view (a dashboard, report or export) as served from the replica."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reading():
            return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


class Router:
    """Reads inside ``reading()`` go to the replica while it is usable; all else to the
    primary. Migrations run on the primary only (the replica replays them)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and model._meta.app_label not in PRIMARY_ONLY and usable():
            return ALIAS
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read there may point at one
        # read from the primary (the audit record of a report's reader).
        if {obj1._state.db, obj2._state.db} <= {"default", ALIAS}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
