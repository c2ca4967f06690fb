from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "canlian.transfers"
    label = "transfers"
    verbose_name = _("Transfers between deployments")

    def ready(self) -> None:
        from . import schedule  # noqa: F401 - registers the delivery job
