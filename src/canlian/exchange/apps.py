"""App configuration of exchange (数据交换)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Exchange (数据交换): imports from and exports to the government's other systems."""

    name = "canlian.exchange"
    verbose_name = _("Data exchange")
