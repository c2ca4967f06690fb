"""Reads of emergency protection (应急保护), each starting from the scoping layer and set-based."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.people.models import Person

from .. import emergency_rules
from ..models import (
    CheckIn,
    Emergency,
    RosterEntry,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations



def roster_for(user: Any) -> QuerySet[RosterEntry]:
    """Roster entries (current and removed) of persons in the user's region."""
    return RosterEntry.objects.filter(person__in=scoping.people_for(user))


def emergencies_for(user: Any) -> QuerySet[Emergency]:
    """Emergencies declared inside the user's region, or over it (a township-wide typhoon
    response is the village worker's too). Nothing for users who see no registry."""
    inside = scoping.region_q(user, "region__code")
    if (not user.is_authenticated or user.region is None or user.role == Role.CITIZEN
            or not user.can(Capability.VIEW_PEOPLE)):
        return Emergency.objects.filter(inside)  # region_q already says "nothing" or "inside"
    covering = [r.code for r in user.region.ancestors()]
    return Emergency.objects.filter(inside | Q(region_id__in=covering))


def roster(user: Any, village: str | None = None) -> QuerySet[RosterEntry]:
    """Current roster entries in priority order (``emergency_rules.order_key``)."""
    rows = roster_for(user).filter(removed_on__isnull=True, person__life_status="alive")
    if village:
        rows = rows.filter(person__village_id=village)
    return rows.select_related("person__village__parent", "person__care_profile",
                               "paired_volunteer").order_by(
        "-priority", "-powered", "person__birth_date", "person__name", "person_id")


def in_area(entries: QuerySet[RosterEntry], emergency: Emergency) -> QuerySet[RosterEntry]:
    """Roster entries of persons living in the emergency's area."""
    return entries.filter(scoping.within(emergency.region, "person__village__code"))


BOARD_RANK = Case(When(state__isnull=True, then=Value(0)),
                  *[When(state=s, then=Value(r)) for s, r in emergency_rules.BOARD_ORDER.items()
                    if s is not None], default=Value(0), output_field=IntegerField())


class LatestCheckIn(TypedDict):
    """What :func:`board` adds to a roster entry: its latest check-in."""

    state: str | None
    checked_at: dt.datetime | None
    checked_note: str | None


def board(user: Any, emergency: Emergency) -> QuerySet[WithAnnotations[RosterEntry, LatestCheckIn]]:
    """The check-in board: roster entries in the emergency's area and the user's region,
    with the latest check-in, not yet reached first (``emergency_rules.board_key``)."""
    latest = CheckIn.objects.filter(emergency=emergency, person=OuterRef("person_id"))
    return (in_area(roster(user), emergency)
            .annotate(state=Subquery(latest.values("state")[:1]),
                      checked_at=Subquery(latest.values("at")[:1]),
                      checked_note=Subquery(latest.values("note")[:1]))
            .alias(rank=BOARD_RANK)
            .order_by("rank", "-priority", "-powered", "person__birth_date", "person__name",
                      "person_id"))


def uncontacted(user: Any, emergency: Emergency) -> QuerySet[RosterEntry]:
    """Persons on the emergency's board no one has contacted (no check-in at all), the most
    vulnerable first: the roster's order (priority, then powered medical devices such as a
    ventilator or an oxygen concentrator, then age)."""
    contacted = CheckIn.objects.filter(emergency=emergency, person=OuterRef("person_id"))
    return in_area(roster(user), emergency).exclude(Exists(contacted))


def board_counts(user: Any, emergency: Emergency) -> dict[str, int]:
    """Reached, pending, unreachable… on the board: one grouped query."""
    counts: dict[str | None, int] = defaultdict(int)
    for state, n in (board(user, emergency).order_by().values_list("state")
                     .annotate(n=Count("id"))):
        counts[state] += n
    return emergency_rules.board_summary(counts)


def roster_candidates(user: Any) -> QuerySet[Person]:
    """Living persons with a care profile that makes them a roster case and no entry yet:
    bedridden, in a wheelchair, with powered medical devices, or severe and alone."""
    on_roster = RosterEntry.objects.filter(person=OuterRef("pk"), removed_on__isnull=True)
    return (scoping.people_for(user).filter(life_status="alive", care_profile__isnull=False)
            .filter(Q(care_profile__mobility__in=["bedridden", "wheelchair"])
                    | Q(care_profile__needs_power=True)
                    | Q(care_profile__lives_alone=True, grade__in=[1, 2]))
            .exclude(Exists(on_roster))
            .select_related("village__parent", "care_profile").order_by("village_id", "name"))
