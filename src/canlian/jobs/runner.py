"""Running one job: what the worker's task calls, and the ``Context`` a job kind works with.

``run`` marks the job running, calls its kind in the language the job was started in,
records how it ended (succeeded with a summary and maybe a result file, or failed with a
message for its owner), and prunes expired files. Each of these writes commits on its
own: the kind's own work is in its own transaction, so a failed job leaves nothing of its
work behind, and its record still says why it failed.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import kinds, storage
from .models import Job, JobState

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two writes of the live progress


class Context:
    """What a job kind gets: the job, its owner and parameters, its files, and a way to
    report progress and messages."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.user = job.owner
        self.params: dict[str, Any] = job.params
        self.folder = storage.folder(job, create=True)
        self.done, self.total, self.note = 0, job.total, ""
        self.messages: list[dict[str, str]] = []
        self._written = 0.0
        # Stands in for the web request that started the job, for the audit log's address.
        client = job.params.get("client") or {}
        # (A bare request: no user or session, only the client's address and browser.)
        self.request = HttpRequest()
        self.request.META = {"REMOTE_ADDR": client.get("ip") or None,
                             "HTTP_USER_AGENT": client.get("agent", "")}

    def input(self, name: str) -> Path:
        """An input file the job was started with (``actions.start(files=…)``)."""
        return self.folder / name

    def progress(self, done: int, total: int | None = None, note: str = "") -> None:
        """Report ``done`` of ``total`` units (rows, persons …); cheap to call often."""
        self.done = done
        if total is not None:
            self.total = total
        if note:
            self.note = note
        if time.monotonic() - self._written >= PROGRESS_EVERY:
            self._write()

    def message(self, text: str, level: str = "info") -> None:
        """A line for the job's page (``info``, ``warning`` or ``error``)."""
        self.messages.append({"at": timezone.now().isoformat(), "level": level, "text": text})
        self._write()

    def result_file(self, produced: Path, download_name: str) -> None:
        """Keep ``produced`` (moved into the job's folder) as the job's result."""
        target = self.folder / f"result{produced.suffix}"
        shutil.move(produced, target)
        self.job.result_file, self.job.result_name = target.name, download_name

    def _write(self) -> None:
        self._written = time.monotonic()
        storage.write_progress(self.job, {
            "done": self.done, "total": self.total, "note": self.note,
            "messages": self.messages, "at": timezone.now().isoformat()})


def run(job_id: int) -> None:
    job = Job.objects.select_related("owner__region").filter(pk=job_id).first()
    if job is None or job.state != JobState.QUEUED:
        return  # gone, or delivered twice
    job.state, job.started_at = JobState.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    context = Context(job)
    try:
        kind = kinds.get(job.kind)
        with translation.override(job.params.get("language")):
            summary = kind.run(context)
    except kinds.JobError as exc:
        _finish(job, context, JobState.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.params.get("language")):
            error = (_("The job stopped because of a fault in the system. It has been "
                       "recorded; please try again later.")
                     if not isinstance(exc, DatabaseError)
                     else _("The job stopped because the database was unavailable. Please "
                            "start it again."))
        _finish(job, context, JobState.FAILED, error=error)
        raise
    else:
        _finish(job, context, JobState.SUCCEEDED, summary=summary)
    finally:
        try:
            storage.prune()
        except (OSError, DatabaseError):
            logger.exception("pruning expired job files failed")


def _finish(job: Job, context: Context, state: JobState, *, summary: dict | None = None,
            error: str = "") -> None:
    job.state, job.finished_at, job.error = state, timezone.now(), error
    job.done, job.total, job.messages = context.done, context.total, context.messages
    job.result = summary or {}
    if state == JobState.FAILED:
        job.result_file = job.result_name = ""
    job.save(update_fields=["state", "finished_at", "error", "done", "total", "messages",
                            "result", "result_file", "result_name"])
    storage.clear_progress(job)
