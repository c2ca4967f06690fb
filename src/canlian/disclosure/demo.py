"""Demo disclosure: the federation reports (freezes) the mid-term year and the last
finished year of the plan, so the public page has indicators to publish."""

from __future__ import annotations

import datetime as dt

from canlian.accounts.models import User
from canlian.core import clock
from canlian.regions.models import Deployment

from .views import _plan


def seed_disclosure(deployment: Deployment, *, today: dt.date | None = None) -> dict[str, int]:
    from canlian.indicators import actions
    from canlian.indicators.models import FrozenYear

    today = today or clock.today()
    plan = _plan()
    staff = User.objects.filter(username="federation").first()
    if plan is None or staff is None:
        return {}
    last = min(today.year - 1, plan.end)
    years = sorted({y for y in (plan.start + 2, last) if plan.start <= y <= last})
    made = 0
    for year in years:
        if not FrozenYear.objects.filter(plan=plan.code, year=year).exists():
            actions.freeze_year(staff, plan, year, note="演示数据")
            made += 1
    return {"years reported": made}
