"""Which services a surveyed person received in the survey's year, kept on the survey row
(``AnnualSurvey.served_rehab`` / ``served_device`` / ``served_culture``).

The national survey form asks the same (是否得到康复服务 / 辅具服务 / 参加文体活动), but the
plan's coverage rates count deliveries from the service records, not answers. Holding
the records' verdict on the survey row lets the indicators count a year in one pass over
one table instead of three semi-joins against the year's service records (1.3 M rows at
a million persons). Service records are append-only, so the flags are kept by two writes:

- a recorded service sets the flag on that year's survey (``mark``, on ``ServiceRecorded``);
- a new survey reads its year's records (``flags_for``, in ``AnnualSurvey.save``).

Both take the person's row lock first, so a service and a survey written at the same
moment cannot each miss the other. Bulk writers (the demo, the benchmark seed, the
migration) call ``rebuild``: set-based, writing only the rows whose flag changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef

# survey flag → the service groups (``services.models.Group``) whose delivery sets it
FLAGS: dict[str, tuple[str, ...]] = {
    "served_rehab": ("rehabilitation", "children_rehab"),
    "served_device": ("device",),
    "served_culture": ("culture_sports",),
}


def flag_of(group: str) -> str | None:
    return next((flag for flag, groups in FLAGS.items() if group in groups), None)


def _records(model: Any, groups: tuple[str, ...], year: int) -> Any:
    return model.objects.filter(service_type__group__in=groups,
                                start_date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))


def _lock(person_id: int) -> None:
    from canlian.people.models import Person

    list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk"))


def flags_for(person_id: int, year: int) -> dict[str, bool]:
    """The flags of a survey of ``person_id`` in ``year``, from the records so far."""
    from canlian.services.models import ServiceRecord

    _lock(person_id)
    groups = set(_records(ServiceRecord, tuple(g for gs in FLAGS.values() for g in gs), year)
                 .filter(person_id=person_id).values_list("service_type__group", flat=True))
    return {flag: not groups.isdisjoint(of) for flag, of in FLAGS.items()}


def mark(person_id: int, group: str, on: dt.date) -> None:
    """A service of ``group`` was delivered on ``on``: set the flag on that year's survey."""
    from .models import AnnualSurvey

    flag = flag_of(group)
    if flag:
        _lock(person_id)
        AnnualSurvey.objects.filter(person_id=person_id, year=on.year, **{flag: False}
                                    ).update(**{flag: True})


def rebuild(*, survey_model: Any = None, record_model: Any = None) -> int:
    """Recompute every survey's flags from the records; returns the rows changed. The
    models may be a migration's historical ones."""
    if survey_model is None:
        from canlian.services.models import ServiceRecord

        from .models import AnnualSurvey
        survey_model, record_model = AnnualSurvey, ServiceRecord
    changed = 0
    years = survey_model.objects.values_list("year", flat=True).distinct().order_by()
    for year in sorted(years):
        surveys = survey_model.objects.filter(year=year)
        for flag, groups in FLAGS.items():
            # EXISTS both ways: a semi-join and an anti-join (``NOT IN`` would probe the
            # year's records once per survey when they do not fit in memory)
            served = Exists(_records(record_model, groups, year).filter(
                person_id=OuterRef("person_id")))
            changed += surveys.filter(served, **{flag: False}).update(**{flag: True})
            changed += surveys.filter(~served, **{flag: True}).update(**{flag: False})
    return changed
