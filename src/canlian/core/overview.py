"""The start page's figures (工作台): what is due, late and changed in the user's area.

Each role lands on its own start page (issue 23): federation, township and auditor see an
overview of their region (certificate applications waiting and overdue, renewals, to-dos,
visits, persons changed this week); a village worker sees their visits, follow-ups, survey
and to-dos. Every figure is one COUNT on a region-scoped query (accounts/scoping.py and the
apps' own scoped query helpers) and links to the list that shows its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from canlian.accounts import scoping
from canlian.accounts.roles import Role
from canlian.care import queries as care
from canlian.certificates import actions
from canlian.certificates.views import QUEUE_STATES
from canlian.community import shared
from canlian.community.accessibility import queries as community
from canlian.services.actions import expiring_licences
from canlian.services.models import Institution
from canlian.todos.queries import open_todos


@dataclass(frozen=True)
class Figure:
    """One line of the start page: a count of things, where to see them, how urgent."""

    label: Any
    count: int
    url: str
    tone: str = "due"  # "late" (past due), "due" (to do), "changed" (for information)


def _todos(user: Any, today: dt.date) -> list[Figure]:
    open_ = open_todos(user)
    url = reverse("certificates:queue") + "#todos"
    return [Figure(_("To-dos past their due date"), open_.filter(due__lt=today).count(), url, "late"),
            Figure(_("Open to-dos"), open_.count(), url)]


def _visits(user: Any, today: dt.date) -> list[Figure]:
    from canlian.community.visits import queries

    policy = shared.rules().visits
    url = reverse("community:visits")
    return [
        Figure(_("Visits overdue"), queries.due_visits(user, policy, today, "late").count(),
               f"{url}?state=late", "late"),
        Figure(_("Visits due within the next weeks"),
               queries.due_visits(user, policy, today, "soon").count(), f"{url}?state=soon"),
        Figure(_("Follow-ups open after a visit"), queries.open_follow_ups(user).count(),
               reverse("community:follow_ups")),
    ]


def _survey(user: Any, today: dt.date) -> list[Figure]:
    from canlian.surveys import queries

    remaining = queries.to_survey(scoping.people_for(user), today.year).filter(
        surveyed=False).count()
    return [Figure(_("Persons not yet surveyed this year"), remaining,
                   reverse("surveys:remaining") + f"?year={today.year}")]


def _certificates(user: Any, role: Role, today: dt.date) -> list[Figure]:
    waiting = scoping.certificate_applications_for(user).filter(state__in=QUEUE_STATES[role])
    expiring = actions.expiring(scoping.certificates_for(user), 90, today)
    return [
        Figure(_("Certificate applications overdue"), waiting.filter(due__lt=today).count(),
               reverse("certificates:queue"), "late"),
        Figure(_("Certificate applications waiting for you"), waiting.count(),
               reverse("certificates:queue")),
        Figure(_("Certificates expired, not renewed"), expiring.filter(valid_until__lt=today).count(),
               reverse("certificates:expiring") + "?within=90", "late"),
        Figure(_("Certificates expiring within 90 days"), expiring.count(),
               reverse("certificates:expiring") + "?within=90"),
    ]


def _institutions(user: Any, today: dt.date) -> list[Figure]:
    """Deadlines that belong to places, not persons: rectifications after an accessibility
    or care inspection (整改), and institutions' licences (资质证照)."""
    licences = expiring_licences(Institution.objects.filter(
        scoping.region_range_q(user, "township__code")), today)
    return [
        Figure(_("Accessibility rectifications past their deadline"),
               community.problems_for(user).filter(rectified_on=None, deadline__lt=today).count(),
               reverse("community:problems"), "late"),
        Figure(_("Care institution rectifications past their deadline"),
               care.open_problems(user).filter(deadline__lt=today).count(),
               reverse("care:index"), "late"),
        Figure(_("Institution licences expired or expiring within 60 days"), licences.count(),
               reverse("services:institutions")),
    ]


def _changed(user: Any, now: dt.datetime) -> list[Figure]:
    since = now - dt.timedelta(days=7)
    people = scoping.people_for(user)
    return [
        Figure(_("Persons registered in the last 7 days"), people.filter(created_at__gte=since).count(),
               reverse("people:list"), "changed"),
        Figure(_("Person records changed in the last 7 days"),
               people.filter(updated_at__gte=since).count(), reverse("people:list"), "changed"),
    ]


def figures(user: Any, today: dt.date, now: dt.datetime) -> dict[str, list[Figure]]:
    """The start page's sections for ``user``, by heading key: late/due first, then changed."""
    role = Role(user.role)
    sections: dict[str, list[Figure]] = {}
    if role == Role.VILLAGE_WORKER:
        sections["work"] = _visits(user, today) + _survey(user, today) + _todos(user, today)
        sections["certificates"] = _certificates(user, role, today)
    else:  # township, federation, auditor: the region's overview
        sections["certificates"] = _certificates(user, role, today)
        sections["work"] = _todos(user, today) + _visits(user, today) + _survey(user, today)
        sections["institutions"] = _institutions(user, today)
    sections["changed"] = _changed(user, now)
    return sections
