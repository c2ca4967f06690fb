from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """The plan's indicators (规划指标监测): computed from records, against the plan's targets."""

    name = "canlian.indicators"
    verbose_name = _("Plan indicators")
