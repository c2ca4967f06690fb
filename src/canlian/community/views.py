"""Community support pages (社区助残): thin views over ``queries`` and ``actions``.

Each view checks the role's capability first (403), takes its records from the scoping
layer (404 outside the region), and calls ``actions`` to write. Lists are paginated and
show resident IDs masked; the person's community page is audited like the registry's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit import reads
from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.core import clock, searches
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, requires

from . import shared, visit_rules
from .accessibility import queries as accessibility_queries
from .emergency import queries as emergency_queries
from .models import (
    ASSISTIVE_DEVICE_CHOICES,
    HELP_CHOICES,
    MOBILITY_CHOICES,
    POWERED_DEVICE_CHOICES,
    CareProfile,
    RequestStatus,
    RosterEntry,
)
from .visits import queries as visits_queries
from .volunteers import queries as volunteers_queries
from .watch import queries as watch_queries
from .web import person_or_404, user_can


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, clock.today()
    policy = shared.rules().visits
    emergency = emergency_queries.emergencies_for(user).filter(closed_at__isnull=True).first()
    counts = {
        "visits_late": visits_queries.due_visits(user, policy, today).count(),
        "follow_ups": visits_queries.open_follow_ups(user).count(),
        "roster": emergency_queries.roster(user).count(),
        "watch_open": watch_queries.watch_cases_for(user).filter(status="open").count(),
        "requests_open": volunteers_queries.requests_for(user).filter(status=RequestStatus.OPEN).count(),
        "logs_pending": volunteers_queries.logs_for(user).filter(status="pending").count(),
        "volunteers": volunteers_queries.volunteers_for(user).filter(active=True).count(),
        "problems_overdue": accessibility_queries.problems_for(user).filter(
            rectified_on__isnull=True, deadline__lt=today).count(),
    }
    return render(request, "community/index.html", {"counts": counts, "emergency": emergency})


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
def find(request: AuthedRequest) -> HttpResponse:
    """Find a person in the user's region by name or full resident ID (IDs shown masked).

    The term is POSTed and kept sealed in the session (core/searches.py); the results page
    is ``?s=<token>``, so a typed ID never appears in a URL."""
    if request.method == "POST":
        term = request.POST.get("q", "").strip()[:40]
        if not term:
            return redirect("community:find")
        made = searches.remember(request, {"q": term})
        return redirect(f"{reverse('community:find')}?{searches.TOKEN_PARAM}={made}")
    token = request.GET.get(searches.TOKEN_PARAM)
    fields = searches.recall(request, token)
    if token is not None and fields is None:
        messages.error(request, searches.STALE_MESSAGE)
    q = str((fields or {}).get("q", "")).strip()[:40]
    rows = scoping.people_for(request.user).none()
    if q:
        rows = scoping.people_for(request.user).filter(
            Q(name__startswith=q) | Q(resident_id=q.upper())).select_related("village__parent")
        reads.note(request, f"搜索：{q}")
    return render(request, "community/find.html", {
        "page": page_of(request, rows), "q": q,
        "query": urlencode({searches.TOKEN_PARAM: token}) if q else ""})


@requires(Capability.VIEW_PEOPLE)
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything community support knows of one person (audited like the registry page)."""
    found = person_or_404(request, pk, Capability.VIEW_PEOPLE)
    record(user=request.user, action=AuditAction.VIEW, obj=found, person=found, request=request,
           summary=f"查看 {found.name} 的社区助残信息")
    today, rules = clock.today(), shared.rules()
    profile = CareProfile.objects.filter(person=found).first()
    facts = visit_rules.VisitFacts(
        age=found.age_on(today), grade=found.grade, category=found.category,
        household_type=found.household.household_type if found.household else "",
        lives_alone=bool(profile and profile.lives_alone))
    need = visit_rules.requirement(facts, rules.visits)
    visits = list(found.visits.select_related("visitor")[:20])
    status = (visit_rules.status(visits[0].visited_on if visits else None, need.every_days, today,
                                 rules.visits.due_soon_days) if need else None)
    return render(request, "community/person.html", {
        "person": found, "profile": profile, "need": need, "status": status, "visits": visits,
        "entry": RosterEntry.objects.filter(person=found).select_related("paired_volunteer").first(),
        "cases": found.watch_cases.prefetch_related("reviews")[:5],
        "events": found.watch_events.all()[:10],
        "requests": found.volunteer_requests.select_related("volunteer")[:10],
        "can_edit": user_can(request, Capability.EDIT_PEOPLE) and not found.is_deceased,
        "labels": {"mobility": MOBILITY_CHOICES, "assistive": ASSISTIVE_DEVICE_CHOICES,
                   "powered": POWERED_DEVICE_CHOICES, "help": HELP_CHOICES},
    })
