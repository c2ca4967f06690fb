"""Retention (保存期限): rows and files that are only useful for a while.

| what | kept | where it comes from |
|---|---|---|
| sign-in throttle counts | 1 day | ``core.throttle`` (``ThrottleHit``) |
| expired sessions | until they expire | Django's session table |
| jobs' files, finished queue rows | ``CANLIAN_JOB_RETENTION_DAYS`` | ``jobs.storage.prune`` |
| the worker's heartbeat runs | 1 day | ``ScheduledRun`` of hidden jobs |
| other scheduled runs | ``CANLIAN_RUN_RETENTION_DAYS`` (default 180) | ``ScheduledRun`` |
| heartbeats of processes gone | 7 days | ``Heartbeat`` |

The audit log, the registry's records and payment history are never pruned here.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.contrib.sessions.models import Session
from django.utils import timezone

from canlian.core.models import ThrottleHit
from canlian.core.throttle import KEEP
from canlian.jobs import storage

from . import registry
from .models import Heartbeat, ScheduledRun


def prune(now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    run_days = int(os.environ.get("CANLIAN_RUN_RETENTION_DAYS", "180"))
    hidden = [code for code, job in registry.REGISTRY.items() if job.hidden]
    finished = ("succeeded", "failed")
    return {
        "throttle": ThrottleHit.objects.filter(at__lt=now - KEEP).delete()[0],
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "job_files": storage.prune(now),
        "runs": ScheduledRun.objects.filter(job__in=hidden, slot__lt=now - dt.timedelta(days=1),
                                            state__in=finished).delete()[0]
        + ScheduledRun.objects.filter(slot__lt=now - dt.timedelta(days=run_days),
                                      state__in=finished).delete()[0],
        "heartbeats": Heartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=7)).delete()[0],
    }
