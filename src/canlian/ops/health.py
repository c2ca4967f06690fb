"""The health check (``/healthz``) for the load balancer and for monitoring.

Checks, each ``ok``, ``warn`` or ``fail``:

| check | fails when |
|---|---|
| database | a ``SELECT 1`` fails |
| migrations | a migration on disk is not applied (the code is newer than the schema) |
| disk | the data folder or the backup folder has less than ``CANLIAN_MIN_FREE_DISK_MB`` free |
| queue | the oldest task waiting to run has waited more than 10 minutes (warn after 2) |
| worker, scheduler | no heartbeat for 3 minutes (a heartbeat is written every minute) |

The answer is 503 when the web process itself cannot serve (database, migrations, disk):
the load balancer takes this server out. Background faults (queue, worker, scheduler)
make the answer 503 only with ``?strict=1``, the URL monitoring should poll; without it
they show in the body, so a stopped worker does not take every web server out.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

WEB_CHECKS = ("database", "migrations", "disk")
HEARTBEAT_LATE = dt.timedelta(minutes=3)
QUEUE_WARN, QUEUE_FAIL = 120, 600  # seconds the oldest waiting task has waited
_migrations_cache: dict[str, Any] = {}


def queue() -> tuple[int, float]:
    """Tasks waiting to run now, and how long the oldest of them has waited (seconds)."""
    from django.db.models import Case, Count, F, Min, When
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A deferred task (a retry) has waited since its ``run_after``, not since it was queued.
    since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    found = DBTaskResult.objects.ready().aggregate(n=Count("id"), oldest=Min(since))
    oldest = found["oldest"]
    return found["n"], (timezone.now() - oldest).total_seconds() if oldest else 0.0


def _migrations() -> tuple[str, str, dict[str, Any]]:
    cached = _migrations_cache.get("value")
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{m.app_label}.{m.name}" for m, _ in pending[:5]]
    value = ("ok", "all applied", {"pending": 0}) if not pending else (
        "fail", f"{len(pending)} pending: " + ", ".join(names),
        {"pending": len(pending), "names": names})
    _migrations_cache["value"] = (time.monotonic(), value)
    return value


def _disk() -> tuple[str, str, dict[str, Any]]:
    from . import backups

    minimum = int(os.environ.get("CANLIAN_MIN_FREE_DISK_MB", "1024")) * 1024 * 1024
    notes, status, free_gb = [], "ok", {}
    for name, path in (("data", Path(settings.DATA_DIR)), ("backups", backups.folder())):
        free = shutil.disk_usage(path).free
        free_gb[name] = round(free / 1024 ** 3, 1)
        notes.append(f"{name} {free / 1024 ** 3:.1f} GB free")
        if free < minimum:
            status = "fail"
    return status, "; ".join(notes), {"free_gb": free_gb}


def _heartbeat(process: str) -> tuple[str, str, dict[str, Any]]:
    from django.db.models import Max

    from .models import Heartbeat

    seen = Heartbeat.objects.filter(process=process).aggregate(at=Max("seen_at"))["at"]
    if seen is None:
        return "fail", "never seen", {"seen_seconds_ago": None}
    age = int((timezone.now() - seen).total_seconds())
    return (("ok" if timezone.now() - seen < HEARTBEAT_LATE else "fail"),
            f"last seen {age} s ago", {"seen_seconds_ago": age})


def _queue() -> tuple[str, str, dict[str, Any]]:
    depth, oldest = queue()
    status = "fail" if oldest > QUEUE_FAIL else "warn" if oldest > QUEUE_WARN else "ok"
    return (status, f"{depth} waiting, oldest {int(oldest)} s",
            {"waiting": depth, "oldest_seconds": int(oldest)})


def check() -> dict[str, Any]:
    """Every check's status and a note; ``healthy`` (web) and ``all_healthy`` (strict)."""
    results: dict[str, dict[str, Any]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        results["database"] = {"status": "ok", "note": connection.vendor,
                               "facts": {"vendor": connection.vendor}}
    except DatabaseError as exc:
        results["database"] = {"status": "fail", "note": type(exc).__name__,
                               "facts": {"error": type(exc).__name__}}
    checks = [("migrations", _migrations), ("disk", _disk), ("queue", _queue),
              ("worker", lambda: _heartbeat("worker")), ("scheduler", lambda: _heartbeat("scheduler"))]
    for name, run in checks:
        if results["database"]["status"] != "ok" and name != "disk":
            results[name] = {"status": "fail", "note": "database unavailable",
                             "facts": {"database_unavailable": True}}
            continue
        try:
            status, note, facts = run()
        except DatabaseError as exc:
            status, note, facts = "fail", type(exc).__name__, {"error": type(exc).__name__}
        results[name] = {"status": status, "note": note, "facts": facts}
    return {
        "healthy": all(results[c]["status"] != "fail" for c in WEB_CHECKS),
        "all_healthy": all(r["status"] != "fail" for r in results.values()),
        "checks": results,
    }
