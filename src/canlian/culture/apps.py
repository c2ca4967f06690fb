from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultureConfig(AppConfig):
    """Culture and sports (文化体育): events and attendance, teams, athletes, deliveries."""

    name = "canlian.culture"
    verbose_name = _("Culture and sports")
