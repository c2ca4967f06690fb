"""The scheduled collection (汇聚采集), registered only in province mode."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from canlian.ops.registry import Scheduled, register

from . import actions


def collect(slot: dt.datetime) -> dict[str, Any]:
    return actions.collect()


if settings.CANLIAN_MODE == "province":
    register(Scheduled("province_collect", _("Collect the cities' aggregates"), collect,
                       "20 * * * *", retries=1, catch_up=dt.timedelta(hours=2)))
