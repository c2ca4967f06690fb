"""The task the scheduler enqueues: run one scheduled run (``runner.run``)."""

from __future__ import annotations

from django_tasks import task

from . import runner


@task()
def run_scheduled(run_id: int) -> None:
    runner.run(run_id)
