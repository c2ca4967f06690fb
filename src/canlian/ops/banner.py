"""The site-wide warning that a scheduled job failed (计划任务失败提醒).

A failed expiry sweep or payment-roll draft must not wait for someone to open /ops/: every
page of a user who can act on it (the capability that opens /ops/) carries a banner naming
the jobs whose latest run failed, until a later run succeeds. Read from the cache, refreshed
once a minute, so a busy list pays one cache lookup a page.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import pgettext

from canlian.accounts.roles import Capability

from . import registry
from .models import RunState, ScheduledRun

CACHE_KEY = "canlian:ops:failed-jobs"


def failed_jobs() -> list[str]:
    """Codes of the visible jobs whose most recent run failed, in registry order."""
    codes = [code for code, job in registry.REGISTRY.items() if not job.hidden]
    latest = {row["job"]: row["slot"] for row in ScheduledRun.objects.filter(job__in=codes)
              .values("job").annotate(slot=Max("slot"))}
    failed = set(ScheduledRun.objects.filter(job__in=latest, state=RunState.FAILED)
                 .values_list("job", "slot"))
    return [code for code in codes if (code, latest.get(code)) in failed]


def forget() -> None:
    """Drop the cached list (after a run finishes, so the banner follows at once)."""
    cache.delete(CACHE_KEY)


def context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.can(Capability.VIEW_AUDIT):
        return {}
    codes: list[str] = cache.get_or_set(CACHE_KEY, failed_jobs, 60) or []
    names = [str(registry.REGISTRY[c].label) for c in codes if c in registry.REGISTRY]
    return {"failed_jobs": pgettext("list separator", ", ").join(names)} if names else {}
