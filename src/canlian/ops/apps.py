from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy


class OpsConfig(AppConfig):
    """Running Canlian in production: the scheduler and its jobs, health and metrics,
    structured logs, proven backups and upgrade checks (docs/deploy.md, docs/operations.md)."""

    name = "canlian.ops"
    label = "ops"
    verbose_name = gettext_lazy("Operations")

    def ready(self) -> None:
        # The scheduled jobs: the platform's own (work.py), then every app's, each in its
        # ``schedule`` module (evaluation, plantasks, programmes, province, transfers, …),
        # as the jobs app finds every app's job kinds in its ``jobs`` module.
        from . import work  # noqa: F401
        autodiscover_modules("schedule")
