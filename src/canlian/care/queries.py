"""Reads of care: scoped querysets, occupancy, the waiting list in order, monthly
attendance and the care-need gap. Every queryset starts from the scoping layer; every
figure is one aggregate query (no per-row loop over the database)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from canlian.accounts import scoping
from canlian.certificates.models import Certificate
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.services.models import Institution, ServiceRecord
from canlian.surveys.models import AnnualSurvey

from . import rules as care_rules
from .models import (
    Attendance,
    Contract,
    Designation,
    Inspection,
    Placement,
    Places,
    Problem,
    WaitingEntry,
)

DATA = Path(__file__).parent / "data"
CARE_KINDS = ("home_of_disabled", "care", "township_service")
NEED_MODE = {"day": "day", "residential": "residential"}


@lru_cache(maxsize=8)
def _load(name: str) -> care_rules.Rules:
    return care_rules.load(DATA / name)


def rules(deployment: Deployment | None = None) -> care_rules.Rules:
    """The deployment's care rules (``data/<code>.yaml``), else the shipped ``rules.yaml``."""
    deployment = deployment or Deployment.current()
    if deployment is not None and (DATA / f"{deployment.code}.yaml").exists():
        return _load(f"{deployment.code}.yaml")
    return _load("rules.yaml")


# ---- scoped querysets -----------------------------------------------------------------------

def institutions_for(user: Any) -> QuerySet[Institution]:
    """Care institutions (homes of the disabled, care and township service institutions)
    whose township lies in the user's region."""
    return Institution.objects.filter(scoping.region_range_q(user, "township__code"),
                                      kind__in=CARE_KINDS)


def placements_for(user: Any) -> QuerySet[Placement]:
    return Placement.objects.filter(scoping.region_q(user, "village__code"),
                                    institution__in=institutions_for(user))


def waiting_for(user: Any) -> QuerySet[WaitingEntry]:
    return WaitingEntry.objects.filter(scoping.region_q(user, "village__code"),
                                       institution__in=institutions_for(user))


def active(rows: QuerySet[Placement], first: dt.date, last: dt.date | None = None
           ) -> QuerySet[Placement]:
    """Placements open on some day of ``first``–``last`` (one day when ``last`` is None)."""
    last = last or first
    return rows.filter(start_date__lte=last).filter(Q(end_date__isnull=True) |
                                                    Q(end_date__gte=first))


# Modes in which an approved institution provides the care (集中托养, 日间照料): the fact
# behind a nursing subsidy's institutional-care uplift (Zhejiang: +50 %).
UPLIFT_MODES = ("residential", "day")


def in_institutional_care(first: dt.date, last: dt.date | None = None,
                          persons: list[int] | None = None) -> set[int]:
    """Persons cared for by an approved institution (经认定的托养机构) on some day of
    ``first``–``last``: a residential or day-care placement at an institution whose care
    designation (定点协议) covers that day. Read from the placement record, not from what an
    applicant declares."""
    last = last or first
    designated = (Designation.objects.filter(institution=OuterRef("institution_id"), service="care",
                                             start_date__lte=last, end_date__gte=first)
                  .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first)))
    rows = active(Placement.objects.filter(mode__in=UPLIFT_MODES), first, last).filter(
        Exists(designated))
    if persons is not None:
        rows = rows.filter(person_id__in=persons)
    return set(rows.values_list("person_id", flat=True))


def occupied(institution: Institution, mode: str, day: dt.date, last: dt.date | None = None
             ) -> int:
    """Places taken on ``day`` (to ``last``, or open-ended), counting the placements that
    start later too (a place promised from next month is not free today)."""
    rows = (Placement.objects.filter(institution=institution, mode=mode)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day)))
    if last is not None:
        rows = rows.filter(start_date__lte=last)
    return rows.count()


def designation(institution: Institution, service: str, day: dt.date) -> Designation | None:
    """The designation agreement for ``service`` in force on ``day``, if any."""
    return (Designation.objects.filter(institution=institution, service=service,
                                       start_date__lte=day, end_date__gte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day)).first())


# ---- occupancy ------------------------------------------------------------------------------

@dataclass
class Slot:
    mode: str
    places: int = 0
    occupied: int = 0
    waiting: int = 0

    @property
    def free(self) -> int:
        return max(0, self.places - self.occupied)

    @property
    def label(self) -> str:
        return care_rules.MODES[self.mode][0]


