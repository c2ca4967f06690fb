"""Sending a text message to a citizen: a pluggable notifier (短信通道).

``CANLIAN_NOTIFIER`` names the class (a dotted path). The default, ``ConsoleNotifier``,
keeps the message in the development outbox page (``/portal/dev/outbox/``) and logs it to the
development server's console; it refuses to run in
production, where a deployment plugs in its SMS gateway by subclassing ``Notifier``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger("canlian.portal.sms")


class Notifier:
    """Sends ``text`` to ``phone``; raises on failure so the caller can tell the user."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleNotifier(Notifier):
    """Development and tests: print the message and keep it in the outbox page."""

    def send(self, phone: str, text: str) -> None:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("ConsoleNotifier cannot send real messages: set "
                                       "CANLIAN_NOTIFIER to the deployment's SMS gateway.")
        from .models import OutboxMessage

        OutboxMessage.objects.create(to=phone, text=text)
        # The development server's console shows it (settings.LOGGING); tests and the demo's
        # seed keep it to the outbox page, so a phone number never fills a log.
        logger.info("SMS to %s: %s", phone, text)


def get_notifier() -> Notifier:
    return import_string(settings.CANLIAN_NOTIFIER)()
