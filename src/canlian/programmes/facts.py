"""Assembling the programme rules' ``Facts`` from the registry (the bridge to ``rules.py``).

The one place that reads what a programme may ask about a person on a date: the valid
certificate (``certificates.validity``), the household, the latest annual survey
(insurance, employment), the education register (school status) and the care placements
(``care.Placement``: the care subsidy rests on a placement record, not on a declaration).
``facts_for`` builds one person's; ``facts_many`` builds a whole queryset's in six
set-based queries (the simulation and the offers of a district).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet

from canlian.benefits import facts as subsidy_facts
from canlian.care.models import Placement
from canlian.certificates import validity
from canlian.education.models import Pupil
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.surveys.models import AnnualSurvey

from . import rules

SCHOOL = {"preschool": "preschool", "compulsory_school": "compulsory",
          "compulsory_special": "compulsory", "compulsory_home": "compulsory",
          "upper_secondary": "upper_secondary", "higher": "higher"}


@lru_cache(maxsize=8)
def _catalogue(code: str) -> rules.Catalogue:
    return rules.shipped(code)


def catalogue(deployment: Deployment | None = None) -> rules.Catalogue | None:
    """The deployment's programmes, or None where it ships no programme file."""
    deployment = deployment or Deployment.current()
    if deployment is None or deployment.code not in rules.available():
        return None
    return _catalogue(deployment.code)


def _employment(status: str | None, form: str | None) -> str | None:
    if form in ("self_employed", "flexible"):
        return form
    if status == "employed":
        return "employed"
    if status == "not_working":
        return "unemployed"
    return None


def facts_many(persons: QuerySet[Person], on: dt.date) -> dict[int, tuple[dict[str, Any],
                                                                         rules.Facts]]:
    """{person id: (row, Facts)} for every person of ``persons`` on ``on``; ``row`` holds
    the village and township for grouping. Six queries whatever the number of persons."""
    rows: dict[int, dict[str, Any]] = {r["id"]: dict(r) for r in persons.values(
        "id", "birth_date", "death_date", "household_type", "village_id", "village__code",
        "village__parent_id", "village__parent__name",
        "household__monthly_income_per_capita")}
    ids = persons.values("id")
    certs = {p: (c, g) for p, c, g in validity.valid_on(on).filter(person_id__in=ids)
             .order_by("issue_date", "id").values_list("person_id", "category", "grade")}
    surveys = {s["person_id"]: s for s in AnnualSurvey.objects.filter(
        person_id__in=ids, year__lte=on.year).order_by("year", "id").values(
        "person_id", "pension_insured", "medical_insured", "employment_status",
        "employment_form")}
    schools = dict(Pupil.objects.filter(person_id__in=ids).values_list("person_id", "status"))
    care: dict[int, tuple[set[str], bool]] = {}
    for p, mode, payer in Placement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on), person_id__in=ids,
            start_date__lte=on).values_list("person_id", "mode", "payer"):
        modes, paid = care.setdefault(p, (set(), False))
        modes.add(mode)
        care[p] = (modes, paid or payer == "government")
    subsidy_rules = subsidy_facts.ruleset_for() if subsidy_facts.has_ruleset() else None
    result = {}
    for pid, r in rows.items():
        cert = certs.get(pid)
        survey: dict[str, Any] = dict(surveys.get(pid) or {})
        modes, paid = care.get(pid, (set(), False))
        income = r["household__monthly_income_per_capita"]
        death = r["death_date"]
        result[pid] = (r, rules.Facts(
            birth_date=r["birth_date"], alive=death is None or death > on,
            certificate_valid=cert is not None,
            category=cert[0] if cert else None, grade=cert[1] if cert else None,
            household_type=r["household_type"] or "ordinary",
            income_per_capita=None if income is None else Decimal(str(income)),
            pension_insured=survey.get("pension_insured"),
            medical_insured=survey.get("medical_insured"),
            school=SCHOOL.get(schools.get(pid, "")),
            care_modes=frozenset(modes), care_government_paid=paid,
            employment=_employment(survey.get("employment_status"),
                                   survey.get("employment_form")),
            subsidy_rules=subsidy_rules,
        ))
    return result


def facts_for(person: Person, on: dt.date) -> rules.Facts:
    return facts_many(Person.objects.filter(pk=person.pk), on)[person.pk][1]
