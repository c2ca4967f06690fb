from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizens' service platform (网上办、掌上办)."""

    name = "canlian.portal"
    verbose_name = _("Citizens' portal")
