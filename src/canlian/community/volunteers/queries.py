"""Reads of volunteers (助残志愿者), each starting from the scoping layer and set-based."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from canlian.accounts import scoping

from .. import volunteer_rules
from ..models import (
    Organisation,
    ServiceLog,
    ServiceRequest,
    Volunteer,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations



def volunteers_for(user: Any) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(scoping.region_q(user, "village__code"))


def with_skill(volunteers: QuerySet[Volunteer], skill: str) -> QuerySet[Volunteer]:
    """Volunteers whose skills list holds ``skill`` (a JSON list: matched on its text, the
    quoted code, which works on SQLite and PostgreSQL alike)."""
    return volunteers.filter(skills__icontains=f'"{skill}"')


def organisations_for(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scoping.region_q(user, "village__code"))


def requests_for(user: Any) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(person__in=scoping.people_for(user))


def logs_for(user: Any) -> QuerySet[ServiceLog]:
    return ServiceLog.objects.filter(person__in=scoping.people_for(user))


class Hours(TypedDict):
    """What :func:`hours_by_volunteer` adds to a volunteer: confirmed hours."""

    year_hours: Decimal
    total_hours: Decimal


def hours_by_volunteer(user: Any, year: int) -> QuerySet[WithAnnotations[Volunteer, Hours]]:
    """Volunteers with their confirmed hours in ``year`` and in all, most hours first."""
    confirmed = Q(logs__status="confirmed")
    return (volunteers_for(user)
            .annotate(year_hours=Coalesce(Sum("logs__hours", filter=confirmed
                                              & Q(logs__served_on__year=year)), Decimal(0)),
                      total_hours=Coalesce(Sum("logs__hours", filter=confirmed), Decimal(0)))
            .select_related("village__parent", "organisation")
            .order_by("-year_hours", "-total_hours", "id"))


def candidates(user: Any, request: ServiceRequest, limit: int = 10) -> list[volunteer_rules.Match]:
    """Volunteers proposed for a request: in the user's region and the person's township,
    ranked by ``volunteer_rules.rank`` (one query)."""
    village = request.person.village
    township = village.parent_id or village.code
    rows = (with_skill(volunteers_for(user), request.skill)
            .filter(scoping.within(township, "village__code", "township"), active=True)
            .annotate(open_tasks=Count("requests", filter=Q(requests__status="assigned")))
            .values("id", "name", "skills", "availability", "village_id", "village__parent_id",
                    "open_tasks"))
    pool = [volunteer_rules.Candidate(
        volunteer_id=r["id"], name=r["name"], skills=tuple(r["skills"] or ()),
        availability=tuple(r["availability"] or ()), village=r["village_id"],
        township=r["village__parent_id"] or "", open_tasks=r["open_tasks"]) for r in rows]
    need = volunteer_rules.Need(skill=request.skill, village=village.code, township=township,
                                slot=request.slot)
    return volunteer_rules.rank(need, pool, limit=limit)
