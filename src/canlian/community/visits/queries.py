"""Reads of visits (走访探视), each starting from the scoping layer and set-based."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.people.models import Person
from canlian.regions.models import Region

from .. import visit_rules
from ..models import (
    Visit,
)

if TYPE_CHECKING:
    pass



def visits_for(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(person__in=scoping.people_for(user))


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
