"""Rate limits that hold under concurrency (限流), kept in the database.

``take`` checks several limits at once (e.g. one sign-in code a minute and five an hour
per resident ID, twenty an hour per client) and counts the attempt against all of them
only when every limit allows it. Check and count happen under a lock on each key: a
transaction-level advisory lock on PostgreSQL, and SQLite's write transactions, which
are serial (``transaction_mode=IMMEDIATE``). Eight simultaneous requests for one ID get
one code, not seven. Keys are stored as keyed digests (HMAC with the site secret).

The database, not the cache, because the cache is per process (several gunicorn workers
would each allow the limit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import ThrottleHit

KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    key: str
    limit: int
    window: dt.timedelta


def digest(scope: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{key}".encode(),
                    hashlib.sha256).hexdigest()


def _lock(keys: list[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):  # one order everywhere: no deadlock between takers
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def take(*limits: Limit) -> Limit | None:
    """Count one attempt against every limit, or none if any is reached: the first limit
    reached is returned (None: allowed and counted)."""
    now = timezone.now()
    keyed = [(limit, digest(limit.scope, limit.key)) for limit in limits]
    with transaction.atomic():
        _lock([k for _, k in keyed])
        for limit, key in keyed:
            used = ThrottleHit.objects.filter(scope=limit.scope, key=key,
                                              at__gt=now - limit.window).count()
            if used >= limit.limit:
                return limit
        seen = set()
        for limit, key in keyed:
            if (limit.scope, key) not in seen:
                seen.add((limit.scope, key))
                ThrottleHit.objects.create(scope=limit.scope, key=key, at=now)
        ThrottleHit.objects.filter(scope__in=[lim.scope for lim in limits],
                                   key__in=[k for _, k in keyed], at__lt=now - KEEP).delete()
    return None


def count(scope: str, key: str, window: dt.timedelta) -> int:
    """Attempts counted against (scope, key) within ``window`` (without counting one)."""
    return ThrottleHit.objects.filter(scope=scope, key=digest(scope, key),
                                      at__gt=timezone.now() - window).count()


def hit(scope: str, key: str, *, limit: int, window: dt.timedelta) -> bool:
    """One limit: True if the attempt is allowed (and counted)."""
    return take(Limit(scope, key, limit, window)) is None
