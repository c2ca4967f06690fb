"""Demo plan-task progress: an account for every lead department of the deployment's plan
(the first, the civil affairs bureau, signs in as ``department``), and quarterly reports
from 2021 to the last quarter due — most on time and on track, some departments behind
or late, so the supervision page and the bulletin have something to say."""

from __future__ import annotations

import datetime as dt
import random

from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.core import clock
from canlian.regions.models import Deployment

from . import rules, tasks
from .models import ProgressReport, Reminder

DEMO_PASSWORD = "Canlian-demo-2026"  # noqa: S105 - the demo logins' password (demo/users.py)
TEXTS = ("已制订年度实施方案，按计划推进。", "召开部门联席会议，落实责任分工。",
         "完成季度工作目标，相关数据已报残联。", "开展专项督导，问题已整改。")


def seed_plantasks(deployment: Deployment, *, seed: int = 30, today: dt.date | None = None
                   ) -> dict[str, int]:
    today = today or clock.today()
    plan = tasks.for_region(deployment.root.name)
    if plan is None:
        return {}
    rng = random.Random(seed)
    leads = [d for d in plan.departments if any(d in t.lead for t in plan.tasks)]
    first = next(d for d in leads if "民政" in d)
    users = {}
    for n, department in enumerate(leads, start=1):
        username = "department" if department == first else f"dept{n:02d}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": Role.DEPARTMENT, "region": deployment.root,
                                         "organisation": department,
                                         "first_name": f"{department}联络员"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[department] = user
    last = min(rules.last_due_quarter(today), (plan.end, 4))
    # Each department's habit: on time and on track, behind (lagging), or late lately.
    habit = {d: rng.choice(("good", "good", "good", "behind", "late")) for d in leads}
    habit[first] = habit[plan.federation] = "good"  # the federation leads most tasks
    others = [d for d in leads if d not in (first, plan.federation)]
    for wanted in ("behind", "late"):  # each kind shown at least once
        if wanted not in habit.values() and others:
            habit[others.pop()] = wanted
    rows = []
    for t in plan.tasks:
        for department in t.lead:
            pace = {"good": 1.05, "behind": 0.6, "late": 1.0}[habit[department]]
            year, quarter = t.start, 1
            stop = rules.previous_quarter(*last) if habit[department] == "late" else last
            while (year, quarter) <= stop:
                percent = min(100, round(pace * rules.expected_percent(t.start, t.end, year,
                                                                       quarter)))
                due = rules.due_date(year, quarter)
                at = dt.datetime.combine(due - dt.timedelta(days=rng.randint(1, 9)), dt.time(10))
                rows.append(ProgressReport(
                    plan=plan.code, task=t.code, department=department, year=year,
                    quarter=quarter, percent=percent, text=rng.choice(TEXTS),
                    figures={"投入资金（万元）": rng.randint(5, 80)} if quarter == 4 else {},
                    submitted_by=users[department],
                    submitted_at=at.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))))
                year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    ProgressReport.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    year, quarter = rules.reporting_quarter(today)
    Reminder.objects.bulk_create(
        [Reminder(plan=plan.code, department=d, year=year, quarter=quarter,
                  due=rules.due_date(year, quarter), missing=len(plan.tasks_of(d, lead_only=True)))
         for d in leads if habit[d] == "late"], ignore_conflicts=True)
    return {"department accounts": len(users), "task progress reports": len(rows)}
