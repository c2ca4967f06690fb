"""Writes of poverty-return watch (防止返贫动态监测): checked, atomic and audited (see
``canlian.community.shared``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.certificates.models import Certificate
from canlian.core import clock
from canlian.employment.models import Placement
from canlian.people.models import Person

from .. import poverty_rules, shared
from ..models import (
    WatchCase,
    WatchEvent,
    WatchReview,
)
from ..shared import CommunityError, editable_person, not_future, required
from . import queries


@transaction.atomic
def record_event(user: Any, person: Person | int, *, kind: str, occurred_on: dt.date,
                 amount: Decimal = Decimal(0), note: str = "",
                 request: HttpRequest | None = None) -> WatchEvent:
    """A shock to the household (风险事件): medical costs, a job lost, a disaster."""
    person = editable_person(user, person)
    if kind not in dict(WatchEvent.KINDS):
        raise ValidationError({"kind": gettext("Unknown kind")})
    not_future(occurred_on, "occurred_on", clock.today())
    if amount < 0:
        raise ValidationError({"amount": gettext("The amount cannot be negative")})
    if kind == "medical_costs" and amount <= 0:
        raise ValidationError({"amount": gettext("Give the amount paid")})
    event = WatchEvent.objects.create(person=person, household=person.household, kind=kind,
                                      occurred_on=occurred_on, amount=amount, note=note,
                                      recorded_by=user)
    record(user=user, action=Action.CREATE, obj=event, person=person, request=request,
           summary=f"返贫风险事件：{event.get_kind_display()}")
    return event


def _max_by(rows: Any) -> dict:
    out: dict = {}
    for key, value in rows:
        if key is not None and (key not in out or value > out[key]):
            out[key] = value
    return out


def screen_people(people: Any, today: dt.date, *, user: Any = None,
                  request: HttpRequest | None = None) -> dict[str, int]:
    """Screen ``people`` (already scoped) with the watch rules, set-based: a handful of
    grouped queries for the facts, the pure rules per candidate, one bulk insert of new
    cases and one bulk update of the others. Open cases no longer flagged keep their
    history but lose their flags (the monthly review decides to close them)."""

    rules = shared.rules().poverty
    line = queries.dibao_standard(today)
    people = people.filter(life_status="alive")
    in_scope = people.values("pk")
    households = people.exclude(household=None).values("household_id")

    since = poverty_rules.months_before(today, 12)
    medical = WatchEvent.objects.filter(kind="medical_costs", occurred_on__range=(since, today),
                                        person__in=in_scope).order_by()
    medical_household = dict(medical.exclude(household=None).values_list("household_id")
                             .annotate(total=Sum("amount")))
    medical_person = dict(medical.filter(household=None).values_list("person_id")
                          .annotate(total=Sum("amount")))

    since = poverty_rules.months_before(today, rules.job_loss_months)
    events = WatchEvent.objects.filter(kind="job_loss", occurred_on__range=(since, today),
                                       person__in=in_scope).order_by()
    working = Placement.objects.filter(person=OuterRef("person_id"), start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gt=today))
    ended = (Placement.objects.filter(person__in=in_scope, end__range=(since, today))
             .exclude(Exists(working)).order_by())
    job_household = _max_by([*events.exclude(household=None).values_list("household_id")
                              .annotate(last=Max("occurred_on")),
                              *ended.exclude(person__household=None)
                              .values_list("person__household_id").annotate(last=Max("end"))])
    job_person = _max_by([*events.filter(household=None).values_list("person_id")
                          .annotate(last=Max("occurred_on")),
                          *ended.filter(person__household=None).values_list("person_id")
                          .annotate(last=Max("end"))])

    since = poverty_rules.months_before(today, rules.new_severe_months)
    earlier = Certificate.objects.filter(person=OuterRef("person_id"), grade__in=rules.severe_grades,
                                         issue_date__lt=OuterRef("issue_date"))
    severe = dict(Certificate.objects.filter(
        grade__in=rules.severe_grades, issue_date__range=(since, today),
        person__household_id__in=households).exclude(Exists(earlier)).order_by()
        .values_list("person__household_id").annotate(last=Max("issue_date")))

    candidates = Q(household_id__in=[*medical_household, *job_household, *severe]) | Q(
        pk__in=[*medical_person, *job_person])
    if line is not None:
        candidates |= (Q(household__monthly_income_per_capita__lt=line * rules.near_line_multiple)
                       & ~Q(household__household_type__in=rules.covered_household_types))
    flagged: dict[int, list[dict]] = {}
    villages: dict[int, str] = {}
    for r in people.filter(candidates).values("id", "village_id", "household_id",
                                              "household__household_type",
                                              "household__monthly_income_per_capita"):
        hh = r["household_id"]
        facts = poverty_rules.HouseholdFacts(
            today=today, household_type=r["household__household_type"] or "",
            income_per_capita=r["household__monthly_income_per_capita"], dibao_standard=line,
            last_job_loss=job_household.get(hh) if hh else job_person.get(r["id"]),
            medical_costs_12m=(medical_household.get(hh) if hh else medical_person.get(r["id"]))
            or Decimal(0),
            new_severe_on=severe.get(hh) if hh else None)
        found = poverty_rules.flags(facts, rules)
        if found:
            flagged[r["id"]] = [{"code": f.code, "zh": f.zh, "en": f.en} for f in found]
            villages[r["id"]] = r["village_id"]

    open_cases = WatchCase.objects.filter(status="open", person__in=in_scope)
    existing = dict(open_cases.filter(person_id__in=list(flagged)).values_list("person_id", "id"))
    WatchCase.objects.bulk_update(
        [WatchCase(id=case_id, flags=flagged[pid], screened_on=today)
         for pid, case_id in existing.items()], ["flags", "screened_on"], batch_size=1000)
    cleared = open_cases.exclude(person_id__in=list(flagged)).update(flags=[], screened_on=today)
    new = [pid for pid in flagged if pid not in existing]
    WatchCase.objects.bulk_create([WatchCase(person_id=pid, opened_on=today, flags=flagged[pid],
                                             screened_on=today) for pid in new], batch_size=1000)
    record_many(user=user, action=Action.CREATE, request=request,
                people=[(pid, villages[pid]) for pid in new], summary="纳入防止返贫监测")
    return {"flagged": len(flagged), "opened": len(new), "updated": len(existing),
            "cleared": cleared}


@transaction.atomic
def screen(user: Any, request: HttpRequest | None = None) -> dict[str, int]:
    """Screen the user's region for the poverty-return watch (动态监测筛查)."""
    scoping.require(user, Capability.REVIEW)
    result = screen_people(scoping.people_for(user), clock.today(), user=user, request=request)
    record(user=user, action=Action.UPDATE, object_type="watchcase", request=request,
           summary=f"防止返贫监测筛查：{result['flagged']} 人有风险，新纳入 {result['opened']} 人")
    return result


