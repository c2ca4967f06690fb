"""Which services a surveyed person received in the survey's year, kept on the survey row
(``AnnualSurvey.served_rehab`` / ``served_device`` / ``served_basic_device`` /
``served_culture``).

The national survey form asks the same (是否得到康复服务 / 辅具服务 / 参加文体活动), but the
plan's coverage rates count deliveries from the service records, not answers. Holding
the records' verdict on the survey row lets the indicators count a year in one pass over
one table instead of semi-joins against the year's service records (1.3 M rows at a
million persons). What counts is stated once, in ``FLAGS``: basic rehabilitation counts
only services of the catalogue marked basic (基本康复服务, ``ServiceType.basic``), and the
basic-type device flag only devices of the basic-type catalogue (``DeviceType.basic``).
Service records are append-only, so the flags are kept by two writes:

- a recorded service sets its flags on that year's survey (``actions.mark_served``, on
  ``ServiceRecorded``);
- a new survey reads its year's records (``flags_for``, in ``surveys.actions``).

Both take the person's row lock first, so a service and a survey written at the same
moment cannot each miss the other. Bulk writers (the demo, the benchmark seed, the
migrations) call ``rebuild``: set-based, writing only the rows whose flag changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from canlian.certificates import validity
from canlian.certificates.models import Certificate
from canlian.people.models import Person
from canlian.services.models import ServiceRecord

from .models import AnnualSurvey

# survey flag → the service records (their fields) that set it
FLAGS: dict[str, Q] = {
    "served_rehab": Q(service_type__group__in=("rehabilitation", "children_rehab"),
                      service_type__basic=True),
    "served_device": Q(service_type__group="device"),
    "served_basic_device": Q(service_type__group="device", service_type__basic=True,
                             device__basic=True),
    "served_culture": Q(service_type__group="culture_sports"),
}


def _year(year: int) -> Q:
    return Q(start_date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))


def lock_person(person_id: int) -> None:
    """Take the person's row lock (the survey's and the service's writers take it first)."""
    list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk"))


def flags_for(person_id: int, year: int) -> dict[str, bool]:
    """The flags of a survey of ``person_id`` in ``year``, from the records so far."""
    lock_person(person_id)
    records = ServiceRecord.objects.filter(_year(year), person_id=person_id)
    return {flag: records.filter(q).exists() for flag, q in FLAGS.items()}


def rebuild(*, survey_model: Any = None, record_model: Any = None) -> int:
    """Recompute every survey's flags from the records; returns the rows changed. The
    models may be a migration's historical ones."""
    if survey_model is None:
            survey_model, record_model = AnnualSurvey, ServiceRecord
    changed = 0
    years = survey_model.objects.values_list("year", flat=True).distinct().order_by()
    for year in sorted(years):
        surveys = survey_model.objects.filter(year=year)
        for flag, q in FLAGS.items():
            # EXISTS both ways: a semi-join and an anti-join (``NOT IN`` would probe the
            # year's records once per survey when they do not fit in memory)
            served = Exists(record_model.objects.filter(q, _year(year),
                                                        person_id=OuterRef("person_id")))
            changed += surveys.filter(served, **{flag: False}).update(**{flag: True})
            changed += surveys.filter(~served, **{flag: True}).update(**{flag: False})
    return changed


def rebuild_certificates(*, survey_model: Any = None, certificate_model: Any = None,
                         year: int | None = None) -> int:
    """Set every survey's certificate at the survey (category and grade, or none) from the
    certificates' validity intervals, set-based (bulk loads and the migration)."""
    if survey_model is None:
        survey_model, certificate_model = AnnualSurvey, Certificate
    surveys = survey_model.objects.all() if year is None else survey_model.objects.filter(year=year)
    valid = certificate_model.objects.filter(validity.valid_q(OuterRef("surveyed_on")),
                                       person_id=OuterRef("person_id")).order_by("-issue_date")
    return surveys.update(category=Subquery(valid.values("category")[:1]),
                          grade=Subquery(valid.values("grade")[:1]))
