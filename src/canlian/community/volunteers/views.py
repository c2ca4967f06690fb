"""Pages of volunteers (助残志愿者): thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, requires

from .. import shared, volunteer_rules
from ..models import (
    AVAILABILITY_CHOICES,
    SKILL_CHOICES,
    RequestStatus,
)
from ..web import button, form_page, person_form, review_form, user_can, year_of
from . import actions, queries
from .forms import (
    ConfirmForm,
    LogForm,
    OrganisationForm,
    RequestForm,
    VolunteerForm,
)


@requires(Capability.VIEW_PEOPLE)
def volunteers(request: AuthedRequest) -> HttpResponse:
    rows = queries.volunteers_for(request.user).select_related("village__parent", "organisation")
    skill = request.GET.get("skill", "")
    active = request.GET.get("active", "1")
    if active == "1":
        rows = rows.filter(active=True)
    if skill in dict(SKILL_CHOICES):
        rows = queries.with_skill(rows, skill)
    page = page_of(request, rows)
    return render(request, "community/volunteers.html", {
        "page": page, "skill": skill, "active": active, "skills": SKILL_CHOICES,
        "query": f"skill={skill}&active={active}", "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


def _volunteer_form(request: AuthedRequest, volunteer: Any) -> HttpResponse:
    initial = VolunteerForm.initial_for(volunteer) if volunteer else {}
    return form_page(
        request, VolunteerForm(request.POST or None, user=request.user, initial=initial),
        lambda data: actions.save_volunteer(request.user, data, volunteer, request=request),
        done=_("Volunteer saved."), then=lambda saved: redirect("community:volunteer", pk=saved.pk),
        title=_("Edit volunteer") if volunteer else _("Register a volunteer"),
        back=("community:volunteer", volunteer.pk) if volunteer else ("community:volunteers", None))


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def volunteer_new(request: AuthedRequest) -> HttpResponse:
    return _volunteer_form(request, None)


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _volunteer_form(request, get_object_or_404(queries.volunteers_for(request.user), pk=pk))


@requires(Capability.VIEW_PEOPLE)
def volunteer(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.volunteers_for(request.user).select_related(
        "village__parent", "organisation"), pk=pk)
    year = clock.today().year
    totals: Mapping[str, Any] = queries.hours_by_volunteer(request.user, year).filter(pk=found.pk).values(
        "year_hours", "total_hours").first() or {}
    star = volunteer_rules.star_for(totals.get("total_hours") or Decimal(0), shared.rules().volunteers)
    return render(request, "community/volunteer.html", {
        "volunteer": found, "year": year, "totals": totals, "star": star,
        "logs": found.logs.select_related("person").order_by("-served_on")[:30],
        "pairings": found.pairings.filter(removed_on__isnull=True).select_related("person"),
        "labels": {"skills": SKILL_CHOICES, "availability": AVAILABILITY_CHOICES},
        "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def hours(request: AuthedRequest) -> HttpResponse:
    """Yearly confirmed hours and the recognition list (年度服务时长与表彰名单)."""
    year = year_of(request)
    rules = shared.rules().volunteers
    rows = queries.hours_by_volunteer(request.user, year)
    only = request.GET.get("recognised") == "1"
    if only:
        rows = rows.filter(year_hours__gte=rules.recognition_min_hours)
    page = page_of(request, rows.filter(total_hours__gt=Decimal(0)))
    page.object_list = [{"volunteer": v, "star": volunteer_rules.star_for(v.total_hours, rules),
                         "recognised": volunteer_rules.recognised(v.year_hours, rules)}
                        for v in page.object_list]
    return render(request, "community/hours.html", {
        "page": page, "year": year, "only": only, "threshold": rules.recognition_min_hours,
        "query": f"year={year}&recognised={'1' if only else ''}"})


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "POST"])
def organisations(request: AuthedRequest) -> HttpResponse:
    form, posted = review_form(request, OrganisationForm, actions.register_organisation,
                               done=_("Organisation registered."),
                               then=lambda _made: redirect("community:organisations"))
    if posted:
        return posted
    rows = (queries.organisations_for(request.user).select_related("village__parent")
            .annotate(n_volunteers=Count("volunteers")).order_by("village_id", "name", "id"))
    return render(request, "community/organisations.html", {"page": page_of(request, rows),
                                                            "form": form, "query": ""})


@requires(Capability.VIEW_PEOPLE)
def requests(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = queries.requests_for(request.user).select_related("person__village__parent", "volunteer")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    return render(request, "community/requests.html", {
        "page": page_of(request, rows), "status": status, "statuses": RequestStatus.choices,
        "query": f"status={status}"})


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    return person_form(request, person_id, RequestForm, actions.create_request,
                        title=_("Request volunteer help"), done=_("Request recorded."),
                        to=lambda made: redirect("community:request", pk=made.pk))


@requires(Capability.VIEW_PEOPLE)
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.requests_for(request.user).select_related(
        "person__village__parent", "volunteer", "created_by"), pk=pk)
    can_edit = user_can(request, Capability.EDIT_PEOPLE)
    open_ = found.status in (RequestStatus.OPEN, RequestStatus.ASSIGNED)
    return render(request, "community/request.html", {
        "req": found, "logs": found.logs.select_related("volunteer"),
        "matches": queries.candidates(request.user, found) if can_edit and open_ else [],
        "can_edit": can_edit, "open": open_, "skills": SKILL_CHOICES})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def request_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    back = redirect("community:request", pk=pk)
    try:
        volunteer_id = int(request.POST.get("volunteer") or 0) or None
    except ValueError:
        messages.error(request, _("Choose a volunteer."))
        return back
    return button(request, lambda: actions.assign(request.user, pk, volunteer_id, request=request),
                  done=_("Volunteer assigned."), back=back)


@requires(Capability.EDIT_PEOPLE)
@require_POST
def request_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return button(request, lambda: actions.close_request(request.user, pk, request.POST.get("outcome", ""),
                                                         request=request),
                  done=_("Request closed."), back=redirect("community:request", pk=pk))


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def request_log(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.requests_for(request.user).select_related(
        "person", "volunteer"), pk=pk)
    return form_page(
        request, LogForm(request.POST or None),
        lambda data: actions.log_service(request.user, found.pk, **data, request=request),
        done=_("Service recorded; it counts once confirmed."),
        then=lambda _made: redirect("community:request", pk=found.pk),
        title=_("Record volunteer service"), back=("community:request", found.pk),
        person=found.person,
        subtitle=found.volunteer.name if found.volunteer else _("No volunteer assigned yet"))


@requires(Capability.VIEW_PEOPLE)
def logs(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    rows = queries.logs_for(request.user).select_related("person", "volunteer", "recorded_by")
    if status in ("pending", "confirmed", "rejected"):
        rows = rows.filter(status=status)
    return render(request, "community/logs.html", {
        "page": page_of(request, rows), "status": status, "form": ConfirmForm(),
        "query": f"status={status}", "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def log_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        if not queries.logs_for(request.user).filter(pk=pk).exists():
            raise Http404
        messages.error(request, _("Say who confirms and whether the hours are confirmed."))
        return redirect("community:logs")
    return button(request, lambda: actions.confirm_log(request.user, pk, **form.cleaned_data,
                                                       request=request),
                  done=_("Hours confirmed.") if form.cleaned_data["accept"] else _("Hours not confirmed."),
                  back=redirect("community:logs"))
