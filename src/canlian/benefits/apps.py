from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """The two subsidies (两项补贴): applications, grants and monthly payment rolls."""

    name = "canlian.benefits"
    verbose_name = _("Subsidies")
