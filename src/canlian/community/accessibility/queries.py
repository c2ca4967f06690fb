"""Reads of accessibility supervision (无障碍监督), each starting from the scoping layer and set-based."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)

from canlian.accounts import scoping
from canlian.regions.models import Region

from ..models import (
    Inspection,
    Place,
    Problem,
)

if TYPE_CHECKING:
    pass



def places_for(user: Any) -> QuerySet[Place]:
    return Place.objects.filter(scoping.region_q(user, "village__code"))


def inspections_for(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.filter(scoping.region_q(user, "place__village__code"))


def problems_for(user: Any) -> QuerySet[Problem]:
    return Problem.objects.filter(scoping.region_q(user, "place__village__code"))


def township_stats(user: Any, year: int, today: dt.date) -> list[dict]:
    """Per township: places, places inspected in ``year``, inspections, problems found in
    ``year``, open, overdue, rectified (and in time), and the rectification rate."""
    places = dict(places_for(user).filter(active=True).order_by()
                  .values_list("village__parent_id").annotate(n=Count("id")))
    inspected = inspections_for(user).filter(inspected_on__year=year).order_by()
    inspections = dict(inspected.values_list("place__village__parent_id").annotate(n=Count("id")))
    places_inspected = dict(inspected.values_list("place__village__parent_id")
                            .annotate(n=Count("place_id", distinct=True)))
    open_q = Q(rectified_on__isnull=True)
    problems = {row["place__village__parent_id"]: row for row in (
        problems_for(user).filter(found_on__year=year).order_by()
        .values("place__village__parent_id")
        .annotate(found=Count("id"), open=Count("id", filter=open_q),
                  overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
                  rectified=Count("id", filter=Q(rectified_on__isnull=False)),
                  in_time=Count("id", filter=Q(rectified_on__lte=F("deadline"))),
                  verified=Count("id", filter=Q(verified_on__isnull=False))))}
    codes = set(places) | set(problems) | set(inspections)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    out = []
    for code in sorted(codes):  # type: ignore[type-var]
        p: dict[str, Any] = problems.get(code, {})  # type: ignore[assignment]
        found = p.get("found", 0)
        out.append({"township": names.get(code, code), "code": code, "places": places.get(code, 0),  # type: ignore[arg-type]
                    "places_inspected": places_inspected.get(code, 0),
                    "inspections": inspections.get(code, 0), "found": found,
                    "open": p.get("open", 0), "overdue": p.get("overdue", 0),
                    "rectified": p.get("rectified", 0), "in_time": p.get("in_time", 0),
                    "verified": p.get("verified", 0),
                    "rate": None if not found else round(100 * p.get("rectified", 0) / found, 1)})
    return out
