"""The one task the queue knows: run a job by id (django-tasks; ``canlian db_worker`` runs
it). Kinds are dispatched by ``runner``, so a new kind needs no new task."""

from __future__ import annotations

from django_tasks import task

from . import runner


@task()
def run_job(job_id: int) -> None:
    runner.run(job_id)
