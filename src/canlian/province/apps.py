from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvinceConfig(AppConfig):
    name = "canlian.province"
    verbose_name = _("Province")

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the scheduled collection in province mode
