"""The scheduler's records: one row per run of a scheduled job (计划任务), and the
heartbeats of the processes the health check watches.

``ScheduledRun`` is unique per (job, slot): a slot is the moment the job's cron expression
named, so two schedulers that both see a slot due insert one row between them, and only
the one whose insert succeeded enqueues the run. A partial unique index allows one running
run per job: a run that would overlap the previous one (a backup still going when the
next is due) waits and retries instead of running beside it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Failed, will retry")
    SUCCEEDED = "succeeded", pgettext_lazy("scheduled run", "Completed")
    FAILED = "failed", pgettext_lazy("scheduled run", "Failed")


class ScheduledRun(models.Model):
    """One run of a scheduled job — 计划任务运行记录."""

    job = models.CharField(_("scheduled job"), max_length=40)
    slot = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices,
                             default=RunState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    scheduled_by = models.CharField(max_length=80, blank=True)  # host:pid of the scheduler
    ran_by = models.CharField(max_length=80, blank=True)  # host:pid of the worker

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot"),
            models.UniqueConstraint(fields=["job"], condition=models.Q(state="running"),
                                    name="one_running_run_per_job"),
        ]
        indexes = [models.Index(fields=["job", "-slot"], name="run_job_recent")]
        verbose_name = _("scheduled run")

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M} ({self.state})"


class Heartbeat(models.Model):
    """The last sign of life of a long-running process (scheduler, worker) — 心跳."""

    process = models.CharField(max_length=20)  # "scheduler" or "worker"
    host = models.CharField(max_length=80)
    pid = models.PositiveIntegerField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "host", "pid"],
                                               name="one_heartbeat_per_process")]

    def __str__(self) -> str:
        return f"{self.process} {self.host}:{self.pid}"
