"""Starting a job and handing out its result: the writes of the jobs app.

``start`` records the job, stores its input files and enqueues it in one transaction: with
the database task backend the queue's row commits with the job's, so the worker never sees
one without the other. Starting and downloading are audited like any other act.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language

from canlian.accounts import scoping
from canlian.audit.actions import record
from canlian.audit.models import Action

from . import kinds, storage
from .models import Job


def start(user: Any, kind: str, *, params: dict[str, Any] | None = None,
          files: dict[str, IO[bytes] | Path] | None = None,
          request: HttpRequest | None = None) -> Job:
    """Record and enqueue a job of ``kind`` for ``user``; ``files`` are stored beside it
    under the given names (``Context.input``)."""
    from .tasks import run_job

    spec = kinds.get(kind)
    scoping.require(user, spec.capability)
    with transaction.atomic():
        client = {"ip": request.META.get("REMOTE_ADDR", ""),
                  "agent": request.META.get("HTTP_USER_AGENT", "")[:200]} if request else {}
        job = Job.objects.create(
            kind=kind, owner=user, region_code=user.region.code if user.region else "",
            params={**(params or {}), "language": get_language(), "client": client})
        try:
            folder = storage.folder(job, create=True)
            for name, source in (files or {}).items():
                _store(source, folder / Path(name).name)
            record(user=user, action=Action.CREATE, object_type="job", object_id=str(job.pk),
                   request=request, summary=f"后台任务：{spec.label}（{kind}）")
            queued = run_job.enqueue(job.pk)
        except BaseException:
            shutil.rmtree(storage.folder(job), ignore_errors=True)
            raise
        # With the immediate backend (tests) the job has already run: keep what it wrote.
        Job.objects.filter(pk=job.pk).update(task_id=str(queued.id))
    job.refresh_from_db()
    return job


def _store(source: IO[bytes] | Path, target: Path) -> None:
    if isinstance(source, Path):
        shutil.copyfile(source, target)
        return
    if hasattr(source, "seek"):
        source.seek(0)
    with target.open("wb") as out:
        if hasattr(source, "chunks"):  # an uploaded file
            for chunk in source.chunks():
                out.write(chunk)
        else:
            shutil.copyfileobj(source, out)


def record_download(user: Any, job: Job, request: HttpRequest | None) -> None:
    record(user=user, action=Action.EXPORT, object_type="job", object_id=str(job.pk),
           request=request, summary=f"下载后台任务结果：{job.result_name}")
