"""Gap lists (应享未享): persons whose survey records a need and who got no delivery.

For a year and a scope: the rehabilitation, device, care and renovation needs of that
year's survey, minus the persons with a matching delivery in the same year (for
renovations: accepted in the plan period so far). One query per list, per village.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from canlian.people.models import Person
from canlian.surveys.models import AnnualSurvey

from .models import Renovation, ServiceRecord

NEEDS = {
    "rehabilitation": ("康复", Q(rehab_need=True)),
    "device": ("辅具", Q(device_need=True)),
    "care": ("托养", ~Q(care_need="none")),
    "renovation": ("无障碍改造", Q(home_accessibility_need=True)),
}


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def delivered(need: str, year: int, *, period_start: int | None = None) -> QuerySet:
    """A subquery of deliveries matching ``need`` for OuterRef('pk') in ``year``."""
    first, last = year_range(year)
    if need == "rehabilitation":
        return ServiceRecord.objects.filter(person=OuterRef("pk"),
                                            service_type__group__in=["rehabilitation",
                                                                     "children_rehab"],
                                            start_date__range=(first, last))
    if need == "device":
        return ServiceRecord.objects.filter(person=OuterRef("pk"), service_type__group="device",
                                            start_date__range=(first, last))
    if need == "care":
        return ServiceRecord.objects.filter(
            person=OuterRef("pk"), service_type__group__in=["day_care", "residential_care"],
            start_date__lte=last).filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    if need == "renovation":
        start = dt.date(period_start or year, 1, 1)
        return Renovation.objects.filter(person=OuterRef("pk"), state="accepted",
                                         accepted_on__range=(start, last))
    raise KeyError(need)


def gap(people: QuerySet[Person], need: str, year: int) -> QuerySet[Person]:
    """Persons (within ``people``, already scoped) with the need in ``year`` and no delivery."""
    _label, condition = NEEDS[need]
    needing = AnnualSurvey.objects.filter(condition, year=year).values("person_id")
    return (people.filter(pk__in=needing, life_status="alive")
            .annotate(served=Exists(delivered(need, year)))
            .filter(served=False)
            .select_related("village__parent")
            .order_by("village_id", "name"))
