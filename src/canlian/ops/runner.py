"""Running a scheduled run in the worker: claim it, run the job, record how it went, and
retry a failed run after a delay (``Scheduled.retries``); the last failure is shown on the
status page (``/ops/``) and logged at ERROR, for the federation's administrator.

Claiming sets the run "running"; the partial unique index ``one_running_run_per_job``
refuses a second running run of the same job, so a run that would overlap the previous
one is put back to wait for the retry delay instead.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from . import banner, metrics, registry, scheduler
from .models import RunState, ScheduledRun
from .work import NothingToDo

logger = logging.getLogger(__name__)


def run(run_id: int) -> ScheduledRun | None:
    row = ScheduledRun.objects.filter(pk=run_id).first()
    if row is None or row.state not in (RunState.QUEUED, RunState.RETRYING):
        return row  # gone, or delivered twice
    job = registry.REGISTRY.get(row.job)
    if job is None:
        ScheduledRun.objects.filter(pk=row.pk).update(
            state=RunState.FAILED, error=f"unknown scheduled job {row.job!r}",
            finished_at=timezone.now())
        return row
    try:
        with transaction.atomic():
            claimed = ScheduledRun.objects.filter(
                pk=row.pk, state__in=(RunState.QUEUED, RunState.RETRYING)).update(
                state=RunState.RUNNING, started_at=timezone.now(), attempts=row.attempts + 1,
                ran_by=scheduler.me())
    except IntegrityError:  # the previous run of this job is still going
        logger.warning("scheduled %s (%s): the previous run is still running; waiting",
                       row.job, row.slot)
        if scheduler.can_defer():  # without a delay (tests' immediate backend) it stays queued
            with transaction.atomic():
                scheduler.enqueue(row, delay=job.retry_delay.total_seconds())
        return row
    if not claimed:
        return row
    row.refresh_from_db()
    started = time.monotonic()
    failure: Exception | None = None
    try:
        summary = job.run(timezone.localtime(row.slot))
    except NothingToDo as exc:
        summary = {"skipped": str(exc)}
    except Exception as exc:
        failure = exc
        logger.exception("scheduled %s (%s) failed, attempt %s", job.code,
                         timezone.localtime(row.slot), row.attempts)
    if failure is not None:  # outside the handler: a retry run inline does not nest in it
        return _failed(job, row, failure, time.monotonic() - started)
    duration = time.monotonic() - started
    metrics.job_finished(job.code, "succeeded", duration)
    ScheduledRun.objects.filter(pk=row.pk).update(
        state=RunState.SUCCEEDED, finished_at=timezone.now(), duration=duration,
        summary=summary or {}, error="")
    banner.forget()
    logger.info("scheduled %s (%s) succeeded in %.1f s: %s", job.code,
                timezone.localtime(row.slot), duration, summary)
    row.refresh_from_db()
    return row


def _failed(job: registry.Scheduled, row: ScheduledRun, exc: Exception,
            duration: float) -> ScheduledRun:
    metrics.job_finished(job.code, "failed", duration)
    final = row.attempts > job.retries
    if final:
        # The message may quote a person: it is kept on the run (/ops/), the log has the type.
        logger.error("scheduled %s (%s) failed %s times, giving up: %s (the error is on /ops/)",
                     job.code, timezone.localtime(row.slot), row.attempts, type(exc).__name__)
    with transaction.atomic():
        ScheduledRun.objects.filter(pk=row.pk).update(
            state=RunState.FAILED if final else RunState.RETRYING,
            finished_at=timezone.now(), duration=duration, error=_describe(exc))
        if final:
            transaction.on_commit(banner.forget)
        if not final:
            row.refresh_from_db()
            scheduler.enqueue(row, delay=job.retry_delay.total_seconds())
    row.refresh_from_db()
    return row


def _describe(exc: Exception) -> str:
    if isinstance(exc, DatabaseError):
        return f"database error: {type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}"[:2000]