@dataclass
class Row:
    institution: Institution
    slots: dict[str, Slot] = field(default_factory=dict)

    @property
    def places(self) -> int:
        return sum(s.places for s in self.slots.values())

    @property
    def occupied(self) -> int:
        return sum(s.occupied for s in self.slots.values())

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.slots.values())

    @property
    def occupancy(self) -> float | None:
        return None if not self.places else self.occupied / self.places


def occupancy(institutions: QuerySet[Institution], day: dt.date) -> list[Row]:
    """Per institution and mode: places, occupied on ``day``, waiting — three aggregates."""
    rows = {i.pk: Row(i) for i in institutions.select_related("township")}

    def slot(pk: int, mode: str) -> Slot:
        return rows[pk].slots.setdefault(mode, Slot(mode))

    for inst, mode, places in Places.objects.filter(institution__in=list(rows)).values_list(
            "institution_id", "mode", "places"):
        slot(inst, mode).places = places
    for r in (active(Placement.objects.filter(institution__in=list(rows)), day)
              .values("institution_id", "mode").annotate(n=Count("id"))):
        slot(r["institution_id"], r["mode"]).occupied = r["n"]
    for r in (WaitingEntry.objects.filter(institution__in=list(rows), state="waiting")
              .values("institution_id", "mode").annotate(n=Count("id"))):
        slot(r["institution_id"], r["mode"]).waiting = r["n"]
    for row in rows.values():
        row.slots = {m: row.slots[m] for m in care_rules.MODES if m in row.slots}
    return list(rows.values())


# ---- the waiting list -----------------------------------------------------------------------

def waiting_list(user: Any, institution: Institution, mode: str) -> list[WaitingEntry]:
    """The waiting entries in order, each with ``position`` (1 = next)."""
    entries = {e.pk: e for e in waiting_for(user).filter(
        institution=institution, mode=mode, state="waiting").select_related("person")}
    ordered = care_rules.order((e.pk, e.points, e.applied_on) for e in entries.values())
    result = []
    for n, pk in enumerate(ordered, start=1):
        entries[pk].position = n  # type: ignore[attr-defined]
        result.append(entries[pk])
    return result


# ---- attendance -----------------------------------------------------------------------------

def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly_attendance(institution: Institution, year: int, month: int) -> dict[str, Any]:
    """Per day-care placement of the month: days present, days recorded, rate; and the
    days the home recorded attendance."""
    first, last = month_range(year, month)
    placements = list(active(Placement.objects.filter(institution=institution, mode="day"),
                             first, last).select_related("person").order_by("person__name"))
    counts = {r["placement_id"]: r for r in Attendance.objects.filter(
        placement__in=placements, day__range=(first, last)).values("placement_id").annotate(
        recorded=Count("id"), present=Count("id", filter=Q(present=True)))}
    days = (Attendance.objects.filter(placement__institution=institution,
                                      day__range=(first, last))
            .values("day").distinct().count())
    rows = []
    for p in placements:
        c = counts.get(p.pk, {"recorded": 0, "present": 0})
        rows.append({"placement": p, "present": c["present"], "recorded": c["recorded"],
                     "rate": care_rules.attendance_rate(c["present"], c["recorded"])})
    return {"rows": rows, "days": days, "first": first, "last": last,
            "present": sum(r["present"] for r in rows),
            "recorded": sum(r["recorded"] for r in rows)}


def monthly_bill(institution: Institution, year: int, month: int) -> dict[str, Any]:
    """The month's bill (按月结算) for the government-paid placements: days (present days in
    day care) times the designation's price of the mode in force on the first billed day."""
    first, last = month_range(year, month)
    placements = list(active(Placement.objects.filter(institution=institution,
                                                      payer="government"), first, last)
                      .select_related("person").order_by("mode", "person__name"))
    present = {r["placement_id"]: r["n"] for r in Attendance.objects.filter(
        placement__in=placements, day__range=(first, last), present=True)
        .values("placement_id").annotate(n=Count("id"))}
    agreements = list(Designation.objects.filter(institution=institution, service="care",
                                                 start_date__lte=last, end_date__gte=first))
    rows, total = [], Decimal(0)
    for p in placements:
        begin = max(first, p.start_date)
        days = care_rules.billable_days(p.mode, p.start_date, p.end_date, first, last,
                                        present.get(p.pk, 0))
        agreement = next((a for a in agreements if a.start_date <= begin <= a.end_date
                          and (a.ended_on is None or a.ended_on >= begin)), None)
        price = Decimal(agreement.prices[p.mode]) if agreement and p.mode in agreement.prices \
            else None
        amount = None if price is None else price * days
        total += amount or 0
        rows.append({"placement": p, "days": days, "price": price, "amount": amount})
    return {"rows": rows, "total": total, "first": first, "last": last,
            "unpriced": sum(1 for r in rows if r["price"] is None)}


