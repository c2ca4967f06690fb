from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The versioned REST API for other government systems (/api/v1/)."""

    name = "canlian.api"
    verbose_name = _("API")
