from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """Services delivered to persons, institutions, and home-accessibility renovation."""

    name = "canlian.services"
    verbose_name = _("Services")
