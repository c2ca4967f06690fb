"""Demo education records: the register taken from the surveys (set-based), then for some
children 一人一案 assessments, teaching-at-home plans with visits (some months missed),
follow-up on out-of-school cases, and student aid."""

from __future__ import annotations

import datetime as dt
import random

from canlian.accounts.models import User
from canlian.core import clock
from canlian.regions.models import Deployment

from . import actions
from .models import DropoutCase, Pupil


def seed_education(deployment: Deployment, *, seed: int = 27, today: dt.date | None = None
                   ) -> dict[str, int]:
    from canlian.surveys.models import AnnualSurvey

    today = today or clock.today()
    rng = random.Random(seed)
    rng_range = deployment.root.code_range
    years = sorted(set(AnnualSurvey.objects.filter(village__code__range=rng_range)
                       .values_list("year", flat=True)))
    for year in years:
        with clock.frozen(max(dt.date(year, 12, 31), today) if year < today.year else today):
            actions.sync_from_surveys(year, rng_range)
    staff = User.objects.get(username="federation")
    # children staff found out of school this term (控辍保学), one already back
    from canlian.people.models import Person

    children = list(Person.objects.filter(
        village__code__range=rng_range, life_status="alive",
        birth_date__range=(dt.date(today.year - 13, 1, 1), dt.date(today.year - 8, 12, 31)))
        .order_by("id")[:4])
    term = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for i, child in enumerate(children):
        actions.set_status(staff, child, status="not_enrolled",
                           reason=["family", "illness", "refused", "moved"][i % 4], since=term)
        if i == 0:
            actions.set_status(staff, child, status="compulsory_school", school="中心小学",
                               highest_level="none", since=today)
    pupils = Pupil.objects.filter(village__code__range=rng_range)
    home = list(pupils.filter(status__in=["compulsory_home", "compulsory_special"])[:12])
    plans = visits = 0
    start = (today.replace(day=1) - dt.timedelta(days=95)).replace(day=1)
    for i, pupil in enumerate(home):
        actions.assess(staff, pupil.pk, assessed_on=start - dt.timedelta(days=10),
                       assessed_by="残疾人教育专家委员会", needs="需个别化教育与康复训练",
                       recommended="home" if pupil.status == "compulsory_home" else "special_school",
                       decision="home" if pupil.status == "compulsory_home" else "special_school",
                       decided_on=start - dt.timedelta(days=5),
                       review_on=start + dt.timedelta(days=360))
        if pupil.status != "compulsory_home":
            continue
        plan = actions.plan_home_teaching(staff, pupil.pk, teacher=f"送教教师{i + 1}",
                                          school="特殊教育学校", visits_per_month=2,
                                          content="认知训练、生活自理、康复训练", start=start)
        plans += 1
        day = start + dt.timedelta(days=2)
        while day < today:
            if rng.random() < 0.85:  # now and then a visit is missed
                actions.log_visit(staff, plan.pk, on=day, minutes=rng.choice([60, 90, 120]),
                                  done="按计划开展送教")
                visits += 1
            day += dt.timedelta(days=14)
    for case in DropoutCase.objects.filter(village__code__range=rng_range,
                                           closed_on__isnull=True)[:10:2]:
        actions.follow_up(staff, case.pk, note="入户核实，与教育部门共同制定劝返方案")
    for pupil in pupils.filter(status__in=["upper_secondary", "higher"])[:15]:
        actions.grant_aid(staff, pupil.pk, year=today.year, kind="残疾学生助学金",
                          amount=rng.choice([1000, 1500, 2000, 3000]))
    return {"pupils on the education register": pupils.count(),
            "out-of-school cases": DropoutCase.objects.filter(
                village__code__range=rng_range).count(),
            "home-teaching plans": plans, "home-teaching visits": visits}
