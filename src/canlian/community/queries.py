"""Reads of community support, each starting from the scoping layer and set-based.

The rule modules decide one person at a time; here the same rules become database
conditions so a list of thousands is one query (the visit schedule is one ``CASE`` per
rule, strictest first; the roster and the check-in board are ordered in the database by
the same keys as ``emergency_rules.order_key``). Also where the deployment's rules are
chosen (``rules()``) and the 低保 standard is read from the subsidy rule set.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.people.models import Person
from canlian.regions import codes
from canlian.regions.models import Deployment, Region

from . import emergency_rules, ruleset, visit_rules, volunteer_rules
from .models import (
    CheckIn,
    Emergency,
    Inspection,
    Organisation,
    Place,
    Problem,
    RosterEntry,
    ServiceLog,
    ServiceRequest,
    Visit,
    Volunteer,
    WatchCase,
    WatchReview,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# ---- rules of the deployment -----------------------------------------------------------------


def rules(deployment: Deployment | None = None) -> ruleset.CommunityRules:
    """The community rules of the deployment served (``CANLIAN_DEPLOYMENT``)."""
    deployment = deployment or Deployment.current()
    if deployment is None:
        raise LookupError(gettext("No deployment is configured"))
    return ruleset.load_shipped(deployment.code)


def dibao_standard(on: dt.date, deployment: Deployment | None = None) -> Decimal | None:
    """The 低保 standard (元/人/月) in the deployment's subsidy rule set, or None."""
    from canlian.benefits import facts, rulesets

    deployment = deployment or Deployment.current()
    if deployment is None or not facts.has_ruleset(deployment):
        return None
    try:
        return facts.ruleset_for(deployment).dibao_on(on).monthly
    except rulesets.NotInForceError:
        return None


# ---- region-bound records --------------------------------------------------------------------


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


