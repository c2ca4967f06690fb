"""Demo care records for a seeded district (``canlian seed``), set-based.

Every operating home of the disabled gets day-care places, every care institution
residential places (and home-based places in every other one), each with a designation
agreement and its prices; the persons whose latest
survey records a care need are placed near home — day care at their township's home,
residential care at a care institution — until a few homes are full, and the rest wait
(ordered by the rule's points). Day-care homes have the attendance of the last twenty
working days; every institution has a yearly quality inspection (some with problems, some
rectified). Deterministic for a given seed; every table is written with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from canlian.core import clock
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.services.models import Institution, ServiceRecord, ServiceType
from canlian.surveys.models import AnnualSurvey

from . import queries, rules
from .models import (
    Attendance,
    Contract,
    Delivery,
    Designation,
    Inspection,
    Placement,
    Places,
    Problem,
    WaitingEntry,
)

REASONS = {"day": ["家属白天务工，无人照料", "需要日间康复训练和社会交往", "独居，白天需要看护"],
           "residential": ["照护人年迈无力照料", "重度残疾，需要全天候照护", "家庭无照护能力"],
           "home": ["行动不便，需上门照护", "照护人患病，需定期上门服务"]}
SERVICES = {"home_of_disabled": "日间照料、康复训练、辅助性就业、文体活动",
            "care": "集中托养、居家托养、喘息服务"}
PRICES = {"home_of_disabled": {"day": "60", "respite": "150"},
          "care": {"residential": "120", "home": "80", "respite": "150"}}
PROBLEMS = ["灭火器过期未更换", "个案档案记录不全", "卫生间扶手松动", "食品留样记录缺失",
            "护理员持证比例不足", "收费标准未公示"]


def seed_care(deployment: Deployment, *, seed: int = 41, today: dt.date | None = None
              ) -> dict[str, int]:
    today = today or clock.today()
    rng = random.Random(seed)
    root = deployment.root
    institutions = list(Institution.objects.filter(
        township__code__range=root.code_range, kind__in=("home_of_disabled", "care"),
        opened_on__lte=today - dt.timedelta(days=90)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=today)).order_by("township_id", "kind", "pk"))
    if not institutions or Places.objects.filter(institution__in=institutions).exists():
        return {}  # seeded once per deployment
    with transaction.atomic():
        places = _places(institutions, rng)
        Designation.objects.bulk_create([Designation(
            institution=i, service="care", start_date=i.opened_on,
            end_date=dt.date(today.year + 1, 12, 31), services=SERVICES[i.kind],
            prices=PRICES[i.kind]) for i in institutions])
        placements, waiting = _placements(root, institutions, places, rng, today)
        attendance = _attendance(rng, today, placements)
        inspections, problems = _inspections(institutions, rng, today)
        contracts, deliveries = _contracts(root, rng, today)
    return {"care_places": sum(p.places for p in places), "care_placements": len(placements),
            "care_waiting": waiting, "care_attendance": attendance,
            "care_inspections": inspections, "care_problems": problems,
            "care_contracts": contracts, "care_deliveries": deliveries}


def _places(institutions: list[Institution], rng: random.Random) -> list[Places]:
    rows = []
    for i, inst in enumerate(institutions):
        if inst.kind == "home_of_disabled":
            rows.append(Places(institution=inst, mode="day", places=inst.capacity or 20))
        else:
            rows.append(Places(institution=inst, mode="residential", places=inst.capacity or 15))
            if i % 2 == 0:
                rows.append(Places(institution=inst, mode="home", places=rng.choice([10, 20])))
    return Places.objects.bulk_create(rows)


def _needs(root: Any) -> list[dict[str, Any]]:
    year = AnnualSurvey.objects.filter(
        person__village__code__range=root.code_range).aggregate(y=Max("year"))["y"]
    if year is None:
        return []
    return list(AnnualSurvey.objects.filter(  # type: ignore[arg-type]
        year=year, person__village__code__range=root.code_range, person__life_status="alive")
        .exclude(care_need="none").values(
            "person_id", "care_need", "person__village_id", "person__village__parent_id",
            "person__grade", "person__household__household_type").order_by("person_id"))


def _placements(root: Any, institutions: list[Institution], places: list[Places],
                rng: random.Random, today: dt.date) -> tuple[list[Placement], int]:
    slots = {(p.institution_id, p.mode): p.places for p in places}
    by_township: dict[tuple[str, str], list[Institution]] = defaultdict(list)
    for inst in institutions:
        for mode in ("day", "residential", "home"):
            if (inst.pk, mode) in slots:
                by_township[(inst.township_id, mode)].append(inst)
    taken: dict[tuple[int, str], int] = defaultdict(int)
    # A few institutions are filled to the last place; the others to about three quarters.
    fill = {key: n if i % 3 == 0 else max(1, round(n * rng.uniform(0.6, 0.9)))
            for i, (key, n) in enumerate(sorted(slots.items()))}
    placements, waiting = [], []
    rule = queries.rules().waiting
    for need in _needs(root):
        mode = "day" if need["care_need"] == "day" else rng.choice(
            ["residential", "residential", "home"])
        options = by_township.get((need["person__village__parent_id"], mode))
        if not options:
            continue
        inst = options[0]
        key = (inst.pk, mode)
        # One in five applied recently and waits for the next review (or a place).
        if taken[key] < fill[key] and rng.random() >= 0.2:
            taken[key] += 1
            start = max(inst.opened_on, today - dt.timedelta(days=rng.randrange(40, 700)))
            placements.append(Placement(
                person_id=need["person_id"], village_id=need["person__village_id"],
                institution=inst, mode=mode, start_date=start,
                reason=rng.choice(REASONS[mode]),
                payer=rng.choice(["government", "government", "subsidised", "self"])))
        else:
            facts = rules.Facts(grade=need["person__grade"], lives_alone=rng.random() < 0.2,
                                carer_age=rng.choice([None, 58, 66, 73, 78]),
                                carer_ill=rng.random() < 0.15,
                                household_type=need["person__household__household_type"] or "")
            points, reasons = rules.priority(facts, rule)
            waiting.append(WaitingEntry(
                person_id=need["person_id"], village_id=need["person__village_id"],
                institution=inst, mode=mode,
                applied_on=today - dt.timedelta(days=rng.randrange(5, 200)), grade=facts.grade,
                lives_alone=facts.lives_alone, carer_age=facts.carer_age,
                carer_ill=facts.carer_ill, household_type=facts.household_type, points=points,
                reasons=reasons))
    Placement.objects.bulk_create(placements, batch_size=2000)
    WaitingEntry.objects.bulk_create(waiting, batch_size=2000)
    return placements, len(waiting)


def _attendance(rng: random.Random, today: dt.date, placements: list[Placement]) -> int:
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < 20:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    rows = [Attendance(placement=p, day=d, present=rng.random() < 0.9)
            for p in placements if p.mode == "day" for d in days if d >= p.start_date]
    Attendance.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _inspections(institutions: list[Institution], rng: random.Random, today: dt.date
                 ) -> tuple[int, int]:
    rule = queries.rules().inspection
    inspections, found = [], []
    for inst in institutions:
        for year in (today.year - 1, today.year):
            on = dt.date(year, rng.randint(3, 10), rng.randint(1, 28))
            if on > today or on < inst.opened_on:
                continue
            results = {i.code: "fail" if rng.random() < 0.12 else "pass" for i in rule.checklist}
            scored = rules.score(results, rule)
            inspection = Inspection(institution=inst, inspected_on=on, results=results,
                                    score=scored.score, grade=scored.grade)
            inspections.append(inspection)
            for n, _code in enumerate(scored.failed):
                deadline = on + dt.timedelta(days=rule.problem_days)
                fixed = deadline < today and rng.random() < 0.8
                found.append((inspection, Problem(
                    institution=inst, description=PROBLEMS[(inst.pk + n) % len(PROBLEMS)],
                    deadline=deadline, rectified_on=deadline - dt.timedelta(days=rng.randrange(1, 20))
                    if fixed else None, note="复查已整改" if fixed else "")))
    Inspection.objects.bulk_create(inspections)
    for inspection, problem in found:
        problem.inspection = inspection
    Problem.objects.bulk_create([p for _, p in found])
    return len(inspections), len(found)



def _contracts(root: Any, rng: random.Random, today: dt.date) -> tuple[int, int]:
    """Two purchase-of-services contracts for home rehabilitation visits: last year's,
    delivered and evaluated, and this year's, under way."""
    kind = ServiceType.objects.filter(code="rehab_home_visit").first()
    people = list(Person.objects.filter(village__code__range=root.code_range, life_status="alive",
                                        grade__lte=2).values_list("id", "village_id")[:400])
    if kind is None or not people:
        return 0, 0
    made = 0
    for year, share in ((today.year - 1, 0.95), (today.year, 0.4)):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        quantity = min(120, len(people) * 2)
        contract = Contract.objects.create(
            service_type=kind, provider=f"{root.name}康复服务中心", region=root,
            start_date=start, end_date=end, budget=Decimal(quantity * 150),
            unit_price=Decimal(150), quantity=quantity,
            deliverables=f"为重度残疾人上门康复指导 {quantity} 人次，每次不少于 1 小时")
        last = min(end, today - dt.timedelta(days=1))
        span = max(1, (last - start).days)
        records = [ServiceRecord(
            person_id=pid, village_id=village, service_type=kind, provider=contract.provider,
            start_date=start + dt.timedelta(days=rng.randrange(span)), outcome="上门康复指导",
            cost=contract.unit_price, subsidy=contract.unit_price)
            for pid, village in (rng.choice(people) for _ in range(int(quantity * share)))]
        ServiceRecord.objects.bulk_create(records)
        deliveries = Delivery.objects.bulk_create([
            Delivery(contract=contract, service=r,
                     satisfaction=rng.choice([None, 3, 4, 5, 5])) for r in records])
        made += len(deliveries)
        if end < today:
            result = rules.performance(
                quantity, len(records), len({r.person_id for r in records}),
                contract.unit_price * len(records),
                [d.satisfaction for d in deliveries if d.satisfaction is not None])
            contract.evaluated_on = dt.date(year + 1, 1, 15)
            contract.evaluation = result.as_record()
            contract.save(update_fields=["evaluated_on", "evaluation"])
    return 2, made
