from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    """Employment (就业): job seekers, training, employers' quota declarations and the levy."""

    name = "canlian.employment"
    verbose_name = _("Employment")
