"""A background job (后台任务): who started which kind of work, how far it got, how it ended
and the file it produced.

The row is the job's record for people (the task queue's own row, in django-tasks-db, is
the worker's). Live progress while the job runs is kept beside its files (``storage``),
because a job usually works inside one long transaction whose writes nobody else sees
until it commits; the final figures are written here when it ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Completed")
    FAILED = "failed", _("Did not complete")


class Job(models.Model):
    kind = models.CharField(_("job kind"), max_length=60)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"),
                              on_delete=models.SET_NULL, null=True, related_name="+")
    # The owner's region when the job started: staff over that region may see the job.
    region_code = models.CharField(_("region"), max_length=12, blank=True)
    state = models.CharField(_("job state"), max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    messages = models.JSONField(default=list, blank=True)  # [{"at", "level", "text"}]
    result = models.JSONField(default=dict, blank=True)  # the kind's summary
    result_file = models.CharField(max_length=200, blank=True)  # in the job's folder
    result_name = models.CharField(max_length=200, blank=True)  # the name it downloads as
    error = models.TextField(blank=True)  # why a failed job failed, for its owner
    task_id = models.CharField(max_length=64, blank=True)  # the task queue's id
    created_at = models.DateTimeField(_("job started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("job ended"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent"),
                   models.Index(fields=["region_code", "-created_at"], name="job_region_recent")]
        verbose_name = _("background job")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)
