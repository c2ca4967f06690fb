"""Employment figures for the plan indicators and the staff lists, set-based."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from canlian.accounts import scoping
from canlian.people.models import Person
from canlian.regions.models import Deployment, Region
from canlian.surveys.models import AnnualSurvey

from .models import Declaration, Employer, Enrolment, Placement
from .quota import PublicUnitRule, public_unit_in_breach, public_unit_rule


def completed_trainings(region: Region, start: dt.date, end: dt.date) -> QuerySet:
    """Training person-times (培训人次): every completed enrolment (a person on two courses
    is two person-times) of a course that ended in the period, where the person lives.
    Enrolments not completed (no-shows, drop-outs) do not count."""
    return Enrolment.objects.filter(scoping.within(region, "person__village__code"),
                                    completed=True, course__end__range=(start, end))


def training_person_times_by_township(region: Region, start: dt.date, end: dt.date
                                      ) -> dict[str, int]:
    rows = (completed_trainings(region, start, end)
            .annotate(township=Substr("person__village_id", 1, 9))
            .values("township").annotate(n=Count("id")).order_by())
    return {r["township"] + "000": r["n"] for r in rows}


def employed_person_ids(region: Region, year: int) -> QuerySet:
    """Persons with a placement running at some time in the year (subquery of ids)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Placement.objects.filter(scoping.within(region, "person__village__code"),
                                     start__lte=last)
            .filter(Q(end__isnull=True) | Q(end__gte=first)).values("person_id"))


def deployment_public_unit_rule(year: int) -> PublicUnitRule | None:
    """This deployment's public-unit rule for ``year`` (rule data), or None."""
    deployment = Deployment.current()
    if deployment is None:
        return None
    return public_unit_rule(deployment.code, dt.date(year, 1, 1))


def public_units_in_breach(region: Region, year: int) -> list[dict[str, Any]]:
    """Party/government bodies with 50+ posts and public institutions with 67+ (schools and
    kindergartens excepted) without a disabled employee in the year's declaration."""
    rule = deployment_public_unit_rule(year)
    if rule is None:
        return []
    units = Employer.objects.filter(scoping.within(region, "township__code"),
                                    unit_kind__in=["government", "public_institution"])
    heads = dict(Declaration.objects.filter(employer__in=units, year=year)
                 .annotate(n=Count("employees", filter=Q(employees__contract_ok=True,
                                                         employees__wage_ok=True,
                                                         employees__insurance_ok=True)))
                 .values_list("employer_id", "n"))
    result = []
    for unit in units.select_related("township"):
        verdict = public_unit_in_breach(unit.unit_kind, unit.posts or 0,
                                        unit.is_school_or_kindergarten, heads.get(unit.pk, 0),
                                        rule)
        if verdict:
            result.append({"employer": unit, "reason": verdict.reason_zh})
    return result


def public_units_in_breach_by_township(region: Region, year: int) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in public_units_in_breach(region, year):
        counts[row["employer"].township_id] += 1
    for code in region.townships().values_list("code", flat=True):
        counts.setdefault(code, 0)
    return dict(counts)


def standings(region: Region, year: int, standing: str) -> QuerySet:
    """Approved declarations over the ratio (rewards) or short of it (follow-up)."""
    return (Declaration.objects.filter(scoping.within(region, "employer__township__code"),
                                       year=year, state="approved", standing=standing)
            .select_related("employer").order_by("employer__name"))


def mismatches(region: Region, year: int) -> list[dict[str, Any]]:
    """Persons whose survey and placement records disagree about being employed."""
    placed = employed_person_ids(region, year)
    surveys = AnnualSurvey.objects.filter(scoping.within(region, "village__code"),
                                          year=year)
    said_employed = surveys.filter(employment_status="employed").values("person_id")
    said_not = surveys.exclude(employment_status="employed").values("person_id")
    rows = []
    for p in Person.objects.filter(pk__in=said_not).filter(pk__in=placed).select_related(
            "village__parent")[:500]:
        rows.append({"person": p, "survey": "未就业", "placements": "有就业安置"})
    for p in Person.objects.filter(pk__in=said_employed).exclude(pk__in=placed).filter(
            pk__in=Placement.objects.values("person_id")).select_related("village__parent")[:500]:
        rows.append({"person": p, "survey": "就业", "placements": "当年无就业安置"})
    return rows