# ---- inspections ----------------------------------------------------------------------------

def exit_due(institution: Institution) -> bool:
    grades = list(Inspection.objects.filter(institution=institution)
                  .values_list("grade", flat=True)[:10])
    return care_rules.exit_due(grades, rules().inspection)


def yearly_grade(institution: Institution, year: int) -> Inspection | None:
    """The year's grading: its latest inspection."""
    return Inspection.objects.filter(institution=institution, inspected_on__year=year).first()


def open_problems(user: Any) -> QuerySet[Problem]:
    return (Problem.objects.filter(institution__in=institutions_for(user), rectified_on=None)
            .select_related("institution"))


# ---- purchased services ---------------------------------------------------------------------

def contracts_for(user: Any) -> QuerySet[Contract]:
    """Contracts whose area lies in the user's region (a county's contracts are the
    federation's; a township's, the township's too)."""
    return Contract.objects.filter(scoping.region_range_q(user, "region__code"))


def spent(contract: Contract) -> Decimal:
    return contract.unit_price * contract.deliveries.count()


def performance(contract: Contract) -> care_rules.Performance:
    """Delivered against contracted, persons served, spending and satisfaction (aggregates)."""
    rows = contract.deliveries.aggregate(n=Count("id"), persons=Count("service__person",
                                                                      distinct=True))
    answers = [a for a in contract.deliveries.exclude(satisfaction=None)
               .values_list("satisfaction", flat=True) if a is not None]
    return care_rules.performance(contract.quantity, rows["n"], rows["persons"],
                                  contract.unit_price * rows["n"], answers)


# ---- the care-need gap ----------------------------------------------------------------------

def gap(user: Any, year: int) -> QuerySet[Person]:
    """Persons in the user's region whose survey of ``year`` records a care need and who had
    no placement (nor a care service record) open in that year, per village."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    needing = AnnualSurvey.objects.filter(year=year).exclude(care_need="none")
    placed = active(Placement.objects.filter(person=OuterRef("pk")), first, last)
    served = ServiceRecord.objects.filter(
        person=OuterRef("pk"), service_type__group__in=["day_care", "residential_care"],
        start_date__lte=last).filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    need = AnnualSurvey.objects.filter(person=OuterRef("pk"), year=year).values("care_need")[:1]
    return (scoping.people_for(user).filter(pk__in=needing.values("person_id"),
                                            life_status="alive")
            .filter(~Exists(placed), ~Exists(served))
            .annotate(care_need=Subquery(need))
            .select_related("village__parent").order_by("village_id", "name"))


def nearest_free(rows: list[Row], township: str, need: str) -> Institution | None:
    """The institution with a free place of the needed mode: in the person's township
    first, then anywhere in the region (fewest occupied first)."""
    mode = NEED_MODE.get(need, "day")
    candidates = [r for r in rows if mode in r.slots and r.slots[mode].free > 0
                  and r.institution.closed_on is None]
    same = [r for r in candidates if r.institution.township_id == township]
    pick = same or candidates
    return min(pick, key=lambda r: (r.slots[mode].occupied, r.institution.pk)).institution \
        if pick else None


# ---- finding a person -----------------------------------------------------------------------

def find_person(user: Any, text: str) -> Person | None:
    """The person in the user's region named by a resident ID, a certificate number, or the
    e-certificate's QR (its verification address ``…/verify/<token>/`` or the token)."""
    text = text.strip()
    if not text:
        return None
    people = scoping.people_for(user)
    match = re.search(r"/verify/([A-Za-z0-9_-]{22})/?$", text) or re.fullmatch(
        r"([A-Za-z0-9_-]{22})", text)
    if match:
        person_ids = Certificate.objects.filter(verify_token=match.group(1)).values("person_id")
        found = people.filter(pk__in=person_ids).first()
        if found is not None:
            return found
    return people.filter(Q(resident_id=text.upper()) | Q(certificate_number=text.upper())).first()
