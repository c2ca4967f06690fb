"""Drill-down: the persons behind an indicator's numerator, and the gap (denominator minus
numerator) that staff act on. Same conditions as ``measures``; the caller scopes the result.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from canlian.core import clock
from canlian.people.models import Person

from .measures import Scope, _age_cutoff, _surveys, employed_q

SURVEY_CONDITIONS = {
    # code: (denominator condition on the survey, numerator condition on the survey)
    "medical_insurance_rate": (Q(), Q(medical_insured=True)),
    "rehabilitation_coverage": (Q(rehab_need=True), Q(served_rehab=True)),
    "assistive_device_rate": (Q(device_need=True), Q(served_device=True)),
    "culture_sports_coverage": (Q(), Q(served_culture=True)),
}


def supported(code: str) -> bool:
    return code in SURVEY_CONDITIONS or code in ("pension_insurance_rate", "employment_rate",
                                                 "compulsory_education_enrollment",
                                                 "living_subsidy_coverage",
                                                 "nursing_subsidy_coverage")


def _survey_people(scope: Scope, condition: Q) -> QuerySet:
    return _surveys(scope).filter(condition).values("person_id")


def members(code: str, scope: Scope, which: str) -> QuerySet[Person]:
    """``which`` = "numerator" or "gap"."""
    mid = scope.mid
    if code in SURVEY_CONDITIONS:
        den, num = SURVEY_CONDITIONS[code]
        num_people = _survey_people(scope, den & num)
        den_people = _survey_people(scope, den)
    elif code == "pension_insurance_rate":
        base = Q(birth_date__lte=_age_cutoff(mid, 16)) & ~Q(education_status__in=[
            "compulsory_school", "compulsory_special", "compulsory_home", "upper_secondary",
            "higher"])
        den_people, num_people = (_survey_people(scope, base),
                                  _survey_people(scope, base & Q(pension_insured=True)))
    elif code == "employment_rate":
        base = Q(birth_date__lte=_age_cutoff(mid, 16),
                 birth_date__gt=_age_cutoff(mid, 60), able_to_work=True)
        den_people, num_people = (_survey_people(scope, base),
                                  _survey_people(scope, base & employed_q(scope)))
    elif code == "compulsory_education_enrollment":
        sept = dt.date(scope.year, 9, 1)
        base = Q(birth_date__lte=_age_cutoff(sept, 6),
                 birth_date__gt=_age_cutoff(sept, 16))
        den_people = _survey_people(scope, base)
        num_people = _survey_people(scope, base & Q(education_status__in=[
            "compulsory_school", "compulsory_special", "compulsory_home"]))
    elif code in ("living_subsidy_coverage", "nursing_subsidy_coverage"):
        from canlian.benefits.models import PaidYear
        from canlian.benefits.rolls import gap_list

        subsidy = code.split("_")[0]
        paid = PaidYear.objects.filter(year=scope.year, subsidy=subsidy).values("person_id")
        if which == "numerator":  # counted where the person lives, as the measure counts
            return Person.objects.filter(pk__in=paid, village__code__range=scope.region.code_range)
        gap_ids = [g["person_id"] for g in gap_list(scope.region, min(scope.mid, clock.today()),
                                                    limit=5000) if g["subsidy"] == subsidy]
        return Person.objects.filter(pk__in=gap_ids).exclude(pk__in=paid)
    else:
        raise KeyError(code)
    if which == "numerator":
        return Person.objects.filter(pk__in=num_people)
    return Person.objects.filter(pk__in=den_people).exclude(pk__in=num_people)
