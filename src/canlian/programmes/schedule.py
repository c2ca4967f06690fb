"""The daily age sweep of the programme engine (年龄节点重新评估) in the ops scheduler.

A child turning six (or seven, past a 0–6 rule) changes what they qualify for without
anyone touching the record, so no action could dispatch it: every day the persons whose
birthday reached an age limit of a programme in force are found in one query and
re-evaluated together (``actions.reevaluate``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.ops.registry import Scheduled, register

from . import actions


def programme_ages(slot: dt.datetime) -> dict[str, Any]:
    today = clock.today()
    return actions.reevaluate(actions.birthdays_crossing_limits(today), on=today,
                              source="年龄达到项目年龄界限")


JOB = register(Scheduled("programme_ages", _("Programme age limits reached"), programme_ages,
                         "50 1 * * *"))
