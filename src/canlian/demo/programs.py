"""Demo records behind the plan indicators, 2021 to this year, set-based.

For every living certified person: an annual survey per year; services meeting most of
the recorded needs (rehabilitation, devices, culture and sports, care); accepted home
renovations; institutions opening township by township; and the two subsidies: grants
for eligible persons with a finalised payment roll for every month. Rates improve year
by year so the plan's trends are visible. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from canlian.benefits import eligibility, likely, paid_years
from canlian.benefits.facts import has_ruleset, ruleset_for
from canlian.benefits.models import Grant, PublicNotice, Roll, RollLine, SubsidyApplication
from canlian.core import bulk, clock, crypto, notice_rules
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.services.models import DeviceType, Institution, Licence, Renovation, ServiceRecord, ServiceType
from canlian.surveys import served
from canlian.surveys.models import AnnualSurvey

FIRST_YEAR = 2021


def _years(today: dt.date) -> list[int]:
    return list(range(FIRST_YEAR, today.year + 1))


def _progress(year: int) -> float:
    """0 in 2021 … 1 in 2025: how far the plan's improvements have gone."""
    return max(0.0, min(1.0, (year - FIRST_YEAR) / 4))


def _people(deployment: Deployment) -> list[dict[str, Any]]:
    """Certified persons, living or dead; the dead get category and grade from the
    certificate their death cancelled (the person's read model no longer holds them)."""
    from canlian.certificates.models import Certificate

    rows = list(Person.objects.filter(village__code__range=deployment.root.code_range)
                .values("id", "name", "village_id", "birth_date", "death_date", "category",
                        "grade", "household_id", "household__household_type",
                        "household__monthly_income_per_capita", "certificate_number")
                .order_by("id"))
    dead = {r["id"]: r for r in rows if r["death_date"] and r["category"] is None}
    for c in Certificate.objects.filter(person_id__in=list(dead), status="cancelled").values(
            "person_id", "category", "grade", "number"):
        dead[c["person_id"]].update(category=c["category"], grade=c["grade"],  # type: ignore[call-arg]
                                    certificate_number=c["number"])
    return [r for r in rows if r["category"] is not None]  # type: ignore[misc]


def seed_programs(deployment: Deployment, *, seed: int = 11, today: dt.date | None = None
                  ) -> dict[str, int]:
    today = today or clock.today()
    rng = random.Random(seed)
    people = _people(deployment)
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["institutions"] = _institutions(deployment, rng, today)
        surveys = _surveys(people, rng, today)
        counts["surveys"] = len(surveys)
        counts["services"] = _services(surveys, people, rng, today)
        # The flags' rebuild joins the rows just written: plan it with their statistics.
        bulk.analyze(AnnualSurvey, ServiceRecord, rows=counts["services"], at_once=True)
        served.rebuild()  # the surveys' services-received flags, from the records just made
        counts["renovations"] = _renovations(surveys, rng, today)
        if has_ruleset(deployment):
            grants, lines = _subsidies(deployment, people, rng, today)
            counts["grants"], counts["roll_lines"] = grants, lines
    return counts


# ---- institutions ----------------------------------------------------------------------------

