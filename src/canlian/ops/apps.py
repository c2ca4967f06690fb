from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OpsConfig(AppConfig):
    """Running Canlian in production: the scheduler and its jobs, health and metrics,
    structured logs, proven backups and upgrade checks (docs/deploy.md, docs/operations.md)."""

    name = "canlian.ops"
    label = "ops"
    verbose_name = gettext_lazy("Operations")

    def ready(self) -> None:
        from . import work  # noqa: F401  registers the scheduled jobs
