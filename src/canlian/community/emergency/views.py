"""Pages of emergency protection (应急保护): thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record_many
from canlian.audit.models import Action as AuditAction
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, requires

from .. import shared
from ..models import (
    CHECKIN_CHOICES,
    POWERED_DEVICE_CHOICES,
    CareProfile,
)
from ..web import button, person_form, review_form, submit, user_can
from . import actions, queries
from .forms import (
    CheckInForm,
    CloseEmergencyForm,
    EmergencyForm,
    ProfileForm,
    RosterEntryForm,
)


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest, pk: int) -> HttpResponse:
    def initial(found: Any) -> dict[str, Any]:
        current = CareProfile.objects.filter(person=found).first()
        if current is None:
            return {"mobility": "independent"}
        return {"lives_alone": current.lives_alone, "mobility": current.mobility,
                "assistive_devices": current.assistive_devices,
                "powered_devices": current.powered_devices, "note": current.note}

    return person_form(request, pk, ProfileForm, actions.save_profile, initial=initial,
                        title=_("Circumstances"), done=_("Circumstances saved."))


def _village_filter(request: HttpRequest) -> tuple[str, Any]:
    village = request.GET.get("village", "")
    villages = shared.villages_for(request.user)
    if village and not villages.filter(code=village).exists():
        village = ""
    return village, villages


@requires(Capability.VIEW_PEOPLE)
def roster(request: AuthedRequest) -> HttpResponse:
    """The emergency roster, map-free, in priority order (应急保护名册)."""
    village, villages = _village_filter(request)
    return render(request, "community/roster.html", {
        "page": page_of(request, queries.roster(request.user, village or None)), "village": village,
        "villages": villages, "query": f"village={village}",
        "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def roster_print(request: AuthedRequest) -> HttpResponse:
    """The printable roster, one table per village; printing is audited as an export."""
    village, _villages = _village_filter(request)
    rows = list(queries.roster(request.user, village or None)[:5000])
    groups: dict[str, dict] = {}
    for entry in rows:  # in priority order, so each village's list is too
        groups.setdefault(entry.person.village_id, {"village": entry.person.village,
                                                    "entries": []})["entries"].append(entry)
    record_many(user=request.user, action=AuditAction.EXPORT, request=request,
                people=[(e.person_id, e.person.village_id) for e in rows],
                summary="打印应急保护名册")
    return render(request, "community/roster_print.html", {
        "groups": [groups[code] for code in sorted(groups)], "printed_at": timezone.localtime(),
        "truncated": len(rows) == 5000})


@requires(Capability.VIEW_PEOPLE)
def roster_candidates(request: AuthedRequest) -> HttpResponse:
    return render(request, "community/roster_candidates.html", {
        "page": page_of(request, queries.roster_candidates(request.user)), "query": "",
        "can_edit": user_can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def roster_recompute(request: AuthedRequest) -> HttpResponse:
    count = actions.recompute_priorities(request.user, request=request)
    messages.success(request, _("Priorities recalculated: %(n)d changed.") % {"n": count})
    return redirect("community:roster")


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def roster_entry(request: AuthedRequest, person_id: int) -> HttpResponse:
    def initial(found: Any) -> dict[str, Any]:
        entry = queries.roster_for(request.user).filter(person=found).first()
        if entry is None:
            return {}
        return {"contact_name": entry.contact_name, "contact_phone": entry.contact_phone,
                "contact_relation": entry.contact_relation,
                "paired_volunteer": entry.paired_volunteer_id, "note": entry.note}

    return person_form(request, person_id, RosterEntryForm, actions.save_roster_entry,
                        initial=initial, user=request.user, title=_("Emergency roster entry"),
                        done=_("Roster entry saved."))


@requires(Capability.EDIT_PEOPLE)
@require_POST
def roster_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    return button(request, lambda: actions.remove_from_roster(
        request.user, pk, reason=request.POST.get("reason", ""), request=request),
        done=_("Removed from the roster."), back=redirect("community:roster"),
        then=lambda entry: redirect("community:person", pk=entry.person_id))


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "POST"])
def emergencies(request: AuthedRequest) -> HttpResponse:
    form, posted = review_form(request, EmergencyForm, actions.declare_emergency,
                               done=_("Emergency declared: check in every person on the roster."),
                               then=lambda made: redirect("community:emergency", pk=made.pk))
    if posted:
        return posted
    rows = queries.emergencies_for(request.user).select_related("region", "declared_by")
    return render(request, "community/emergencies.html", {"page": page_of(request, rows),
                                                          "form": form, "query": ""})


@requires(Capability.VIEW_PEOPLE)
def emergency(request: AuthedRequest, pk: int) -> HttpResponse:
    """The check-in board (应急联络签到板) of one emergency."""
    found = get_object_or_404(queries.emergencies_for(request.user).select_related("region"), pk=pk)
    page = page_of(request, queries.board(request.user, found))
    return render(request, "community/emergency.html", {
        "emergency": found, "page": page, "counts": queries.board_counts(request.user, found),
        "states": CHECKIN_CHOICES, "query": "",
        "can_check_in": user_can(request, Capability.EDIT_PEOPLE) and found.is_open,
        "can_close": user_can(request, Capability.REVIEW) and found.is_open
        and scoping.in_scope(request.user, found.region_id),
        "can_reopen": user_can(request, Capability.REVIEW) and not found.is_open
        and scoping.in_scope(request.user, found.region_id)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def checkin(request: AuthedRequest, pk: int) -> HttpResponse:
    form = CheckInForm(request.POST)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {"person": None, "state": "", "note": ""}
    return button(request, lambda: actions.check_in(request.user, pk, data["person"], state=data["state"],
                                                    note=data["note"], request=request),
                  done=_("Check-in recorded."), back=redirect("community:emergency", pk=pk))


@requires(Capability.REVIEW)
@require_http_methods(["GET", "POST"])
def emergency_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ending a response: the people on its board never contacted are listed first (the most
    vulnerable at the top); closing then needs a confirmation and a reason."""
    found = get_object_or_404(queries.emergencies_for(request.user).select_related("region"), pk=pk)
    if not found.is_open or not scoping.in_scope(request.user, found.region_id):
        return redirect("community:emergency", pk=pk)
    form = CloseEmergencyForm(request.POST or None)
    posted = submit(request, form, lambda data: actions.close_emergency(
        request.user, pk, reason=data["reason"], confirm=data["confirm"], request=request),
        done=_("Emergency closed."), then=lambda _made: redirect("community:emergency", pk=pk))
    if posted:
        return posted
    missing = queries.uncontacted(request.user, found)
    return render(request, "community/emergency_close.html", {
        "emergency": found, "form": form, "page": page_of(request, missing),
        "missing": missing.count(), "counts": queries.board_counts(request.user, found),
        "powered": POWERED_DEVICE_CHOICES})


@requires(Capability.REVIEW)
@require_POST
def emergency_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    return button(request, lambda: actions.reopen_emergency(request.user, pk, request=request),
                  done=_("Emergency reopened: check-ins can be recorded again."),
                  back=redirect("community:emergency", pk=pk))