def _institutions(deployment: Deployment, rng: random.Random, today: dt.date) -> int:
    townships = list(deployment.root.townships().order_by("code"))
    rows = []
    for i, t in enumerate(townships):
        share = i / max(1, len(townships) - 1)
        # 残疾人之家: about half the townships by 2020, all by 2025.
        opened = dt.date(2019 if share < 0.55 else 2021 + int(share * 4) % 4, rng.randint(1, 12), 1)
        rows.append(Institution(name=f"{t.name}残疾人之家", kind="home_of_disabled", township=t,
                                capacity=rng.choice([20, 30, 40]), opened_on=opened))
        rows.append(Institution(name=f"{t.name}残疾人服务中心", kind="township_service",
                                township=t, capacity=0,
                                opened_on=dt.date(2020 + (i % 5), 3, 1)))
        if share < 0.95:
            rows.append(Institution(name=f"{t.name}托养中心", kind="care", township=t,
                                    capacity=rng.choice([15, 25]),
                                    opened_on=dt.date(2019 + (i % 6), 6, 1)))
        if i % 4 == 0:
            rows.append(Institution(name=f"{t.name}康复中心", kind="rehabilitation", township=t,
                                    capacity=30, opened_on=dt.date(2018, 1, 1)))
    rows = [r for r in rows if r.opened_on <= today]
    for n, row in enumerate(rows):  # the register's particulars, deterministic (no rng draw)
        public = row.kind in ("home_of_disabled", "township_service")
        row.operator = (f"{row.township.name}社会事务办公室" if public
                        else f"{deployment.root.name}善爱社会工作服务中心")
        row.staff = max(2, row.capacity // 5) + n % 3
        row.professional_staff = 1 + n % 2
        row.accessibility = ("full", "full", "partial", "none")[n % 4]
        row.accessibility_note = {"partial": "无无障碍卫生间", "none": "入口有台阶，无坡道"}.get(
            row.accessibility, "")
    Institution.objects.bulk_create(rows)
    _licences(today)
    return len(rows)


def _licences(today: dt.date) -> None:
    """Each institution's registration, and fire-safety and staff qualifications for the
    care and rehabilitation ones; a few expire within the warning window or have expired."""
    licences = []
    for n, (pk, kind, opened) in enumerate(Institution.objects.order_by("pk").values_list(
            "pk", "kind", "opened_on")):
        expires = today + dt.timedelta(days=(20, 45, 400, 900, -10, 1500)[n % 6])
        licences.append(Licence(institution_id=pk, kind="registration", name="民办非企业单位登记证书"
                                if kind in ("care", "rehabilitation") else "事业单位法人证书",
                                number=f"52{pk:08d}", issuer="民政局", issued_on=opened,
                                expires_on=max(expires, opened)))
        if kind in ("care", "rehabilitation", "home_of_disabled"):
            licences.append(Licence(institution_id=pk, kind="fire", name="消防安全检查合格证",
                                    issuer="消防救援大队", issued_on=opened))
            licences.append(Licence(institution_id=pk, kind="staff",
                                    name="康复治疗师" if kind == "rehabilitation" else "养老护理员",
                                    holder=("王芳", "李娜", "张伟", "刘洋")[n % 4],
                                    issuer="人力资源和社会保障局", issued_on=opened))
    Licence.objects.bulk_create(licences)


# ---- annual surveys ---------------------------------------------------------------------------

def _age(birth: dt.date, day: dt.date) -> int:
    years = day.year - birth.year
    return years - ((day.month, day.day) < (birth.month, birth.day))


def _surveys(people: list[dict[str, Any]], rng: random.Random, today: dt.date) -> list[dict]:
    rows: list[dict[str, Any]] = []
    for year in _years(today):
        p_ = _progress(year)
        day = dt.date(year, 6, 30)
        done_share = 1.0 if year < today.year else 0.6  # this year's survey is under way
        for p in people:
            if p["death_date"] and p["death_date"] <= day:
                continue
            if p["birth_date"] > day or rng.random() > done_share:
                continue
            age = _age(p["birth_date"], day)
            cat, grade = p["category"] or 4, p["grade"] or 3
            severe = grade <= 2
            working = 16 <= age <= 59
            able = working and (not severe or rng.random() < 0.3)
            employed = able and rng.random() < 0.52 + 0.12 * p_
            if age < 16:
                status = "not_applicable" if age < 6 else "student"
            elif working:
                status = "employed" if employed else ("not_working" if age < 55 else "retired")
            else:
                status = "retired"
            education = "not_applicable"
            if 3 <= age <= 5:
                education = "preschool"
            elif 6 <= age <= 15:
                enrolled = rng.random() < 0.955 + 0.04 * p_
                education = (rng.choice(["compulsory_school", "compulsory_school",
                                         "compulsory_special", "compulsory_home"])
                             if enrolled else "not_enrolled")
            elif 16 <= age <= 18:
                education = "upper_secondary" if rng.random() < 0.86 + 0.06 * p_ else "finished"
            elif age <= 25:
                education = "finished"
            # the highest level completed: compulsory education by 16, upper secondary by 19
            # for most (those who finished it count for the upper-secondary rate)
            level = ("none" if age < 12 else "primary" if age < 16 else
                     "junior_secondary" if age < 19 or rng.random() < 0.3 else "upper_secondary")
            rehab = rng.random() < (0.45 if severe else 0.3)
            device = rng.random() < (0.35 if cat in (1, 2, 4) else 0.12)
            rows.append({
                "person_id": p["id"], "year": year, "village_id": p["village_id"],
                "birth_date": p["birth_date"],
                "household_type": p["household__household_type"] or "",
                "surveyed_on": dt.date(year, rng.randint(3, 6 if year < today.year else
                                                          max(3, min(today.month, 6))), 10),
                "pension_insured": age >= 16 and rng.random() < 0.95 + 0.04 * p_,
                "medical_insured": rng.random() < 0.97 + 0.025 * p_,
                "receives_living_subsidy": False, "receives_nursing_subsidy": False,
                "household_income_per_capita": Decimal(round(
                    float(p["household__monthly_income_per_capita"] or 1500) * 12
                    * (1.06 ** (year - FIRST_YEAR)) * rng.uniform(0.9, 1.1), 2)),
                "employment_status": status,
                "employment_form": rng.choice(["flexible", "proportional", "self_employed",
                                               "farming", "supported", "public_welfare"])
                if status == "employed" else "",
                "not_working_reason": rng.choice(["severe_disability", "no_suitable_job",
                                                  "caring_for_family"])
                if status == "not_working" else "",
                "able_to_work": able, "confirm_unusual": True,
                "education_status": education,
                "not_enrolled_reason": "身体原因" if education == "not_enrolled" else "",
                "finished_compulsory": age >= 16,
                "highest_level": level if age <= 25 else "",
                "rehab_need": rehab,
                "rehab_types": json.dumps(["children" if age <= 6 else "training"] if rehab else []),
                "device_need": device,
                "device_types": json.dumps([{1: "visual", 2: "hearing"}.get(cat, "mobility")]
                                           if device else []),
                "care_need": ("residential" if severe and rng.random() < 0.05 else
                              "day" if rng.random() < 0.06 else "none"),
                "home_accessibility_need": severe and rng.random() < 0.25,
                "culture_sports": rng.random() < 0.88 + 0.08 * p_,
                "created_at": timezone.now(), "updated_at": timezone.now(),
            })
    columns = list(rows[0]) if rows else []
    if rows:
        bulk.insert(AnnualSurvey._meta.db_table, columns, ([r[c] for c in columns] for r in rows))
        served.rebuild_certificates()  # each survey's certificate as it stood that day
    return rows


# ---- services -------------------------------------------------------------------------------

def _services(surveys: list[dict], people: list[dict], rng: random.Random, today: dt.date) -> int:
    types = {t.code: t.pk for t in ServiceType.objects.all()}
    devices = defaultdict(list)
    for d in DeviceType.objects.all():
        devices[d.kind].append(d.pk)
    homes = defaultdict(list)
    for i in Institution.objects.values("id", "township_id", "kind"):
        homes[(i["township_id"], i["kind"])].append(i["id"])
    rows = []
    now = timezone.now()

    def add(s: dict, code: str, *, device: int | None = None, institution: int | None = None,
            cost: int = 0, end: dt.date | None = None) -> None:
        year = s["year"]
        last = min(dt.date(year, 12, 31), today)
        start = dt.date(year, rng.randint(1, max(1, last.month)), rng.randint(1, 28))
        if start > today:
            start = today
        rows.append((s["person_id"], types[code], s["village_id"], institution, "", device, start,
                     end, "", Decimal(cost), Decimal(cost) * Decimal("0.8"), None, now, now))

    for s in surveys:
        p_ = _progress(s["year"])
        if s["rehab_need"] and rng.random() < 0.88 + 0.11 * p_:
            child = "children" in s["rehab_types"]
            add(s, "children_rehab_training" if child else
                rng.choice(["rehab_training", "rehab_community", "rehab_home_visit"]), cost=800)
        if s["device_need"] and rng.random() < 0.86 + 0.13 * p_:
            kind = json.loads(s["device_types"])[0]
            add(s, "device_fitting", device=rng.choice(devices[kind] or devices["mobility"]),
                cost=1200)
        if s["culture_sports"]:
            add(s, rng.choice(["culture_event", "sports_event", "reading_service"]))
        if s["care_need"] != "none" and rng.random() < 0.8:
            township = s["village_id"][:9] + "000"
            kind = "home_of_disabled" if s["care_need"] == "day" else "care"
            places = homes.get((township, kind))
            if places:
                add(s, "day_care" if s["care_need"] == "day" else "residential_care",
                    institution=places[0], cost=600)
    columns = ("person_id", "service_type_id", "village_id", "institution_id", "provider",
               "device_id", "start_date", "end_date", "outcome", "cost", "subsidy",
               "recorded_by_id", "created_at", "updated_at")
    return bulk.insert(ServiceRecord._meta.db_table, columns, rows)


def _renovations(surveys: list[dict], rng: random.Random, today: dt.date) -> int:
    needing: dict[int, dict] = {}
    for s in surveys:
        if s["home_accessibility_need"] and s["person_id"] not in needing:
            needing[s["person_id"]] = s
    rows = []
    for person_id, s in needing.items():
        if rng.random() > 0.93:
            continue
        year = s["year"]
        applied = dt.date(year, rng.randint(1, 6), 5)
        accepted = applied + dt.timedelta(days=rng.randint(60, 200))
        if accepted > today:
            continue
        rows.append(Renovation(person_id=person_id, village_id=s["village_id"], state="accepted",
                               applied_on=applied, assessed_on=applied + dt.timedelta(days=14),
                               contractor="演示施工单位", completed_on=accepted,
                               accepted_on=accepted, cost=Decimal(rng.randint(3000, 9000))))
    Renovation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# ---- the two subsidies ------------------------------------------------------------------------

def _month_add(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _notices(applications: list, this_month: dt.date) -> None:
    """公示: the latest applications of each village were posted on a public notice before
    approval (5 working days from the week after the application month began)."""
    recent: dict[tuple[str, dt.date], list] = defaultdict(list)
    if not applications:
        return
    latest = max(a.applied_on for a in applications)
    for a in applications:
        if a.applied_on >= _month_add(latest.replace(day=1), -3):
            recent[(a.village_id, a.applied_on)].append(a)
    notices = []
    for (village, applied), group in recent.items():
        span = notice_rules.period(applied + dt.timedelta(days=7), 5)
        notices.append((PublicNotice(village_id=village, starts_on=span.first, ends_on=span.last,
                                     working_days=5), group))
    PublicNotice.objects.bulk_create([n for n, _ in notices], batch_size=2000)
    changed = []
    for notice, group in notices:
        for a in group:
            a.notice = notice
            changed.append(a)
    SubsidyApplication.objects.bulk_update(changed, ["notice"], batch_size=2000)


def _subsidies(deployment: Deployment, people: list[dict], rng: random.Random,
               today: dt.date) -> tuple[int, int]:
    ruleset = ruleset_for(deployment)
    this_month = today.replace(day=1)
    first_month = dt.date(FIRST_YEAR, 1, 1)
    cache: dict[tuple, eligibility.Decision] = {}

    limits: dict[dt.date, Decimal | None] = {}

    def decide(p: dict, subsidy: str, month: dt.date) -> eligibility.Decision:
        if month not in limits:
            limits[month] = likely.income_limit(month)
        income, limit = p["household__monthly_income_per_capita"], limits[month]
        below = None if income is None or limit is None else income < limit
        key = (subsidy, month, p["category"], p["grade"], p["household__household_type"], below)
        if key not in cache:
            facts = eligibility.Facts(
                birth_date=dt.date(1970, 1, 1), alive=True, certificate_status="issued",
                certificate_valid_until=dt.date(2099, 1, 1), category=p["category"],
                grade=p["grade"], household_type=p["household__household_type"] or "ordinary",
                household_income_per_capita=None if below is None else
                limit - Decimal("0.01") if below else limit, own_income=None,  # type: ignore[operator]
                needs_long_term_care=True,
                care_months=12, institutional_care=False, hukou_in_region=True,
                work_injury_care_allowance=False, orphan_basic_living=False)
            cache[key] = eligibility.decide(ruleset, subsidy, facts, month)
        return cache[key]

    applications, grants = [], []
    for p in people:
        if p["certificate_number"] is None and p["death_date"] is None:
            continue
        for subsidy in ("living", "nursing"):
            decision = decide(p, subsidy, this_month)
            if not decision.eligible:
                continue
            # Not every severely disabled person needs long-term care (the nursing test).
            if subsidy == "nursing" and p["grade"] <= 2 and rng.random() > 0.6:
                continue
            # Coverage improves over the plan: a few eligible persons are still missed.
            if rng.random() > 0.985:
                continue
            start = _month_add(first_month, -rng.randint(0, 36)) if rng.random() < 0.7 else \
                _month_add(first_month, rng.randint(0, 48))
            start = min(start, this_month)
            end = p["death_date"].replace(day=1) if p["death_date"] else None
            if end is not None and end < start:
                continue
            applications.append(SubsidyApplication(
                person_id=p["id"], subsidy=subsidy, state="approved", village_id=p["village_id"],
                channel="staff", applied_on=start, needs_long_term_care=True, care_months=12,
                # The verdict the approval stood on: its amount and rule version (an
                # approved application never shows "eligible, 0.00 yuan/month").
                eligible=True, monthly_amount=decision.monthly_amount,
                rule_version=decision.rule_version))
            grants.append((p, subsidy, start, end))
    SubsidyApplication.objects.bulk_create(applications, batch_size=2000)
    _notices(applications, this_month)
    # The demo ledger starts in 2021: grants older than that were paid by an earlier system.
    grant_rows = [Grant(person_id=p["id"], subsidy=s, application=a, start_month=start,
                        first_payable_month=max(start, first_month), end_month=end,
                        status="stopped" if end else "active",
                        stop_reason="本人去世" if end else "", needs_long_term_care=True,
                        care_months=12, bank_name="农村商业银行",
                        bank_account=f"62{rng.randrange(10**16):016d}")
                  for (p, s, start, end), a in zip(grants, applications, strict=True)]
    Grant.objects.bulk_create(grant_rows, batch_size=2000)
    # One finalised roll per month up to last month, with a line per grant and month.
    root = deployment.root
    rolls: dict[dt.date, Roll] = {}
    month = first_month
    while month < this_month:
        rolls[month] = Roll(region=root, month=month, kind="regular", sequence=1,
                            status="finalised", finalised_at=timezone.now(),
                            inputs_read_at=timezone.now())
        month = _month_add(month, 1)
    Roll.objects.bulk_create(list(rolls.values()))
    rolls = {r.month: r for r in Roll.objects.filter(region=root, month__in=list(rolls))}
    totals: dict[dt.date, list] = defaultdict(lambda: [0, Decimal(0)])
    lines: list[tuple] = []
    for g, (p, subsidy, start, end) in zip(grant_rows, grants, strict=True):
        month = max(start, first_month)
        last = min(end or this_month, _month_add(this_month, -1))
        while month <= last:
            decision = decide(p, subsidy, month)
            if decision.eligible:
                kind = "regular"
                lines.append((rolls[month].pk, g.pk, p["id"], subsidy, month, kind,
                              decision.monthly_amount, decision.rule_version, "本月发放",
                              p["village_id"], p["name"], crypto.encrypt(g.bank_account), "paid", ""))
                totals[month][0] += 1
                totals[month][1] += decision.monthly_amount
            month = _month_add(month, 1)
    columns = ("roll_id", "grant_id", "person_id", "subsidy", "period", "kind", "amount",
               "rule_version", "reason", "village_code", "payee", "bank_account",
               "payment_status", "failure_reason")
    count = bulk.insert(RollLine._meta.db_table, columns, lines)
    for month, roll in rolls.items():
        Roll.objects.filter(pk=roll.pk).update(line_count=totals[month][0],
                                               total=totals[month][1])
    paid_years.rebuild()
    # The district's records predate its last finalised roll, as a running district's do, so
    # this month's roll treats unchanged grants as settled (benefits/standing.py).
    earlier = timezone.now() - dt.timedelta(hours=1)
    Grant.objects.filter(person__village__code__range=root.code_range).update(updated_at=earlier)
    Person.objects.filter(village__code__range=root.code_range).update(updated_at=earlier)
    return len(grant_rows), count
