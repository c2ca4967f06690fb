"""The scheduled jobs (计划任务) and their schedules.

Each job is registered with a default cron expression; a deployment changes it in the
environment (``CANLIAN_SCHEDULE_<CODE>``, e.g. ``CANLIAN_SCHEDULE_BACKUP="30 1 * * *"``
or ``off``). Times are the deployment's local time (``TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import slots


@dataclass(frozen=True)
class Scheduled:
    code: str  # lower case, letters and underscores; the environment uses it upper-cased
    label: Any  # a lazy translated name
    run: Callable[[dt.datetime], dict[str, Any]]  # given the slot, returns a summary
    default: str  # cron expression
    retries: int = 2  # attempts after the first, before the run is shown as failed
    retry_delay: dt.timedelta = dt.timedelta(minutes=5)
    catch_up: dt.timedelta = dt.timedelta(hours=12)
    # A run still "running" after this long is taken as interrupted (a killed worker).
    timeout: dt.timedelta = dt.timedelta(hours=6)
    hidden: bool = field(default=False)  # internal (the worker's heartbeat): not listed

    @property
    def setting(self) -> str:
        return f"CANLIAN_SCHEDULE_{self.code.upper()}"

    def expression(self) -> str:
        try:
            return slots.validate(os.environ.get(self.setting, self.default))
        except slots.ScheduleError as exc:
            raise slots.ScheduleError(f"{self.setting}: {exc}") from None


REGISTRY: dict[str, Scheduled] = {}


def register(job: Scheduled) -> Scheduled:
    if job.code in REGISTRY and REGISTRY[job.code] is not job:
        raise ValueError(f"scheduled job {job.code} registered twice")
    slots.validate(job.default)
    REGISTRY[job.code] = job
    return job


def get(code: str) -> Scheduled:
    return REGISTRY[code]
