from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Domain events ("1+X"): published inside the transaction that caused them."""

    name = "canlian.events"
    verbose_name = _("Domain events")

    def ready(self) -> None:
        # The one table of subscriptions (canlian/subscriptions.py); imported here, once every
        # app is loaded, because it names handlers in every app.
        from canlian import subscriptions

        subscriptions.register()
