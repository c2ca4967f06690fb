"""Demo employment records for 2021 to this year: employers (some public units in breach),
yearly declarations (approved, with the levy), courses and enrolments, placements."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from canlian.core import clock
from canlian.people.models import Person
from canlian.regions.models import Deployment

from . import actions, uscc
from .models import Course, Declaration, DeclaredEmployee, Employer, Enrolment, Placement
from .quota import quota_status

KINDS = ["enterprise"] * 7 + ["government", "public_institution", "social_organisation"]
COURSES = ["电子商务", "手工编织", "盲人按摩", "面点制作", "计算机操作", "农业种养", "直播带货"]


def seed_employment(deployment: Deployment, *, seed: int = 21, today: dt.date | None = None
                    ) -> dict[str, int]:
    today = today or clock.today()
    rng = random.Random(seed)
    townships = list(deployment.root.townships())
    people = list(Person.objects.filter(village__code__range=deployment.root.code_range,
                                        life_status="alive", certificate_number__isnull=False,
                                        birth_date__lte=dt.date(today.year - 18, 1, 1),
                                        birth_date__gt=dt.date(today.year - 60, 1, 1))
                  .values("id", "grade", "village_id"))
    rng.shuffle(people)
    with transaction.atomic():
        employers = []
        for i in range(60):
            kind = KINDS[i % len(KINDS)]
            prefix = {"enterprise": "91", "government": "11", "public_institution": "12",
                      "social_organisation": "51"}[kind]
            code = uscc.make(f"{prefix}{deployment.root.code[:6]}{i:09d}"[:17])
            employers.append(Employer(
                name=f"{rng.choice(townships).name}{['电器', '服装', '机械', '物流', '食品'][i % 5]}"
                     f"{'有限公司' if kind == 'enterprise' else '单位'}{i + 1}",
                credit_code=code, unit_kind=kind, township=rng.choice(townships),
                posts=rng.choice([40, 55, 70, 90]) if kind in ("government",
                                                               "public_institution") else None))
        Employer.objects.bulk_create(employers)
        employers = list(Employer.objects.filter(township__code__range=deployment.root.code_range))
        used = 0
        declarations = 0
        for year in range(2021, today.year):
            for e in employers:
                staff = Decimal(rng.choice([20, 45, 80, 150, 300, 600]))
                d = Declaration.objects.create(
                    employer=e, year=year, staff=staff,
                    average_wage=Decimal(rng.randint(60000, 150000)),
                    local_average_wage=Decimal(95000 + 4000 * (year - 2021)), state="submitted")
                heads = int(staff * Decimal("0.015") * Decimal(rng.choice([0, 0.5, 1, 1.5])))
                if e.unit_kind in ("government", "public_institution") and rng.random() < 0.3:
                    heads = 0  # a few public units in breach
                rows = []
                for p in people[used:used + heads]:
                    rows.append(DeclaredEmployee(declaration=d, person_id=p["id"],  # type: ignore[misc]
                                                 grade=p["grade"]))
                used = (used + heads) % max(1, len(people) - 50)
                DeclaredEmployee.objects.bulk_create(rows)
                result = actions.compute(d)
                Declaration.objects.filter(pk=d.pk).update(
                    state="approved", required=result.required.quantize(Decimal("0.001")),
                    counted=result.counted, payable=result.payable,
                    standing=quota_status(actions.to_levy(d)).standing.value,
                    breakdown=[list(line) for line in result.breakdown()])
                declarations += 1
        courses, enrolments = [], []
        for year in range(2021, today.year + 1):
            for n in range(14):
                start = dt.date(year, 1 + n % 10, 5)
                if start > today:
                    continue
                courses.append(Course(name=f"{COURSES[n % len(COURSES)]}培训班（{year}）",
                                      provider="职业技能培训学校", township=rng.choice(townships),
                                      start=start, end=start + dt.timedelta(days=20),
                                      hours=rng.choice([20, 40, 60])))
        Course.objects.bulk_create(courses)
        for c in Course.objects.filter(township__code__range=deployment.root.code_range):
            for p in rng.sample(people, min(len(people), rng.randint(15, 25))):
                enrolments.append(Enrolment(course=c, person_id=p["id"],
                                            attended_hours=c.hours, completed=rng.random() < 0.9))
        Enrolment.objects.bulk_create(enrolments, ignore_conflicts=True)
        placements = [Placement(person_id=p["id"], employer=rng.choice(employers)
                                if rng.random() < 0.5 else None,
                                form=rng.choice(["proportional", "flexible", "self_employed",
                                                 "supported", "public_welfare"]),
                                start=dt.date(rng.randint(2019, today.year - 1), rng.randint(1, 12), 1))
                      for p in people[: len(people) // 4]]
        Placement.objects.bulk_create(placements)
    return {"employers": len(employers), "declarations": declarations,
            "courses": len(courses), "enrolments": len(enrolments),
            "placements": len(placements)}
