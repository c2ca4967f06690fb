"""What the shared web layer keeps: hits counted by rate limits (``throttle.py``)."""

from __future__ import annotations

from django.db import models


class ThrottleHit(models.Model):
    """One counted attempt: a scope (what is limited) and a keyed digest of who/what, so
    resident IDs and addresses are not kept in clear. Rows older than a day are pruned."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M:%S}"
