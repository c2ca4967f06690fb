"""The daily reminder job (报送提醒) in the ops scheduler: departments with tasks not yet
reported for the quarter whose report falls due within a week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.ops.registry import Scheduled, register


def plan_task_reminders(slot: dt.datetime) -> dict[str, Any]:
    from . import actions, queries

    plan = queries.current_plan()
    if plan is None:
        return {"reminders": 0, "plan": None}
    return {"reminders": actions.remind(plan, clock.today()), "plan": plan.code}


JOB = register(Scheduled("plan_task_reminders", _("Plan task report reminders"),
                         plan_task_reminders, "40 6 * * *"))
