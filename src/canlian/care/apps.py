"""App configuration of care (托养与照护)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    """Care (托养): places, placements, waiting lists, day-care attendance and the quality
    inspection of care institutions and homes of the disabled."""

    name = "canlian.care"
    verbose_name = _("Care")
