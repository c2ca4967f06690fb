"""The scheduled job sending the transfers' pending messages (``transfers_deliver``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from canlian.ops.registry import Scheduled, register

from . import actions


def deliver(slot: dt.datetime) -> dict[str, Any]:
    return actions.deliver_due()


register(Scheduled("transfers_deliver", _("Transfers between deployments: send and retry"),
                   deliver, "*/5 * * * *"))
