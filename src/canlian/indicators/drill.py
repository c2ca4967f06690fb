"""Drill-down: who stands behind an indicator's numerator, its denominator and its gap.

Every list is read from the same definition as the figure (``measures``: the survey
conditions, ``benefits.likely``, the household and renovation passes, the institution
and employment queries), so the gap has exactly denominator − numerator members. The
caller scopes persons to the user's region.

What a list holds depends on what the indicator counts: persons (most rates), one person
per household (the home-accessibility figures count 户), completed trainings
(person-times), townships with the institutions serving them, or employers in breach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext

from canlian.accounts import scoping
from canlian.benefits import likely, yearfacts
from canlian.benefits.models import OPEN_APPLICATION_STATES, PaidYear, SubsidyApplication
from canlian.people.models import Person
from canlian.regions.models import Region

from . import measures
from .measures import Scope

WHICH = ("numerator", "denominator", "gap")
NONE = ("household_income_growth", "federation_staff_disabled_share")  # no list: a mean, a series


@dataclass
class Members:
    """One list: ``kind`` is persons | trainings | townships | employers."""

    kind: str
    rows: Any  # a QuerySet (persons, trainings) or a list (townships, employers)
    note: str = ""
    # For a list read wholly from facts a nightly job stored: which taking of them (it
    # changes when they are taken again), so a page may keep the list's order a while.
    stored: str = ""


INSTITUTIONS = {"home_of_disabled_coverage": "home_of_disabled", "care_institution_coverage": "care",
                "township_service_institution_coverage": "township_service"}


def supported(code: str) -> bool:
    return code not in NONE


def _persons(ids: Any) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=ids)


def members(code: str, scope: Scope, which: str, *, period_start: int = 2021) -> Members:
    """The members of ``which`` (numerator, denominator or gap) of indicator ``code``."""
    if which not in WHICH or not supported(code):
        raise KeyError((code, which))
    stored = measures.stored_places(scope)
    if stored is not None and code in stored:
        # the rows the figure counted (``places``): 2 numerator, 1 gap, either denominator
        place = {"numerator": {code: 2}, "denominator": {f"{code}__gte": 1},
                 "gap": {code: 1}}[which]
        return Members("persons", _persons(measures.stored_rows(scope).filter(**place)
                                           .values("person_id")),
                       stored=measures.stored_places_taken(scope))
    conditions = measures.survey_conditions(scope)
    if code in conditions:
        den, num = conditions[code]
        surveys = measures._surveys(scope)
        chosen = {"numerator": surveys.filter(den & num), "denominator": surveys.filter(den),
                  "gap": surveys.filter(den).exclude(num)}[which]
        return Members("persons", _persons(chosen.values("person_id")))
    if code in ("living_subsidy_coverage", "nursing_subsidy_coverage"):
        return _subsidy(code.split("_")[0], scope, which)
    if code == "home_accessibility_rate":
        households = measures.accessibility_households(scope, period_start).values()
        keep = {"numerator": lambda h: h["renovated"], "denominator": lambda h: True,
                "gap": lambda h: not h["renovated"]}[which]
        return Members("persons", _persons([h["person"] for h in households if keep(h)]),
                       gettext("One member per household"))
    if code in INSTITUTIONS:
        return _townships(code, scope, which)
    if which != "numerator":
        return Members("persons", Person.objects.none(), gettext("A count has no denominator"))
    if code == "home_accessibility_count":
        rows = measures.hardship_severe_renovations(scope, period_start).values()
        return Members("persons", _persons([h["person"] for h in rows]),
                       gettext("One person to be served per household"))
    if code in ("vocational_training_count", "vocational_training_per_year"):
        from canlian.employment.queries import completed_trainings

        start = dt.date(period_start, 1, 1) if code == "vocational_training_count" else scope.first
        return Members("trainings", completed_trainings(scope.region, start, scope.last)
                       .select_related("person__village__parent", "course")
                       .order_by("person__village_id", "person__name", "id"))
    if code == "public_unit_quota":
        from canlian.employment.queries import public_units_in_breach

        return Members("employers", public_units_in_breach(scope.region, scope.year))
    raise KeyError(code)


def _subsidy(subsidy: str, scope: Scope, which: str) -> Members:
    paid = _persons(PaidYear.objects.filter(year=scope.year, subsidy=subsidy)
                    .values("person_id")).filter(scoping.within(scope.region, "village__code"))
    if which == "numerator":
        return Members("persons", paid)
    gap = likely.gap_ids(scope.region, scope.year, subsidy)
    if which == "denominator":
        return Members("persons", paid | _persons(gap))
    pending = SubsidyApplication.objects.filter(person_id__in=gap, subsidy=subsidy,
                                                state__in=OPEN_APPLICATION_STATES).count()
    note = ngettext(
        "Of these, %(n)s person has an application under way (pre-filled ones included), "
        "not yet paid.",
        "Of these, %(n)s persons have an application under way (pre-filled ones included), "
        "not yet paid.", pending) % {"n": f"{pending:,}"} if pending else ""
    facts = yearfacts.stored(scope.year)
    taken = f"yearfacts-{facts.pk}-{facts.refreshed_at.isoformat()}" if facts else ""
    return Members("persons", _persons(gap), note, stored=taken)


def _townships(code: str, scope: Scope, which: str) -> Members:
    kind = INSTITUTIONS[code]
    operating: dict[str, list[str]] = {}
    for township, name in measures.operating_institutions(scope, kind).values_list(
            "township_id", "name"):
        operating.setdefault(township, []).append(name)
    rows = []
    for township in Region.objects.filter(code__in=measures.townships_of(scope)).order_by("code"):
        covered = township.code in operating
        if which == "denominator" or (which == "numerator") == covered:
            rows.append({"township": township, "institutions": operating.get(township.code, [])})
    return Members("townships", rows)
