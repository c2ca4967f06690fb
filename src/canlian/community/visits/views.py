"""Pages of visits (走访探视): thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.web import AuthedRequest, requires

from .. import shared
from ..web import flash, page_of, person_form, user_can
from . import actions, queries
from .forms import (
    FollowUpForm,
    VisitForm,
)


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


@requires(Capability.VIEW_PEOPLE)
def follow_ups(request: AuthedRequest) -> HttpResponse:
    return render(request, "community/follow_ups.html", {
        "page": page_of(request, queries.open_follow_ups(request.user)), "today": clock.today(),
        "query": "", "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@login_required
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
    try:
        actions.complete_follow_up(request.user, pk, note=cleaned["note"], on=cleaned["on"],
                                   request=request)
    except actions.Visit.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        flash(request, exc)
    else:
        messages.success(request, _("Follow-up recorded."))
    return redirect("community:follow_ups")
