"""Reads of the programme engine: the figures per programme and township, and the
simulation of a draft rule file against the registry (模拟测算).

Everything starts from the scoping layer (``accounts.scoping``) and is set-based: the
figures are grouped aggregates, the simulation reads the region's facts in six queries
(``facts.facts_many``) and applies the pure rules in memory.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth

from canlian.accounts import scoping
from canlian.benefits import figures as subsidy_figures
from canlian.benefits.models import Grant, SubsidyApplication
from canlian.care.models import Designation
from canlian.core import clock
from canlian.services.models import Institution

from . import actions, facts, rules
from .actions import applications_for
from .models import Application, BillLine, Payment, RosterLine


def figures(user: Any, year: int) -> list[dict[str, Any]]:
    """Per programme and township in ``year``: offers, applications, approved, and what was
    paid (ledger), settled (institution bills) or confirmed (rosters), in yuan."""
    apps = applications_for(user).filter(year=year)
    rows: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {
        "offered": 0, "applied": 0, "approved": 0, "refused": 0, "paid": 0,
        "amount": Decimal(0)})
    for r in apps.values("programme", "village__parent__name").annotate(
            offered=Count("id", filter=Q(state="offered")),
            applied=Count("id", filter=~Q(state="offered")),
            approved=Count("id", filter=Q(state__in=("approved", "ended"))),
            refused=Count("id", filter=Q(state="refused"))):
        row = rows[(r["programme"], r["village__parent__name"])]
        for k in ("offered", "applied", "approved", "refused"):
            row[k] += r[k]
    region = scoping.region_q(user, "village__code")
    for model, date_field, amount, extra, person in (
            (Payment, "period", "amount", ~Q(status="failed"), "person_id"),
            (BillLine, "month", "accepted", Q(), "application__person_id"),
            (RosterLine, "roster__year", "amount", Q(confirmed=True), "person_id")):
        when = {f"{date_field}__year": year} if date_field != "roster__year" else {
            "roster__year": year}
        programme = "programme" if model is Payment else (
            "application__programme" if model is BillLine else "roster__programme")
        for r in model.objects.filter(region, extra, **when).values(
                programme, "village__parent__name").annotate(
                    total=Sum(amount), persons=Count(person, distinct=True)):
            row = rows[(r[programme], r["village__parent__name"])]
            row["amount"] += r["total"] or 0
            row["paid"] += r["persons"]
    catalogue = facts.catalogue()
    names = {p.code: p.latest.name_zh for p in catalogue} if catalogue else {}
    on_roll = subsidy_programmes()
    if on_roll:  # the subsidies' figures, read from their own applications and roll
        by_subsidy = {subsidy: code for code, subsidy in on_roll.items()}
        for r in subsidy_figures.by_township(user, year):
            code = by_subsidy.get(r["subsidy"])
            if code is None:
                continue
            row = rows[(code, r["township"])]
            for k in ("offered", "applied", "approved", "refused", "paid", "amount"):
                row[k] += r[k]
    return [{"programme": code, "name": names.get(code, code), "township": town, **values}
            for (code, town), values in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]


def monthly(user: Any, year: int, code: str) -> list[dict[str, Any]]:
    """One programme month by month: applications and approvals by month of application,
    and the persons paid or settled and the amount by month paid for (ledger) or billed
    (institution); the twelve months, empty ones included."""
    months: dict[int, dict[str, Any]] = {m: {"month": m, "applied": 0, "approved": 0,
                                             "paid": 0, "amount": Decimal(0)}
                                         for m in range(1, 13)}
    subsidy = subsidy_programmes().get(code)
    if subsidy is not None:  # on the subsidy roll: the benefits app's months
        for m, values in subsidy_figures.by_month(user, year, subsidy).items():
            months[m].update(values)
        return list(months.values())
    for r in (applications_for(user).filter(year=year, programme=code, applied_on__isnull=False)
              .annotate(month=ExtractMonth("applied_on")).values("month")
              .annotate(applied=Count("id"),
                        approved=Count("id", filter=Q(state__in=("approved", "ended"))))
              .order_by()):
        months[r["month"]].update(applied=r["applied"], approved=r["approved"])
    region = scoping.region_q(user, "village__code")
    for qs, date_field, amount, person in (
            (Payment.objects.filter(region, programme=code, period__year=year)
             .exclude(status="failed"), "period", "amount", "person_id"),
            (BillLine.objects.filter(region, application__programme=code, month__year=year),
             "month", "accepted", "application__person_id")):
        for r in (qs.annotate(m=ExtractMonth(date_field)).values("m")
                  .annotate(total=Sum(amount), persons=Count(person, distinct=True)).order_by()):
            months[r["m"]]["paid"] += r["persons"]
            months[r["m"]]["amount"] += r["total"] or 0
    return list(months.values())


@dataclass
class TownshipImpact:
    township: str
    now: int = 0
    draft: int = 0
    gains: int = 0
    losses: int = 0
    cost_now: Decimal = Decimal(0)
    cost_draft: Decimal = Decimal(0)

    @property
    def change(self) -> Decimal:
        return self.cost_draft - self.cost_now


@dataclass
class Simulation:
    """Who gains, who loses and the yearly cost per township, per programme."""

    on: dt.date
    persons: int
    seconds: float
    programmes: dict[str, dict[str, TownshipImpact]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    gainers: list[dict[str, Any]] = field(default_factory=list)  # a sample, for the page
    losers: list[dict[str, Any]] = field(default_factory=list)

    def totals(self, code: str) -> TownshipImpact:
        total = TownshipImpact("合计")
        for t in self.programmes.get(code, {}).values():
            total.now += t.now
            total.draft += t.draft
            total.gains += t.gains
            total.losses += t.losses
            total.cost_now += t.cost_now
            total.cost_draft += t.cost_draft
        return total


def simulate(user: Any, draft: rules.Catalogue, on: dt.date, *, sample: int = 20) -> Simulation:
    """Apply the draft and the rules in force to every person the user may see, on ``on``.

    Set-based: the persons are grouped once by the facts the rules read (age in place of
    the birth date), with the persons of each group counted per township; every programme
    then runs its rules once per group, not once per person — a district of 20,000 has a
    few thousand groups — and adds the group's counts and costs to its townships."""
    started = time.perf_counter()
    current = facts.catalogue()
    people = facts.facts_many(scoping.people_for(user), on)
    codes = list(dict.fromkeys([*(p.code for p in draft),
                                *((p.code for p in current) if current else ())]))
    result = Simulation(on=on, persons=len(people), seconds=0)
    versions = {code: ((current.get(code) if current else None), draft.get(code))
                for code in codes}
    in_force = {code: (old.on(on) if old else None, new.on(on) if new else None)
                for code, (old, new) in versions.items()}
    # Incomes differ household by household: in the key only where a rule reads them.
    reads_income = any("income_below" in v.model_dump_json()
                       or '"rule":"subsidy"' in v.model_dump_json()
                       for pair in in_force.values() for v in pair if v is not None)
    groups: dict[tuple[Any, ...], tuple[rules.Facts, dict[str, list[int]]]] = {}
    for pid, (row, f) in people.items():
        key = (rules.age_on(f.birth_date, on), f.alive, f.certificate_valid, f.category,
               f.grade, f.autism, f.household_type,
               f.income_per_capita if reads_income else None, f.pension_insured,
               f.medical_insured, f.school, f.care_modes, f.care_government_paid,
               f.employment)
        group = groups.get(key)
        if group is None:
            group = groups[key] = (f, {})
        group[1].setdefault(row["village__parent__name"] or "", []).append(pid)
    for code in codes:
        old_v, new_v = in_force[code]
        shown = new_v or old_v
        result.names[code] = shown.name_zh if shown else code
        towns: dict[str, TownshipImpact] = {}
        # Groups differ in facts this programme may not read: decide once per outcome key
        # (rules.outcome_key), and again only for the wording of a loser's reasons.
        decided: dict[tuple[int, tuple[Any, ...]], rules.Verdict] = {}
        for f, by_town in groups.values():
            before = _once(decided, 0, code, old_v, f, on) if old_v else None
            after = _once(decided, 1, code, new_v, f, on) if new_v else None
            was = before is not None and before.eligible
            will = after is not None and after.eligible
            if not (was or will):
                continue
            cost_now = rules.yearly_cost(old_v, before.amount) if was else Decimal(0)  # type: ignore[arg-type,union-attr]
            cost_draft = rules.yearly_cost(new_v, after.amount) if will else Decimal(0)  # type: ignore[arg-type,union-attr]
            for town, pids in by_town.items():
                n = len(pids)
                t = towns.get(town) or towns.setdefault(town, TownshipImpact(town))
                if was:
                    t.now += n
                    t.cost_now += cost_now * n
                if will:
                    t.draft += n
                    t.cost_draft += cost_draft * n
                if will and not was:
                    t.gains += n
                    room = sample - len(result.gainers)
                    result.gainers.extend({"programme": code, "person_id": pid, "township": town}
                                          for pid in pids[:max(0, room)])
                if was and not will:
                    t.losses += n
                    room = sample - len(result.losers)
                    why = (rules.decide_version(code, new_v, f, on).why_zh() if new_v
                           else "项目已取消")
                    result.losers.extend({"programme": code, "person_id": pid, "township": town,
                                          "why": why} for pid in pids[:max(0, room)])
        result.programmes[code] = dict(sorted(towns.items()))
    result.seconds = time.perf_counter() - started
    return result


