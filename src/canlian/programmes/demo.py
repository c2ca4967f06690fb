"""Demo programme records for a seeded district (``canlian seed``), set-based.

The engine is run over every person of the deployment on the seed's day (the same
``facts_many`` and pure rules as the offers and the simulation): each programme a person
qualifies for gets an offer or an automatic enrolment; a deterministic share is applied,
reviewed and approved by different demo users. Approved care subsidies are on this month's
ledger, approved children's rehabilitation has monthly bills from a designated
institution, and the premium programmes have this year's roster with part of it
confirmed. Runs after the care demo (it reads the placements). Every table is written
with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from math import floor

from canlian.accounts.models import User
from canlian.care.models import Designation
from canlian.core import clock, notice_rules
from canlian.core.calendar import add_working_days
from canlian.employment.models import Declaration
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.services.models import Institution

from . import facts, rules
from .models import (
    OPEN_STATES,
    Application,
    BillLine,
    Claim,
    EmployerReward,
    InstitutionGrant,
    InstitutionWorker,
    Payment,
    Roster,
    RosterLine,
)


def seed_programmes(deployment: Deployment, *, seed: int = 24, today: dt.date | None = None
                    ) -> dict[str, int]:
    today = today or clock.today()
    catalogue = facts.catalogue(deployment)
    if catalogue is None:
        return {}
    rng = random.Random(seed)
    root = deployment.root
    low, high = root.code_range
    people = facts.facts_many(Person.objects.filter(village__code__range=(low, high)), today)
    reviewer = User.objects.filter(role="township_staff").order_by("id").first()
    approver = User.objects.filter(role="federation_staff").order_by("id").first()
    rehab = (Institution.objects.filter(township__code__range=(low, high),
                                        kind__in=("children_rehab", "rehabilitation"))
             .order_by("id").first())
    if rehab is not None and not Designation.objects.filter(institution=rehab,
                                                            service="rehabilitation").exists():
        Designation.objects.bulk_create([Designation(
            institution=rehab, service="rehabilitation", start_date=today.replace(month=1, day=1),
            end_date=today.replace(month=12, day=31), services="残疾儿童康复训练（演示）")])
    opened = set(Application.objects.filter(year=today.year, state__in=OPEN_STATES)
                 .values_list("person_id", "programme"))  # offers the seed's own events made
    apps = []
    for pid, (row, f) in people.items():
        for p in catalogue:
            if (pid, p.code) in opened:
                continue
            version = p.on(today)
            if version is None or version.settlement.kind == "subsidy_roll":
                continue  # the subsidies' applications and rolls are the benefits demo's
            verdict = rules.decide_version(p.code, version, f, today)
            if not verdict.eligible:
                continue
            automatic = "automatic" in version.channels
            if not automatic and "offer" not in version.channels and rng.random() > 0.5:
                continue
            if version.settlement.kind == "institution" and rehab is None:
                continue
            roll = rng.random()
            state = "approved" if roll < 0.55 else "reviewed" if roll < 0.65 else (
                "applied" if automatic or roll < 0.8 else "offered")
            if version.benefit.kind == "concession":
                state = "offered"
            applied = today - dt.timedelta(days=rng.randint(15, 120))
            applied = max(applied, today.replace(month=1, day=1))
            decided = state in ("approved",)
            apps.append(Application(
                person_id=pid, village_id=row["village_id"], programme=p.code,
                version=verdict.version, year=today.year, state=state,
                applicant="engine" if state == "offered" else (
                    "guardian" if "guardian" in version.applicants and f.birth_date.year >
                    today.year - 18 else "person"),
                channel="automatic" if automatic else ("offer" if state == "offered" else "staff"),
                eligible=True, amount=verdict.amount,
                reasons=[{"rule": r.rule, "passed": r.passed, "zh": r.text_zh, "en": r.text_en}
                         for r in verdict.reasons],
                institution=rehab if version.settlement.kind == "institution" else None,
                applied_on=None if state == "offered" else applied,
                due_on=None if state == "offered" else add_working_days(applied, version.decision.days),
                reviewed_by=reviewer if state in ("reviewed", "approved") else None,
                reviewed_on=applied + dt.timedelta(days=3) if state in ("reviewed", "approved")
                else None,
                decided_by=approver if decided else None,
                decided_on=applied + dt.timedelta(days=7) if decided else None))
    Application.objects.bulk_create(apps, batch_size=2000)
    approved = list(Application.objects.filter(
        year=today.year, state="approved", village__code__range=(low, high)))
    kinds = {p.code: p.on(today) for p in catalogue}
    payments, bills, lines = [], [], []
    rosters: dict[str, Roster] = {}
    for app in approved:
        version = kinds.get(app.programme)
        if version is None:
            continue
        settle = version.settlement.kind
        if settle == "ledger" and version.benefit.kind in ("monthly_cash", "yearly_cash", "one_off"):
            period = (today.replace(day=1) if version.benefit.kind == "monthly_cash"
                      else today.replace(month=1, day=1))
            payments.append(Payment(application=app, person_id=app.person_id,
                                    village_id=app.village_id, programme=app.programme,
                                    period=period, amount=app.amount, status="paid"))
        elif settle == "institution" and app.institution_id:
            settled = Decimal(0)
            for month in range(1, today.month):
                claimed = Decimal(rng.choice([1800, 2200, 2600, 3000]))
                accepted, cut = rules.accept_bill(claimed, app.amount, settled)
                settled += accepted
                bills.append(BillLine(application=app, institution_id=app.institution_id,
                                      village_id=app.village_id,
                                      month=dt.date(today.year, month, 1), claimed=claimed,
                                      accepted=accepted, cut_reason=cut, recorded_by=reviewer))
        elif settle == "roster":
            roster = rosters.get(app.programme)
            if roster is None:
                roster = Roster.objects.create(
                    programme=app.programme, year=today.year, region=root,
                    department=version.settlement.department_zh, made_by=approver,
                    made_on=today - dt.timedelta(days=20), confirmed_on=today - dt.timedelta(days=5))
                rosters[app.programme] = roster
            answer = rng.random()
            lines.append(RosterLine(roster=roster, application=app, person_id=app.person_id,
                                    village_id=app.village_id, amount=app.amount,
                                    confirmed=answer < 0.95,
                                    answer="" if answer < 0.95 else "已在外地参保"))
    Payment.objects.bulk_create(payments, batch_size=2000)
    BillLine.objects.bulk_create(bills, batch_size=2000)
    RosterLine.objects.bulk_create(lines, batch_size=2000)
    claims = _claims(catalogue, low, high, rng, today, reviewer, approver)
    rewards = _rewards(catalogue, low, high, today, approver)
    supports = _supports(catalogue, deployment, people, today, reviewer, approver)
    return {"programme applications": len(apps), "programme payments": len(payments),
            "institution bill lines": len(bills), "roster lines": len(lines),
            "accident insurance claims": claims, "over-quota rewards": rewards,
            "institution support grants": supports}


def _claims(catalogue: rules.Catalogue, low: str, high: str, rng: random.Random,
            today: dt.date, filer: User | None, decider: User | None) -> int:
    """A few accident insurance claims on this year's confirmed policy roster, one in each
    state: filed by the township worker, decided by the federation (never the filer)."""
    for p in catalogue:
        version = p.on(today)
        if version is not None and version.settlement.claims is not None:
            break
    else:
        return 0
    limits = version.settlement.claims
    covered = list(RosterLine.objects.filter(
        roster__programme=p.code, roster__year=today.year, confirmed=True,
        village__code__range=(low, high)).order_by("id")[:8])
    made = []
    for n, line in enumerate(covered):
        kind = ("medical", "medical", "disability", "medical", "death", "medical")[n % 6]
        state = ("filed", "filed", "approved", "paid", "refused", "paid")[n % 6]
        accident = max(today.replace(month=1, day=1), today - dt.timedelta(days=rng.randint(5, 60)))
        claimed = Decimal({"medical": rng.choice([3200, 8600, 14500]), "disability": 30000,
                           "death": 60000}[kind])
        payable, cut = rules.claim_payable(limits, kind, claimed)
        decided = state != "filed"
        made.append(Claim(
            person_id=line.person_id, village_id=line.village_id, programme=p.code,
            roster_line=line, kind=kind, accident_on=accident,
            reported_on=min(today, accident + dt.timedelta(days=2)), claimed=claimed,
            payable=payable, state=state, filed_by=filer,
            note=cut or ("意外伤害保险条款除外责任（演示）" if state == "refused" else ""),
            decided_by=decider if decided else None,
            decided_on=min(today, accident + dt.timedelta(days=10)) if decided else None,
            paid_on=today if state == "paid" else None))
    Claim.objects.bulk_create(made)
    return len(made)


def _rewards(catalogue: rules.Catalogue, low: str, high: str, today: dt.date,
             decider: User | None) -> int:
    """Over-quota rewards where the rule file sets them (Linzi): last year's declarations
    posted ten days ago, the notice run and waiting for the federation's decision; the year
    before, approved and paid. Posted by the seed (no poster), so the demo federation user
    may decide them."""
    reward = catalogue.reward_on(today)
    if reward is None:
        return 0
    done = set(EmployerReward.objects.values_list("declaration_id", flat=True))
    rows = (Declaration.objects.filter(employer__township__code__range=(low, high),
                                       year__in=(today.year - 1, today.year - 2),
                                       state="approved", standing="over")
            .values("id", "year", "employer_id", "employer__township_id", "counted",
                    "required"))
    made = []
    for r in rows:
        if r["id"] in done:
            continue
        persons, amount = rules.reward_amount(reward, floor((r["counted"] or 0)
                                                            - (r["required"] or 0)))
        if persons < 1:
            continue
        last_year = r["year"] == today.year - 1
        posted = today - dt.timedelta(days=14) if last_year else dt.date(r["year"] + 1, 3, 1)
        notice = notice_rules.period(posted, reward.public_notice_days)
        made.append(EmployerReward(
            declaration_id=r["id"], employer_id=r["employer_id"],
            township_id=r["employer__township_id"], year=r["year"], persons=persons,
            amount=amount, state="notice" if last_year else "paid",
            notice_first=notice.first, notice_last=notice.last,
            decided_by=None if last_year else decider,
            decided_on=None if last_year else notice.last + dt.timedelta(days=3),
            paid_on=None if last_year else notice.last + dt.timedelta(days=20),
            note="" if last_year else "公示无异议（演示）"))
    EmployerReward.objects.bulk_create(made)
    return len(made)


def _supports(catalogue: rules.Catalogue, deployment: Deployment,
              people: dict[int, tuple[dict, rules.Facts]], today: dt.date,
              applicant: User | None, decider: User | None) -> int:
    """Where the rule file supports supported-employment units and blind-massage
    institutions (Linzi), one institution of each kind with the disabled workers the rules
    admit: last year's grant paid, this year's applied and waiting for the federation."""
    made, workers = [], []
    townships = list(deployment.root.townships().order_by("code")[:2])
    names = {"supported_employment": "阳光辅助性就业工场", "blind_massage": "盲人按摩中心"}
    for n, code in enumerate(sorted(catalogue.supports)):
        support = catalogue.support_on(code, today)
        if support is None or not townships:
            continue
        township = townships[n % len(townships)]
        institution = Institution.objects.filter(kind=support.institution_kind,
                                                 township=township).first()
        if institution is None:
            institution = Institution.objects.create(
                name=f"{township.name}{names[support.institution_kind]}（演示）",
                kind=support.institution_kind, township=township, capacity=40,
                opened_on=dt.date(today.year - 3, 3, 1), staff=12, professional_staff=3)
        if InstitutionGrant.objects.filter(institution=institution).exists():
            continue
        chosen = [(pid, row) for pid, (row, f) in people.items()
                  if rules.worker_verdict(support, f, today)[0]][:support.max_persons or 20]
        persons, amount, why = rules.support_amount(support, len(chosen))
        if persons < 1:
            continue
        for year, state in ((today.year - 1, "paid"), (today.year, "applied")):
            grant = InstitutionGrant(
                institution=institution, township=township, support=code,
                version=support.effective_from.isoformat(), year=year, named=len(chosen),
                counted=len(chosen), persons=persons, amount=amount, state=state, note=why,
                applied_by=applicant, applied_on=dt.date(year, 3, 1) if year < today.year
                else today - dt.timedelta(days=5),
                decided_by=decider if state == "paid" else None,
                decided_on=dt.date(year, 4, 1) if state == "paid" else None,
                paid_on=dt.date(year, 5, 1) if state == "paid" else None)
            made.append(grant)
            workers.append((grant, chosen))
    InstitutionGrant.objects.bulk_create(made)
    lines = []
    for grant, chosen in workers:
        on = today if grant.year == today.year else dt.date(grant.year, 12, 31)
        support = catalogue.support_on(grant.support, on) or catalogue.support_on(grant.support, today)
        for pid, row in chosen:
            ok, reasons = rules.worker_verdict(support, people[pid][1], on) if support else (True, ())
            lines.append(InstitutionWorker(
                grant=grant, person_id=pid, village_id=row["village_id"], counts=ok,
                reasons=[{"rule": r.rule, "passed": r.passed, "zh": r.text_zh,
                          "en": r.text_en} for r in reasons]))
    InstitutionWorker.objects.bulk_create(lines)
    return len(made)
