"""The scheduler (``canlian scheduler``): every few seconds it records each due slot of each
scheduled job and enqueues its run on the task queue; ``canlian db_worker`` runs it
(``runner``).

Recording a slot is an insert into ``ScheduledRun``, unique per (job, slot): two
schedulers (a second one started by mistake, or a standby on another server) that both see
a slot due race on that insert; the database lets one win, and only the winner enqueues.
With the database task backend the run's row and its task commit in one transaction, so a
scheduler killed between the two leaves neither.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import time
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from . import registry, slots
from .models import Heartbeat, RunState, ScheduledRun

logger = logging.getLogger(__name__)

TICK_SECONDS = 10


def me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(process: str) -> None:
    """Record that this process is alive (the health check reads it)."""
    Heartbeat.objects.update_or_create(
        process=process, host=socket.gethostname()[:80], pid=os.getpid(),
        defaults={"seen_at": timezone.now()})


def can_defer() -> bool:
    from .tasks import run_scheduled

    return run_scheduled.get_backend().supports_defer


def enqueue(run: ScheduledRun, *, delay: float = 0) -> None:
    """Put ``run`` on the task queue (after ``delay`` seconds where the backend can wait)."""
    from .tasks import run_scheduled

    task = run_scheduled
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    if task.get_backend().supports_defer:  # a database queue: commits with the run's row
        task.enqueue(run.pk)
    else:  # the immediate backend (tests): run once the row is committed
        transaction.on_commit(lambda: task.enqueue(run.pk))


def tick(now: Any = None) -> list[ScheduledRun]:
    """Record and enqueue every slot that is due; returns the runs this scheduler won."""
    now = now or timezone.now()
    now = timezone.localtime(now)
    won = []
    for job in registry.REGISTRY.values():
        slot = slots.latest(job.expression(), now, job.catch_up)
        if slot is None or ScheduledRun.objects.filter(job=job.code, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.code, slot=slot, scheduled_by=me())
                enqueue(run)
        except IntegrityError:  # another scheduler recorded this slot first
            logger.info("scheduler: %s at %s already taken by another scheduler", job.code, slot)
            continue
        logger.info("scheduler: queued %s for %s", job.code, slot)
        won.append(run)
    _interrupted(now)
    return won


def _interrupted(now: Any) -> None:
    """Runs left "running" past their job's time limit (their worker was killed) fail, so
    the next slot can run and the page says what happened."""
    for job in registry.REGISTRY.values():
        stale = ScheduledRun.objects.filter(job=job.code, state=RunState.RUNNING,
                                            started_at__lt=now - job.timeout)
        stale.update(state=RunState.FAILED, finished_at=now,
                     error="interrupted: still running after the time limit (worker killed?)")


class Stop:
    def __init__(self) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def stop(self, *_: Any) -> None:
        self.stopping = True


def loop(*, tick_seconds: float = TICK_SECONDS, once: bool = False) -> None:
    stop = Stop()
    logger.info("scheduler started (%s), jobs: %s", me(), ", ".join(
        f"{j.code}={j.expression()!r}" for j in registry.REGISTRY.values()))
    while not stop.stopping:
        started = time.monotonic()
        try:
            close_old_connections()
            beat("scheduler")
            tick()
        except Exception:
            if once:
                raise
            logger.exception("scheduler tick failed; trying again")
        if once:
            return
        while not stop.stopping and time.monotonic() - started < tick_seconds:
            time.sleep(0.2)
    logger.info("scheduler stopped (%s)", me())