def _once(decided: dict[tuple[int, tuple[Any, ...]], rules.Verdict], which: int, code: str,
          version: rules.Version, f: rules.Facts, on: dt.date) -> rules.Verdict:
    """The verdict for ``f``, decided once per outcome key of the version (0: in force,
    1: the draft)."""
    key = (which, rules.outcome_key(version, f, on))
    found = decided.get(key)
    if found is None:
        found = decided[key] = rules.decide_version(code, version, f, on)
    return found


def simulation_sheet(book: Any, sim: Simulation) -> None:
    """The simulation as a workbook the federation can put before the finance bureau."""
    sheet = book.create_sheet("模拟测算")
    sheet.header(["项目", "镇街", "现行规则人数", "草案人数", "新增受益", "不再受益",
                  "现行年度费用（元）", "草案年度费用（元）", "变化（元）"])
    for code, towns in sim.programmes.items():
        for t in [*towns.values(), sim.totals(code)]:
            sheet.append([sim.names[code], t.township, t.now, t.draft, t.gains, t.losses,
                          float(t.cost_now), float(t.cost_draft), float(t.change)])
    note = book.create_sheet("说明")
    note.append([f"测算日期 {sim.on.isoformat()}，覆盖 {sim.persons} 人，用时 {sim.seconds:.2f} 秒。"])
    note.append(["金额为年度费用：按月发放的乘以 12；机构结算按每人每年限额计；优惠类不计费用。"])
    note.append(["规则中的地方金额为演示值，未经确认。"])


