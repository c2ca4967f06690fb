"""Demo community-support records for a seeded district (``canlian seed``), set-based.

Care profiles for the more severely disabled; organisations and volunteers in every
township, requests in every state with confirmed and pending hours; six months of visits
following the deployment's visit rules (a share of persons left overdue or never
visited, so the lists have work in them); the emergency roster with contacts and
pairings, and a past typhoon response with its check-ins; shocks to households, the
poverty-return screening (through ``watch_actions.screen_people``) and monthly reviews; public
places with inspections, problems and rectifications. Deterministic for a given seed;
every table is written with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from canlian.accounts.models import User
from canlian.core import clock
from canlian.demo.generator import Generator, Village
from canlian.people.models import Person
from canlian.regions.models import Deployment

from . import emergency_rules, inspection_rules, poverty_rules, ruleset, shared, visit_rules
from .models import (
    CareProfile,
    CheckIn,
    Emergency,
    Inspection,
    Organisation,
    Place,
    Problem,
    RosterEntry,
    ServiceLog,
    ServiceRequest,
    Visit,
    Volunteer,
    WatchCase,
    WatchEvent,
    WatchReview,
)
from .watch import actions as watch_actions

FINDINGS = ["生活基本稳定，家属照料到位", "独自在家，精神状态良好", "反映轮椅损坏，需要维修",
            "家中卫生间无扶手，存在跌倒风险", "近期血压偏高，已提醒按时服药",
            "询问护理补贴发放情况，已解答", "冬季取暖不足，需要协调棉被", "希望参加社区康复训练"]
FOLLOW_UPS = ["联系辅具中心维修轮椅", "申请家庭无障碍改造", "协调村医上门随访",
              "为其链接志愿者定期陪伴", "协调发放过冬物资"]
RELATIONS = ["邻居", "村干部", "网格员", "亲属", "村医"]
ORG_KINDS = ["volunteer_team", "social_organisation", "private_non_enterprise", "self_help"]
SKILLS = ["companionship", "daily_care", "escort", "errands", "rehab_assist", "sign_language",
          "reading", "repairs", "tutoring", "legal", "medical", "psychological"]
PLACE_NAMES = {"road": "{t}主干道人行道", "transport": "{t}公交客运站", "hospital": "{t}卫生院",
               "service_hall": "{t}便民服务中心", "park": "{t}文化公园", "other": "{t}文体中心"}


def seed_community(deployment: Deployment, *, seed: int = 31, today: dt.date | None = None
                   ) -> dict[str, int]:
    today = today or clock.today()
    rng = random.Random(seed)
    rules = shared.rules(deployment)
    root = deployment.root
    villages = list(root.villages().select_related("parent").order_by("code"))
    if not villages or Volunteer.objects.filter(village__code__range=root.code_range).exists():
        return {}  # seeded once per deployment: a second ``canlian seed`` adds no duplicates
    gen = Generator(root.code[:6], [Village(v.code, v.name, v.parent.name if v.parent else "")
                                    for v in villages], seed=seed, today=today)
    people = list(Person.objects.filter(village__code__range=root.code_range, life_status="alive")
                  .values("id", "name", "village_id", "birth_date", "grade", "category",
                          "household__household_type").order_by("id"))
    counts: dict[str, int] = {}
    with transaction.atomic():
        profiles = _profiles(people, rng, today)  # type: ignore[arg-type]
        counts["care_profiles"] = len(profiles)
        volunteers = _volunteers(villages, gen, rng, today)
        counts["volunteers"] = len(volunteers)
        counts["organisations"] = Organisation.objects.filter(
            village__code__range=root.code_range).count()
        counts["volunteer_requests"], counts["service_logs"] = _requests(
            people, volunteers, rng, today)  # type: ignore[arg-type]
        counts["visits"] = _visits(people, profiles, rules.visits, villages, rng, today)  # type: ignore[arg-type]
        counts["roster_entries"], counts["checkins"] = _roster(deployment, people, profiles,  # type: ignore[arg-type]
                                                               volunteers, gen, rng, today)
        counts["watch_cases"] = _watch(deployment, rng, today)
        counts["places"], counts["problems"] = _accessibility(root, villages, rules, rng, today)
    return counts


# ---- care profiles ---------------------------------------------------------------------------

def _profiles(people: list[dict], rng: random.Random, today: dt.date) -> dict[int, CareProfile]:
    rows = []
    for p in people:
        grade = p["grade"]
        if grade is None or (grade > 2 and rng.random() > 0.08) or (grade <= 2 and rng.random() > 0.6):
            continue
        age = visit_rules.age_on(p["birth_date"], today)
        mobility = rng.choices(list(emergency_rules.MOBILITY),
                               [4, 3, 2, 1] if grade <= 2 else [12, 3, 1, 0])[0]
        devices = []
        if mobility == "wheelchair":
            devices.append("wheelchair")
        if p["category"] == 2 and rng.random() < 0.6:
            devices.append("hearing_aid")
        if p["category"] == 1 and rng.random() < 0.5:
            devices.append("white_cane")
        if mobility == "aided":
            devices.append(rng.choice(["walker", "crutches"]))
        powered = []
        if grade <= 2 and rng.random() < (0.12 if mobility == "bedridden" else 0.03):
            powered = rng.sample(["oxygen", "ventilator", "suction", "electric_bed"], k=1)
        rows.append(CareProfile(
            person_id=p["id"], lives_alone=rng.random() < (0.35 if age >= 70 else 0.12),
            mobility=mobility, assistive_devices=devices, powered_devices=powered,
            needs_power=bool(powered), updated_on=today - dt.timedelta(days=rng.randrange(400))))
    CareProfile.objects.bulk_create(rows, batch_size=2000)
    return {r.person_id: r for r in rows}


# ---- volunteers, organisations, requests and hours -------------------------------------------

def _volunteers(villages: list, gen: Generator, rng: random.Random, today: dt.date) -> list[Volunteer]:
    townships: dict[str, list] = {}
    for v in villages:
        townships.setdefault(v.parent_id, []).append(v)
    orgs = []
    for vs in townships.values():
        name = vs[0].parent.name
        orgs.append(Organisation(name=f"{name}助残志愿服务队", kind="volunteer_team", village=vs[0],
                                 contact_name=gen.name(), phone=gen.phone(), services="陪伴、出行、代办",
                                 registered_on=dt.date(2021 + rng.randrange(4), rng.randint(1, 12), 1)))
        if rng.random() < 0.6:
            orgs.append(Organisation(name=f"{name}{rng.choice(['阳光', '同心', '暖心'])}助残服务社",
                                     kind=rng.choice(ORG_KINDS[1:]), village=rng.choice(vs),
                                     contact_name=gen.name(), phone=gen.phone(),
                                     services="康复协助、心理疏导", registered_on=dt.date(2022, 6, 1)))
    orgs = Organisation.objects.bulk_create(orgs)
    by_township: dict[str, list] = {}
    for o in orgs:
        by_township.setdefault(o.village.parent_id, []).append(o)  # type: ignore[arg-type]
    rows, used = [], set()
    for v in villages:
        for _ in range(rng.choice([2, 3, 3, 4])):
            birth = gen.birth(18, 70)
            rid = gen.resident_id(birth, rng.random() < 0.5)
            if rid in used:
                continue
            used.add(rid)
            pool = by_township.get(v.parent_id) or [None]
            rows.append(Volunteer(
                name=gen.name(), resident_id=rid, phone=gen.phone(), village=v,
                organisation=rng.choice(pool) if rng.random() < 0.7 else None,
                skills=list(dict.fromkeys(["companionship"] * (rng.random() < 0.5)
                                          + rng.sample(SKILLS, k=rng.randint(1, 3)))),
                availability=rng.sample(["weekday_day", "weekday_evening", "weekend"],
                                        k=rng.randint(1, 2)),
                registered_on=today - dt.timedelta(days=rng.randrange(30, 1500)),
                active=rng.random() < 0.93))
    return Volunteer.objects.bulk_create(rows, batch_size=2000)


def _requests(people: list[dict], volunteers: list[Volunteer], rng: random.Random,
              today: dt.date) -> tuple[int, int]:
    by_village: dict[str, list[Volunteer]] = {}
    for v in volunteers:
        if v.active:
            by_village.setdefault(v.village_id, []).append(v)
    staff = User.objects.filter(username__in=["township", "village", "federation"]).order_by("id")
    recorders = list(staff) or [None]  # type: ignore[list-item]
    pool = [p for p in people if p["village_id"] in by_village and (p["grade"] or 4) <= 3]
    rng.shuffle(pool)
    requests, plans = [], []
    for p in pool[:max(30, len(pool) // 40)]:
        helpers = by_village[p["village_id"]]
        volunteer = rng.choice(helpers)
        skill = rng.choice(volunteer.skills)
        created = today - dt.timedelta(days=rng.randrange(5, 420))
        status = rng.choices(["open", "assigned", "done", "cancelled"], [2, 4, 6, 1])[0]
        requests.append(ServiceRequest(
            person_id=p["id"], source=rng.choice(["person", "worker"]), skill=skill,
            slot=rng.choice(["", *volunteer.availability]),
            description=rng.choice(["每周陪伴聊天", "陪同去医院复查", "帮助购买生活用品",
                                    "协助康复训练", "上门维修家电"]),
            status=status, volunteer=None if status == "open" else volunteer,
            assigned_on=None if status == "open" else created + dt.timedelta(days=1),
            closed_on=created + dt.timedelta(days=30) if status in ("done", "cancelled") else None,
            created_by=rng.choice(recorders), created_on=created))
        plans.append(status)
    requests = ServiceRequest.objects.bulk_create(requests)
    logs = []
    for r, status in zip(requests, plans, strict=True):
        if status not in ("assigned", "done"):
            continue
        for _ in range(rng.randint(1, 5)):
            served = r.created_on + dt.timedelta(days=rng.randrange(1, 60))
            if served > today:
                continue
            confirmed = status == "done" or rng.random() < 0.6
            logs.append(ServiceLog(
                volunteer=r.volunteer, request=r, person_id=r.person_id, served_on=served,
                hours=Decimal(rng.choice([1, 1.5, 2, 2, 3, 4])), description=r.description,
                status="confirmed" if confirmed else "pending",
                confirmed_kind=rng.choice(["person", "worker"]) if confirmed else "",
                confirmed_on=served + dt.timedelta(days=2) if confirmed else None,
                confirm_note="服务对象签字确认" if confirmed else "", recorded_by=r.created_by))
    ServiceLog.objects.bulk_create(logs, batch_size=2000)
    return len(requests), len(logs)


# ---- visits ----------------------------------------------------------------------------------

def _visits(people: list[dict], profiles: dict[int, CareProfile], policy: visit_rules.VisitPolicy,
            villages: list, rng: random.Random, today: dt.date) -> int:
    workers = dict(User.objects.filter(role="village_worker").values_list("region_id", "id"))
    rows = []
    for p in people:
        profile = profiles.get(p["id"])
        need = visit_rules.requirement(visit_rules.VisitFacts(
            age=visit_rules.age_on(p["birth_date"], today), grade=p["grade"],
            category=p["category"], household_type=p["household__household_type"] or "",
            lives_alone=bool(profile and profile.lives_alone)), policy)
        if need is None:
            continue
        roll = rng.random()
        if roll < 0.05:
            continue  # never visited
        lag = rng.randint(need.every_days + 5, need.every_days * 2 + 20) if roll < 0.25 else 0
        day = today - dt.timedelta(days=lag + rng.randrange(max(1, need.every_days)))
        start = today - dt.timedelta(days=183)
        while day >= start:
            follow = rng.random() < 0.08
            rows.append(Visit(
                person_id=p["id"], visited_on=day, kind="home" if rng.random() < 0.85 else "phone",
                visitor_id=workers.get(p["village_id"]), findings=rng.choice(FINDINGS),
                follow_up=rng.choice(FOLLOW_UPS) if follow else "",
                follow_up_due=day + dt.timedelta(days=14) if follow else None,
                follow_up_done_on=(day + dt.timedelta(days=rng.randrange(3, 20))
                                   if follow and day < today - dt.timedelta(days=30) else None),
                follow_up_note="已落实" if follow and day < today - dt.timedelta(days=30) else ""))
            day -= dt.timedelta(days=max(7, need.every_days - rng.randrange(0, 5)))
    Visit.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# ---- emergency roster and a past typhoon -----------------------------------------------------

def _roster(deployment: Deployment, people: list[dict], profiles: dict[int, CareProfile],
            volunteers: list[Volunteer], gen: Generator, rng: random.Random, today: dt.date
            ) -> tuple[int, int]:
    rules = shared.rules(deployment).emergency
    by_village: dict[str, list[Volunteer]] = {}
    for v in volunteers:
        if v.active:
            by_village.setdefault(v.village_id, []).append(v)
    entries = []
    for p in people:
        profile = profiles.get(p["id"])
        if profile is None:
            continue
        wanted = (profile.mobility in ("bedridden", "wheelchair") or profile.powered_devices
                  or (profile.lives_alone and (p["grade"] or 4) <= 2))
        if not wanted or rng.random() > 0.85:
            continue
        facts = emergency_rules.EmergencyFacts(
            age=visit_rules.age_on(p["birth_date"], today), grade=p["grade"],
            category=p["category"], mobility=profile.mobility, lives_alone=profile.lives_alone,
            assistive_devices=tuple(profile.assistive_devices),
            powered_devices=tuple(profile.powered_devices))
        result = emergency_rules.priority(facts, rules)
        helpers = by_village.get(p["village_id"])
        paired = rng.choice(helpers) if helpers and rng.random() < 0.6 else None
        entries.append(RosterEntry(
            person_id=p["id"], contact_name=gen.name(), contact_phone=gen.phone(),
            contact_relation=rng.choice(RELATIONS), paired_volunteer=paired,
            paired_since=today - dt.timedelta(days=rng.randrange(30, 700)) if paired else None,
            priority=result.points, powered=bool(profile.powered_devices), level=result.level.name,
            reasons=[{"code": r.code, "points": r.points, "zh": r.zh, "en": r.en}
                     for r in result.reasons],
            added_on=today - dt.timedelta(days=rng.randrange(30, 900))))
    RosterEntry.objects.bulk_create(entries, batch_size=2000)
    declared = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=75), dt.time(8, 0)))
    federation = User.objects.filter(username="federation").first()
    typhoon = Emergency.objects.create(
        name=f"{today.year}年第5号台风防御应急响应（演示）", kind="typhoon", region=deployment.root,
        declared_at=declared, declared_by=federation,
        closed_at=declared + dt.timedelta(days=2), note="全市启动防台风IV级应急响应")
    states = list(emergency_rules.CHECKIN_STATES)
    checkins = [CheckIn(emergency=typhoon, person_id=e.person_id,
                        state=rng.choices(states, [70, 12, 10, 3, 1])[0],
                        at=declared + dt.timedelta(minutes=rng.randrange(30, 1800)), by=federation)
                for e in entries if rng.random() < 0.97]
    for c in checkins:
        if c.state in ("needs_help", "unreachable"):
            c.note = "已通知村干部上门查看" if c.state == "unreachable" else "房屋漏雨，已转移至亲属家"
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    # The typhoon response was ended with those never contacted confirmed and a reason given.
    Emergency.objects.filter(pk=typhoon.pk).update(
        closed_by=federation, uncontacted_at_close=len(entries) - len(checkins),
        close_reason="台风预警解除；未联系人员已交村委会逐户上门核实（演示）")
    return len(entries), len(checkins)


# ---- poverty-return watch --------------------------------------------------------------------

def _watch(deployment: Deployment, rng: random.Random, today: dt.date) -> int:
    people_qs = Person.objects.filter(village__code__range=deployment.root.code_range)
    with_household = list(people_qs.filter(life_status="alive", household__household_type="ordinary")
                          .values("id", "household_id").order_by("id"))
    rng.shuffle(with_household)
    events = []
    for r in with_household[:max(10, len(with_household) // 60)]:
        kind = rng.choice(["medical_costs", "medical_costs", "job_loss", "disaster"])
        events.append(WatchEvent(
            person_id=r["id"], household_id=r["household_id"], kind=kind,
            occurred_on=today - dt.timedelta(days=rng.randrange(10, 300)),
            amount=Decimal(rng.choice([8000, 15000, 26000, 42000])) if kind == "medical_costs"
            else Decimal(0), note="演示数据"))
    WatchEvent.objects.bulk_create(events)
    watch_actions.screen_people(people_qs, today)
    cases = list(WatchCase.objects.filter(status="open", person__in=people_qs).values_list("id", flat=True))
    month = poverty_rules.month_start(today)
    updates, reviews = [], []
    for case_id in cases:
        months_open = rng.randint(0, 5)
        opened = poverty_rules.months_before(month, months_open)
        updates.append(WatchCase(id=case_id, opened_on=opened))
        for k in range(months_open, -1, -1):
            m = poverty_rules.months_before(month, k)
            if m == month and rng.random() < 0.55:
                continue  # this month's review still to do
            situation = rng.choices(list(poverty_rules.SITUATIONS), [3, 6, 1])[0]
            kinds = rng.sample(list(poverty_rules.HELP_KINDS), k=rng.randint(1, 2)) \
                if situation != "improved" or rng.random() < 0.5 else []
            reviews.append(WatchReview(
                case_id=case_id, month=m, reviewed_on=min(today, m + dt.timedelta(days=rng.randrange(3, 25))),
                situation=situation, help_kinds=kinds,
                help_amount=Decimal(rng.choice([0, 0, 500, 1000, 2000])) if kinds else Decimal(0),
                note="入户核实家庭收支情况"))
    WatchCase.objects.bulk_update(updates, ["opened_on"], batch_size=2000)
    WatchReview.objects.bulk_create(reviews, batch_size=2000)
    closing = cases[: len(cases) // 12]
    WatchCase.objects.filter(pk__in=closing).update(status="closed", closed_on=today,
                                                     close_reason="家庭收入稳定，风险消除")
    return len(cases)


# ---- accessibility supervision ---------------------------------------------------------------

def _accessibility(root: Any, villages: list, rules: ruleset.CommunityRules, rng: random.Random,
                   today: dt.date) -> tuple[int, int]:
    checklist = ruleset.checklist()
    places = []
    for township in root.townships().order_by("code"):
        vs = [v for v in villages if v.parent_id == township.code]
        if not vs:
            continue
        for kind, pattern in PLACE_NAMES.items():
            if kind == "other" and rng.random() < 0.5:
                continue
            places.append(Place(name=pattern.format(t=township.name), kind=kind, village=rng.choice(vs),
                                manager=f"{township.name}{'人民政府' if kind != 'hospital' else '卫生院'}",
                                registered_on=dt.date(today.year - 1, 3, 1)))
    places = Place.objects.bulk_create(places)
    inspections, plans = [], []
    for place in places:
        for n in range(rng.choice([1, 1, 2])):
            day = today - dt.timedelta(days=rng.randrange(20, 200) + 200 * n)
            items = inspection_rules.items_for(place.kind, checklist)
            results = {i.code: rng.choices(["pass", "fail", "na"], [78, 16, 6])[0] for i in items}
            summary = inspection_rules.check_results(results, items)
            inspections.append(Inspection(place=place, inspected_on=day, results=results,
                                          passed=summary.passed, failed=summary.failed))
            plans.append({i.code: i for i in items})
    inspections = Inspection.objects.bulk_create(inspections)
    problems = []
    for inspection, items in zip(inspections, plans, strict=True):  # type: ignore[assignment]
        for code, result in inspection.results.items():
            if result != "fail":
                continue
            severity = items[code].severity
            deadline = inspection_rules.deadline(inspection.inspected_on, severity, rules.inspections)
            rectified = None
            if rng.random() < 0.7:
                rectified = inspection.inspected_on + dt.timedelta(
                    days=rng.randrange(5, rules.inspections.days[severity] + 20))
                rectified = rectified if rectified <= today else None
            verified = (rectified + dt.timedelta(days=7) if rectified and rng.random() < 0.8
                        and rectified + dt.timedelta(days=7) <= today else None)
            problems.append(Problem(
                inspection=inspection, place=inspection.place, item=code,
                description=items[code].zh.replace("设", "未设", 1) if items[code].zh.startswith("设")
                else f"{items[code].zh}（不符合）", severity=severity,
                found_on=inspection.inspected_on, deadline=deadline, rectified_on=rectified,
                rectification_note="已按要求整改" if rectified else "", verified_on=verified))
    Problem.objects.bulk_create(problems, batch_size=2000)
    return len(places), len(problems)
