from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    """Background jobs (后台任务): long work run by the worker, with progress and results."""

    name = "canlian.jobs"

    def ready(self) -> None:
        # Each app registers its job kinds in its ``jobs`` module (people/jobs.py, …).
        autodiscover_modules("jobs")