def subsidy_programmes(on: dt.date | None = None) -> dict[str, str]:
    """{programme code: subsidy} of the programmes settled on the subsidy roll in force
    on ``on`` (the two national subsidies in the catalogue)."""
    on = on or clock.today()
    catalogue = facts.catalogue()
    found: dict[str, str] = {}
    for p in catalogue or ():
        version = p.on(on)
        if version is not None and version.settlement.subsidy is not None:
            found[p.code] = version.settlement.subsidy
    return found


def _subsidy_states(person: Any) -> dict[str, dict[str, Any]]:
    """{subsidy: state, state_code and application} of the person's subsidy now, as the
    portal's offer shows it: a running grant, an open application, or the pre-filled one
    (the offer, “check and send”)."""
    found: dict[str, dict[str, Any]] = {}
    for a in SubsidyApplication.objects.filter(
            person=person, state__in=("prefilled", "applied", "reviewed")):
        found[a.subsidy] = {"state": a.get_state_display(), "app_id": a.pk,
                            "state_code": "offered" if a.state == "prefilled" else a.state}
    for g in Grant.objects.filter(person=person).exclude(status="stopped"):
        found[g.subsidy] = {"state": g.get_status_display(), "app_id": g.application_id,
                            "state_code": "approved"}
    return found