def visits_for(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(person__in=scoping.people_for(user))


def roster_for(user: Any) -> QuerySet[RosterEntry]:
    """Roster entries (current and removed) of persons in the user's region."""
    return RosterEntry.objects.filter(person__in=scoping.people_for(user))


def watch_cases_for(user: Any) -> QuerySet[WatchCase]:
    return WatchCase.objects.filter(person__in=scoping.people_for(user))


def places_for(user: Any) -> QuerySet[Place]:
    return Place.objects.filter(scoping.region_q(user, "village__code"))


def inspections_for(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.filter(scoping.region_q(user, "place__village__code"))


def problems_for(user: Any) -> QuerySet[Problem]:
    return Problem.objects.filter(scoping.region_q(user, "place__village__code"))


def emergencies_for(user: Any) -> QuerySet[Emergency]:
    """Emergencies declared inside the user's region, or over it (a township-wide typhoon
    response is the village worker's too). Nothing for users who see no registry."""
    inside = scoping.region_q(user, "region__code")
    if (not user.is_authenticated or user.region is None or user.role == Role.CITIZEN
            or not user.can(Capability.VIEW_PEOPLE)):
        return Emergency.objects.filter(inside)  # region_q already says "nothing" or "inside"
    covering = [r.code for r in user.region.ancestors()]
    return Emergency.objects.filter(inside | Q(region_id__in=covering))


def villages_for(user: Any) -> QuerySet[Region]:
    """Villages the user may place a record in."""
    if user.region is None:
        return Region.objects.none()
    if user.region.level == "village":
        return Region.objects.filter(code=user.region.code)
    return user.region.villages().select_related("parent")


# ---- visits ----------------------------------------------------------------------------------


def _rule_q(rule: visit_rules.VisitRule, today: dt.date) -> Q:
    """The database condition of one visit rule (``VisitRule.applies`` on persons)."""
    q = Q()
    if rule.grades:
        q &= Q(grade__in=rule.grades)
    if rule.categories:
        q &= Q(category__in=rule.categories)
    if rule.household_types:
        q &= Q(household__household_type__in=rule.household_types)
    if rule.lives_alone is True:
        q &= Q(care_profile__lives_alone=True)
    elif rule.lives_alone is False:
        q &= ~Q(care_profile__lives_alone=True)
    born_after, born_by = visit_rules.birth_bounds(today, rule.min_age, rule.max_age)
    if born_by is not None:
        q &= Q(birth_date__lte=born_by)
    if born_after is not None:
        q &= Q(birth_date__gt=born_after)
    return q or Q(pk__isnull=False)  # a rule without conditions covers everyone


def interval_expression(policy: visit_rules.VisitPolicy, today: dt.date) -> Case:
    """Days between visits for each person: the first (strictest) matching rule."""
    default = policy.default_every_days
    return Case(*[When(_rule_q(r, today), then=Value(r.every_days)) for r in policy.rules],
                default=Value(default), output_field=IntegerField())


def last_visit_expression() -> Subquery:
    return Subquery(Visit.objects.filter(person=OuterRef("pk")).order_by("-visited_on")
                    .values("visited_on")[:1], output_field=DateField())


def late_q(policy: visit_rules.VisitPolicy, today: dt.date, *, soon: int = 0) -> Q:
    """Persons (annotated ``interval`` and ``last_visit``) overdue, or due within ``soon``
    days: one condition per interval, so the filter stays in the database."""
    q = Q(interval__isnull=False, last_visit__isnull=True)
    for days in policy.intervals:
        q |= Q(interval=days,
               last_visit__lt=visit_rules.overdue_before(today, days) + dt.timedelta(days=soon))
    return q


def visit_schedule(people: QuerySet[Person], policy: visit_rules.VisitPolicy,
                   today: dt.date) -> QuerySet[Person]:
    """Living persons who need scheduled visits, with ``interval`` and ``last_visit``."""
    return (people.filter(life_status="alive")
            .annotate(interval=interval_expression(policy, today),
                      last_visit=last_visit_expression())
            .filter(interval__isnull=False))


def due_visits(user: Any, policy: visit_rules.VisitPolicy, today: dt.date, state: str = "late"
               ) -> QuerySet[Person]:
    """The visit list: ``late`` (overdue or never), ``soon`` (also due soon), or ``all``."""
    rows = visit_schedule(scoping.people_for(user), policy, today)
    if state == "late":
        rows = rows.filter(late_q(policy, today))
    elif state == "soon":
        rows = rows.filter(late_q(policy, today, soon=policy.due_soon_days + 1))
    return rows.select_related("village__parent").order_by(
        Coalesce("last_visit", Value(dt.date(1900, 1, 1))), "village_id", "name", "id")


def with_status(rows: list[Person], policy: visit_rules.VisitPolicy, today: dt.date) -> list[dict]:
    """A page of the visit list with each person's status and reasons (pure rules)."""
    out = []
    for p in rows:
        status = visit_rules.status(p.last_visit, p.interval, today, policy.due_soon_days)  # type: ignore[attr-defined]
        out.append({"person": p, "interval": p.interval, "last_visit": p.last_visit,  # type: ignore[attr-defined]
                    "status": status})
    return out


def overdue_by_village(user: Any, policy: visit_rules.VisitPolicy, today: dt.date
                       ) -> list[dict]:
    """Per village: persons needing visits, overdue, never visited, and the village workers
    responsible (村社专职委员): the "overdue visits per worker" table. Three grouped queries."""
    base = visit_schedule(scoping.people_for(user), policy, today)
    required = dict(base.order_by().values_list("village_id").annotate(n=Count("id")))
    late = dict(base.filter(late_q(policy, today)).order_by().values_list("village_id")
                .annotate(n=Count("id")))
    never = dict(base.filter(last_visit__isnull=True).order_by().values_list("village_id")  # type: ignore[misc, var-annotated]
                 .annotate(n=Count("id")))
    from canlian.accounts.models import User

    workers: dict[str, list[str]] = defaultdict(list)
    for region_id, name, username in (User.objects.filter(role=Role.VILLAGE_WORKER,
                                                          region_id__in=list(required),
                                                          is_active=True)
                                      .values_list("region_id", "first_name", "username")
                                      .order_by("username")):
        workers[region_id].append(name or username)
    villages = {r.code: r for r in Region.objects.filter(code__in=list(required))
                .select_related("parent")}
    rows = [{"village": villages[code], "workers": workers.get(code, []),
             "required": n, "overdue": late.get(code, 0), "never": never.get(code, 0)}
            for code, n in required.items()]
    rows.sort(key=lambda r: (-r["overdue"], r["village"].code))
    return rows


def open_follow_ups(user: Any) -> QuerySet[Visit]:
    return (visits_for(user).exclude(follow_up="").filter(follow_up_done_on__isnull=True,
                                                          person__life_status="alive")
            .select_related("person__village__parent", "visitor").order_by("follow_up_due", "id"))


# ---- emergency roster ------------------------------------------------------------------------


def roster(user: Any, village: str | None = None) -> QuerySet[RosterEntry]:
    """Current roster entries in priority order (``emergency_rules.order_key``)."""
    rows = roster_for(user).filter(removed_on__isnull=True, person__life_status="alive")
    if village:
        rows = rows.filter(person__village_id=village)
    return rows.select_related("person__village__parent", "person__care_profile",
                               "paired_volunteer").order_by(
        "-priority", "-powered", "person__birth_date", "person__name", "person_id")


BOARD_RANK = Case(When(state__isnull=True, then=Value(0)),
                  *[When(state=s, then=Value(r)) for s, r in emergency_rules.BOARD_ORDER.items()
                    if s is not None], default=Value(0), output_field=IntegerField())


def board(user: Any, emergency: Emergency) -> QuerySet[WithAnnotations[RosterEntry]]:
    """The check-in board: roster entries in the emergency's area and the user's region,
    with the latest check-in, not yet reached first (``emergency_rules.board_key``)."""
    low, high = emergency.region.code_range
    latest = CheckIn.objects.filter(emergency=emergency, person=OuterRef("person_id"))
    return (roster(user).filter(person__village__code__range=(low, high))
            .annotate(state=Subquery(latest.values("state")[:1]),
                      checked_at=Subquery(latest.values("at")[:1]),
                      checked_note=Subquery(latest.values("note")[:1]))
            .alias(rank=BOARD_RANK)
            .order_by("rank", "-priority", "-powered", "person__birth_date", "person__name",
                      "person_id"))


def board_counts(user: Any, emergency: Emergency) -> dict[str, int]:
    """Reached, pending, unreachable… on the board: one grouped query."""
    counts: dict[str | None, int] = defaultdict(int)
    for state, n in (board(user, emergency).order_by().values_list("state")  # type: ignore[misc]
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


# ---- poverty-return watch --------------------------------------------------------------------


def watch_list(user: Any, month: dt.date) -> QuerySet[WithAnnotations[WatchCase]]:
    """Open watch cases with whether this month's review (月度研判) is done."""
    reviewed = WatchReview.objects.filter(case=OuterRef("pk"), month=month)
    return (watch_cases_for(user).filter(status="open")
            .annotate(reviewed=Exists(reviewed))
            .select_related("person__village__parent", "person__household")
            .order_by("reviewed", "person__village_id", "person__name", "id"))


# ---- volunteers ------------------------------------------------------------------------------


def hours_by_volunteer(user: Any, year: int) -> QuerySet[WithAnnotations[Volunteer]]:
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
    low, high = codes.code_range(township, "township")
    rows = (with_skill(volunteers_for(user), request.skill)
            .filter(active=True, village__code__range=(low, high))
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


# ---- accessibility statistics ----------------------------------------------------------------


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
