"""``canlian jobs prune``: delete the files of jobs that ended more than
``CANLIAN_JOB_RETENTION_DAYS`` ago (the worker also does it after every job);
``canlian jobs list``: the latest jobs and their states."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from canlian.jobs import storage
from canlian.jobs.models import Job


class Command(BaseCommand):
    help = "Background jobs: prune expired result files, or list the latest jobs."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["prune", "list"])

    def handle(self, *args, **opts):
        if opts["action"] == "prune":
            count = storage.prune()
            self.stdout.write(f"removed the files of {count} expired jobs")
            return
        for job in Job.objects.select_related("owner")[:30]:
            owner = job.owner.username if job.owner else "—"
            total = f"/{job.total:,}" if job.total else ""
            self.stdout.write(f"#{job.pk:<6} {job.kind:<24} {job.state:<10} {owner:<12} "
                              f"{job.done:,}{total}  {job.created_at:%Y-%m-%d %H:%M}")