def offers_for(person: Any) -> list[dict[str, Any]]:
    """The portal's “您可能可以申请…”: programmes the person qualifies for today, with the
    reason, and the offers already opened; nothing for a programme they do not qualify for.
    A subsidy on the subsidy roll shows its own application or grant (kind ``subsidy``)."""
    today = clock.today()
    opened = {a.programme: a for a in Application.objects.filter(
        person=person, year=today.year).exclude(state__in=("refused", "withdrawn", "ended"))}
    on_roll = subsidy_programmes(today)
    subsidy_states = _subsidy_states(person) if on_roll else {}
    catalogue = facts.catalogue()
    result = []
    for verdict in actions.evaluate(person, today):
        if not verdict.eligible:
            continue
        version = catalogue.get(verdict.code).on(today)  # type: ignore[union-attr]
        app = opened.get(verdict.code)
        state = ({"state": app.get_state_display(), "state_code": app.state, "app_id": app.pk}
                 if app else {"state": "", "state_code": "", "app_id": None})
        if verdict.code in on_roll:
            state = subsidy_states.get(on_roll[verdict.code], state)
        result.append({"code": verdict.code, "name": verdict.name_zh,
                       "summary": version.summary_zh if version else "",
                       "kind": rules.BENEFIT_ZH[version.benefit.kind] if version else "",
                       "amount": verdict.amount, **state,
                       "app_kind": "subsidy" if verdict.code in on_roll else "programme",
                       "subsidy": on_roll.get(verdict.code, ""),  # its own form
                       "portal": version is not None and (
                           "portal" in version.channels or "offer" in version.channels),
                       "reasons": [r.text_zh for r in verdict.reasons if r.passed]})
    return result


def designated_institutions(service: str, on: dt.date) -> Any:
    """Institutions holding a designation agreement (定点服务协议) for ``service`` on ``on``:
    the choices offered to a guardian applying for a programme settled with institutions."""
    agreements = (Designation.objects.filter(institution=OuterRef("pk"), service=service,
                                             start_date__lte=on, end_date__gte=on)
                  .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on)))
    return Institution.objects.filter(Exists(agreements)).order_by("name", "id")


@dataclass
class PortalProgramme:
    """What the portal shows about one programme for one person today (“申请…”): the rules
    with each reason, whether the portal takes the application and who the applicant is."""

    code: str
    version: rules.Version
    verdict: rules.Verdict
    applicant: str  # person | guardian: who is acting in the portal
    application: Application | None  # the open one this year, or the offer
    institutions: list[Any]

    @property
    def channel(self) -> str:
        return "portal" if "portal" in self.version.channels else "offer"

    @property
    def takes_portal(self) -> bool:
        """The portal takes it: a portal channel, or confirming an offer the engine opens."""
        return "portal" in self.version.channels or "offer" in self.version.channels

    @property
    def applicant_allowed(self) -> bool:
        return self.applicant in self.version.applicants

    @property
    def can_apply(self) -> bool:
        open_app = self.application is not None and self.application.state != "offered"
        return (self.verdict.eligible and self.takes_portal and self.applicant_allowed
                and not open_app)


def for_portal(user: Any, person: Any, code: str) -> PortalProgramme | None:
    """None when the deployment has no such programme in force today."""
    today = clock.today()
    catalogue = facts.catalogue()
    found = catalogue.get(code) if catalogue else None
    version = found.on(today) if found else None
    if found is None or version is None:
        return None
    verdict = rules.decide_version(code, version, facts.facts_for(person, today), today)
    applicant = "person" if user.resident_id and user.resident_id == person.resident_id \
        else "guardian"
    app = (Application.objects.filter(person=person, programme=code, year=today.year)
           .exclude(state__in=("refused", "withdrawn", "ended")).first())
    institutions = (list(designated_institutions(version.settlement.designation or "", today))
                    if version.settlement.kind == "institution" else [])
    return PortalProgramme(code, version, verdict, applicant, app, institutions)


PARTICIPATION = {"medical_premium": "roster", "pension_premium": "roster",
                 "child_rehab": "bill"}


def participants(region: Any, year: int, code: str) -> Any:
    """The person ids a programme settled for in ``year`` within ``region``
    — for a roster programme, confirmed by the other department (``RosterLine.confirmed``);
    for an institution programme, with an accepted bill line that year. A subquery, so
    the plan indicators (``indicators.measures``) count and list with one definition."""
    kind = PARTICIPATION.get(code)
    if kind == "roster":
        return RosterLine.objects.filter(
            scoping.within(region, "village__code"), roster__programme=code, roster__year=year,
            confirmed=True).values("person_id")
    if kind == "bill":
        return BillLine.objects.filter(
            scoping.within(region, "village__code"), application__programme=code,
            month__year=year, accepted__gt=0).values("application__person_id")
    raise ValueError(f"no participation defined for {code}")
