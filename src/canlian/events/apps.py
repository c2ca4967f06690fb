from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Domain events ("1+X"): published inside the transaction that caused them."""

    name = "canlian.events"
    verbose_name = _("Domain events")
