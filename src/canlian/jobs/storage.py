"""Where a job's files live: ``DATA_DIR/jobs/<id>/`` holds its inputs (an uploaded
workbook), its result file and, while it runs, ``progress.json``.

The web process and the worker must share the data folder (one machine, or a shared
volume). Result files are kept ``CANLIAN_JOB_RETENTION_DAYS`` days after the job ends
(``prune``: after every job, and ``canlian jobs prune``); the job's record stays, with
its summary, and says the file has expired.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import Job

PROGRESS = "progress.json"


def root() -> Path:
    return Path(settings.DATA_DIR) / "jobs"


def folder(job: Job, *, create: bool = False) -> Path:
    path = root() / str(job.pk)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def write_progress(job: Job, state: dict[str, Any]) -> None:
    """Replace the job's live progress (written to a temporary file, then renamed, so a
    reader never sees half of it)."""
    target = folder(job, create=True) / PROGRESS
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".progress-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(state, fh, ensure_ascii=False)
    os.replace(temporary, target)


def read_progress(job: Job) -> dict[str, Any] | None:
    try:
        return json.loads((folder(job) / PROGRESS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def clear_progress(job: Job) -> None:
    (folder(job) / PROGRESS).unlink(missing_ok=True)


def result_path(job: Job) -> Path | None:
    """The job's result file, if it has one that has not expired."""
    if not job.result_file:
        return None
    path = folder(job) / job.result_file
    return path if path.is_file() else None


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.CANLIAN_JOB_RETENTION_DAYS)


def prune(now: dt.datetime | None = None) -> int:
    """Delete the files of jobs that ended more than the retention ago; returns how many
    jobs lost their files. Their records stay."""
    cutoff = (now or timezone.now()) - retention()
    expired = list(Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="")
                   .values_list("pk", flat=True))
    for pk in expired:
        shutil.rmtree(root() / str(pk), ignore_errors=True)
    if expired:
        Job.objects.filter(pk__in=expired).update(result_file="")
    # Finished jobs without a result file may still have their inputs.
    for pk in Job.objects.filter(finished_at__lt=cutoff).values_list("pk", flat=True):
        if (root() / str(pk)).exists():
            shutil.rmtree(root() / str(pk), ignore_errors=True)
    _prune_task_results(cutoff)
    return len(expired)


def _prune_task_results(cutoff: dt.datetime) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
