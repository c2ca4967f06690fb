"""Survey progress per village and township: who is still to be surveyed this year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from canlian.people.models import Person
from canlian.regions.models import Region

from .models import AnnualSurvey

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Surveyed(TypedDict):
    """What :func:`to_survey` adds to a person: surveyed this year."""

    surveyed: bool


def to_survey(people: QuerySet[Person], year: int) -> QuerySet[WithAnnotations[Person, Surveyed]]:
    """Living certified persons (the survey's population) with their surveyed flag."""
    done = AnnualSurvey.objects.filter(person=OuterRef("pk"), year=year)
    return (people.filter(life_status="alive", certificate_number__isnull=False)
            .annotate(surveyed=Exists(done)))


def progress(people: QuerySet[Person], year: int, level: str = "village") -> list[dict[str, Any]]:
    """Per village (or township): persons to survey, surveyed, remaining, percent."""
    rows = (to_survey(people, year).values("village_id")
            .annotate(total=Count("id"), done=Count("id", filter=Q(surveyed=True))))
    names = dict(Region.objects.filter(level__in=["township", "village"]).values_list("code",
                                                                                       "name"))
    totals: dict[str, dict[str, Any]] = {}
    for r in rows:
        code = r["village_id"] if level == "village" else r["village_id"][:9] + "000"
        t = totals.setdefault(code, {"code": code, "name": names.get(code, code),
                                     "township": names.get(code[:9] + "000", ""),
                                     "total": 0, "done": 0})
        t["total"] += r["total"]
        t["done"] += r["done"]
    result = []
    for t in sorted(totals.values(), key=lambda t: t["code"]):
        t["remaining"] = t["total"] - t["done"]
        t["percent"] = round(100 * t["done"] / t["total"], 1) if t["total"] else None
        result.append(t)
    return result
