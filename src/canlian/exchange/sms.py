"""The production text-message channel (短信通道): Kannel's HTTP ``sendsms`` interface.

Sign-in codes, deadline reminders and decisions reach citizens by text message. Kannel
(the open-source WAP/SMS gateway, https://www.kannel.org/) is the common way to reach an
operator's SMSC over SMPP or CIMD, and many commercial gateways accept its HTTP interface:
``GET <url>?username=&password=&from=&to=&text=&charset=UTF-8&coding=2&dlr-mask=&dlr-url=``
answers ``202 0: Accepted for delivery`` (older versions ``200``), ``4xx`` when the request
itself is wrong (bad credentials, a missing field) and ``503`` for a temporary failure.

``KannelNotifier`` (set ``CANLIAN_NOTIFIER=canlian.exchange.sms.KannelNotifier``) sends
one message, retrying a temporary failure (a 5xx answer, a refused or timed-out
connection) up to ``CANLIAN_SMS_ATTEMPTS`` times with a short back-off, never a refused
request (a 4xx would fail again). Every message gets a delivery log row (``SmsDelivery``)
with its attempts and the gateway's answer, and asks for delivery reports at
``/exchange/sms/report/<reference>/?status=%d``, which update the row.

Settings (environment): ``CANLIAN_SMS_URL``, ``CANLIAN_SMS_USERNAME``,
``CANLIAN_SMS_PASSWORD``, ``CANLIAN_SMS_FROM`` (sender), ``CANLIAN_SMS_ATTEMPTS`` (3),
``CANLIAN_SMS_TIMEOUT`` (seconds, 5), ``CANLIAN_SMS_REPORT_BASE`` (the public base URL the
gateway calls back; empty: no delivery reports).
"""

from __future__ import annotations

import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from canlian.portal.notifiers import Notifier

from . import actions

logger = logging.getLogger("canlian.exchange.sms")
DLR_MASK = 1 | 2  # delivered to the phone, or not


class SmsError(RuntimeError):
    """The gateway did not take the message (after the retries a temporary failure gets)."""


class KannelNotifier(Notifier):
    def __init__(self) -> None:
        self.url = settings.CANLIAN_SMS_URL
        if not self.url:
            raise ImproperlyConfigured("CANLIAN_SMS_URL must name the gateway's sendsms URL")
        self.attempts = max(1, settings.CANLIAN_SMS_ATTEMPTS)
        self.timeout = settings.CANLIAN_SMS_TIMEOUT
        self.backoff = settings.CANLIAN_SMS_BACKOFF

    def _query(self, phone: str, text: str, reference: str) -> str:
        params = {"username": settings.CANLIAN_SMS_USERNAME,
                  "password": settings.CANLIAN_SMS_PASSWORD, "to": phone, "text": text,
                  "charset": "UTF-8", "coding": "2"}
        if settings.CANLIAN_SMS_FROM:
            params["from"] = settings.CANLIAN_SMS_FROM
        if settings.CANLIAN_SMS_REPORT_BASE:
            report = reverse("exchange:sms_report", args=[reference])
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = settings.CANLIAN_SMS_REPORT_BASE.rstrip("/") + report + "?status=%d"
        return urllib.parse.urlencode(params)

    def send(self, phone: str, text: str) -> None:
        reference = secrets.token_hex(16)
        url = f"{self.url}?{self._query(phone, text, reference)}"
        status: int | None = None
        answer = ""
        for attempt in range(1, self.attempts + 1):
            try:
                with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 - the configured gateway
                    status, answer = response.status, response.read(200).decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                status, answer = exc.code, exc.read(200).decode("utf-8", "replace")
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                status, answer = None, f"connection: {getattr(exc, 'reason', exc)}"
            if status is not None and 200 <= status < 300:
                actions.log_sms(reference, phone, text, sent=True, attempts=attempt,
                                status=status, answer=answer)
                return
            permanent = status is not None and 400 <= status < 500
            logger.warning("SMS gateway attempt %d of %d failed: %s %s", attempt,
                           self.attempts, status, answer.strip()[:100])
            if permanent or attempt == self.attempts:
                break
            time.sleep(self.backoff * attempt)
        actions.log_sms(reference, phone, text, sent=False, attempts=attempt, status=status,
                        answer=answer)
        raise SmsError(f"the SMS gateway refused the message: "
                       f"{status or 'no connection'} {answer.strip()[:80]}")