def _scoped_case(user: Any, case_id: int) -> WatchCase:
    found = (queries.watch_cases_for(user).select_for_update().select_related("person")
             .filter(pk=case_id).first())
    if found is None:
        raise WatchCase.DoesNotExist(case_id)
    return found


@transaction.atomic
def review_case(user: Any, case_id: int, *, situation: str, help_kinds: list[str],
                help_amount: Decimal = Decimal(0), note: str = "", on: dt.date | None = None,
                request: HttpRequest | None = None) -> WatchReview:
    """This month's review (月度研判) of an open case, with the help given (帮扶措施)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    case = _scoped_case(user, case_id)
    if case.status != "open":
        raise CommunityError(gettext("The case is closed"))
    on = on or clock.today()
    not_future(on, "on", clock.today())
    if situation not in poverty_rules.SITUATIONS:
        raise ValidationError({"situation": gettext("Choose the situation")})
    if any(k not in poverty_rules.HELP_KINDS for k in help_kinds):
        raise ValidationError({"help_kinds": gettext("Unknown kind of assistance")})
    if help_amount < 0:
        raise ValidationError({"help_amount": gettext("The amount cannot be negative")})
    if situation == "worse" and not help_kinds:
        raise ValidationError({"help_kinds": gettext("A worse situation needs help")})
    month = poverty_rules.month_start(on)
    if WatchReview.objects.filter(case=case, month=month).exists():
        raise CommunityError(gettext("The review of %(month)s is already done") % {"month": f"{month:%Y-%m}"})
    review = WatchReview.objects.create(case=case, month=month, reviewed_on=on, reviewer=user,
                                        situation=situation, help_kinds=list(dict.fromkeys(help_kinds)),
                                        help_amount=help_amount, note=note)
    record(user=user, action=Action.CREATE, obj=review, person=case.person, request=request,
           summary=f"返贫监测月度研判 {month:%Y-%m}：{poverty_rules.SITUATIONS[situation][0]}")
    return review


@transaction.atomic
def close_case(user: Any, case_id: int, *, reason: str,
               request: HttpRequest | None = None) -> WatchCase:
    """Remove the risk (风险消除): the case leaves the watch list, with the reason."""
    scoping.require(user, Capability.REVIEW)
    case = _scoped_case(user, case_id)
    if case.status != "open":
        raise CommunityError(gettext("The case is already closed"))
    case.close_reason = required(reason, "reason", "请说明风险消除的依据", "give the reason")
    case.status, case.closed_on = "closed", clock.today()
    case.save(update_fields=["status", "closed_on", "close_reason"])
    record(user=user, action=Action.TRANSITION, obj=case, person=case.person, request=request,
           summary=f"解除返贫监测：{case.close_reason}")
    return case
