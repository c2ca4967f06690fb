"""Pages of visits (走访探视): thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.lists import Column, Filter, Listing, page_of, region_name
from canlian.core.web import AuthedRequest, requires

from .. import shared
from ..web import button, person_form, user_can
from . import actions, queries
from .forms import (
    FollowUpForm,
    VisitForm,
)
from .models import Visit


@requires(Capability.VIEW_PEOPLE)
def visits(request: AuthedRequest) -> HttpResponse:
    """The visit list (走访计划): who is overdue, due soon, or all who need visits."""
    state = request.GET.get("state", "late")
    if state not in ("late", "soon", "all"):
        state = "late"
    today, policy = clock.today(), shared.rules().visits
    page = page_of(request, queries.due_visits(request.user, policy, today, state))
    page.object_list = queries.with_status(list(page.object_list), policy, today)
    return render(request, "community/visits.html", {
        "page": page, "state": state, "query": f"state={state}", "policy": policy,
        "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def visit_workers(request: AuthedRequest) -> HttpResponse:
    rows = queries.overdue_by_village(request.user, shared.rules().visits, clock.today())
    return render(request, "community/visit_workers.html", {"page": page_of(request, rows),
                                                            "query": ""})


def follow_ups_listing(request: AuthedRequest) -> Listing:
    """Open follow-up actions of visits as ``request`` asks for them (the page, and the
    background export job rebuilding it: ``core.lists.BACKGROUND_LISTS``)."""
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    today = clock.today()
    return Listing(
        request, queries.open_follow_ups(request.user), region_field="person__village__code",
        title=_("Open follow-up actions"), name="community.follow_ups", filename="走访跟进事项",
        filters=[
            Filter("overdue", _("Overdue"), choices=[("1", _("Overdue")), ("0", _("Not overdue"))],
                   apply=lambda qs, v: qs.filter(follow_up_due__lt=today) if v == "1"
                   else qs.exclude(follow_up_due__lt=today)),
            Filter("kind", _("Kind"), field="kind", choices=Visit.KINDS),
            Filter("due", _("Due"), field="follow_up_due", kind="dates"),
            Filter("visited", _("Visited on"), field="visited_on", kind="dates"),
        ],
        columns=[
            Column(_("Name"), lambda v: v.person.name),
            Column(_("Resident ID"), lambda v: v.person.masked_id),
            Column(_("Township / village"), lambda v: region_name(v.person.village)),
            Column(_("Visited on"), lambda v: v.visited_on),
            Column(_("Follow-up action"), lambda v: v.follow_up),
            Column(_("Due"), lambda v: v.follow_up_due),
        ],
        person=lambda v: (v.person_id, v.person.village_id))


@requires(Capability.VIEW_PEOPLE)
def follow_ups(request: AuthedRequest) -> HttpResponseBase:
    today = clock.today()
    listing = follow_ups_listing(request)
    if listing.wants_export:
        return listing.export()
    return render(request, "community/follow_ups.html", {
        "listing": listing, "today": today, "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    return person_form(request, person_id, VisitForm, actions.record_visit,
                        title=_("Record a visit"), done=_("Visit recorded."))


@requires(Capability.EDIT_PEOPLE)
@require_POST
def follow_up_done(request: AuthedRequest, pk: int) -> HttpResponse:
    form = FollowUpForm(request.POST)
    cleaned: dict[str, Any] = form.cleaned_data if form.is_valid() else {"note": request.POST.get("note", ""),
                                                         "on": None}
    return button(request, lambda: actions.complete_follow_up(request.user, pk, note=cleaned["note"],
                                                              on=cleaned["on"], request=request),
                  done=_("Follow-up recorded."), back=redirect("community:follow_ups"))
