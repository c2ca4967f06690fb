"""Education figures and lists, set-based: the register per township and status, the
out-of-school cases per township (the list the education department and the federation
go through together), missed home-teaching visits, and the persons the compulsory-
enrolment and upper-secondary indicators take from the register."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from canlian.accounts import scoping
from canlian.regions.models import Region

from . import rules
from .models import DropoutCase, HomeTeachingPlan, HomeVisit, StatusChange


def by_township_and_status(pupils: QuerySet) -> dict[str, dict[str, int]]:
    rows = (pupils.annotate(township=Substr("village_id", 1, 9)).values("township", "status")
            .annotate(n=Count("id")).order_by())
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        result[r["township"] + "000"][r["status"]] = r["n"]
    return dict(result)


def dropout_list(cases: QuerySet) -> QuerySet:
    """Open out-of-school cases, per township then deadline."""
    return (cases.filter(closed_on__isnull=True).select_related("pupil__person", "village__parent")
            .order_by("village_id", "due", "id"))


def missed_visits(plans: QuerySet, today: dt.date) -> list[dict[str, Any]]:
    """Running home-teaching plans with a whole month of fewer visits than planned."""
    running = list(plans.filter(start__lte=today).filter(Q(end__isnull=True) | Q(end__gte=today))
                   .select_related("pupil__person"))
    visits: dict[int, list[dt.date]] = defaultdict(list)
    for plan_id, on in HomeVisit.objects.filter(plan__in=running).values_list("plan_id", "on"):
        visits[plan_id].append(on)
    result = []
    for plan in running:
        missed = rules.missed_months(plan.visits_per_month, plan.start, today, visits[plan.pk])
        if missed:
            result.append({"plan": plan, "missed": missed})
    return result


def plans_for(pupils: QuerySet) -> QuerySet:
    return HomeTeachingPlan.objects.filter(pupil__in=pupils)


def overdue_cases(cases: QuerySet, today: dt.date) -> QuerySet:
    return cases.filter(closed_on__isnull=True, due__lt=today)


# ---- for the indicators ---------------------------------------------------------------------

def in_status_during(region: Region | tuple[str, str], statuses: frozenset[str] | set[str],
                     first: dt.date, last: dt.date) -> QuerySet:
    """Persons (ids) whose register status was one of ``statuses`` at some time between
    ``first`` and ``last`` (a subquery)."""
    return (StatusChange.objects.filter(scoping.within(region, "pupil__village__code"),
                                        status__in=list(statuses), since__lte=last)
            .filter(Q(until__isnull=True) | Q(until__gte=first)).values("pupil__person_id"))


def completed_by(region: Region | tuple[str, str], levels: list[str], last: dt.date) -> QuerySet:
    """Persons (ids) the register shows as having completed one of ``levels`` by ``last``
    (highest level completed, recorded on or before that day)."""
    return (StatusChange.objects.filter(scoping.within(region, "pupil__village__code"),
                                        highest_level__in=levels, since__lte=last)
            .values("pupil__person_id"))


def open_cases_by_township(cases: QuerySet) -> dict[str, int]:
    rows = (cases.filter(closed_on__isnull=True).annotate(township=Substr("village_id", 1, 9))
            .values("township").annotate(n=Count("id")).order_by())
    return {r["township"] + "000": r["n"] for r in rows}


def dropout_cases(region_range: tuple[str, str]) -> QuerySet:
    return DropoutCase.objects.filter(scoping.within(region_range, "village__code"))
