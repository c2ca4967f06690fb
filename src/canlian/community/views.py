"""Community support pages (社区助残): thin views over ``queries`` and ``actions``.

Each view checks the role's capability first (403), takes its records from the scoping
layer (404 outside the region), and calls ``actions`` to write. Lists are paginated and
show resident IDs masked; the person's community page is audited like the registry's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action as AuditAction
from canlian.core import clock
from canlian.core.forms import add_errors
from canlian.core.web import AuthedRequest, requires

from . import actions, inspection_rules, poverty_rules, queries, ruleset, visit_rules, volunteer_rules
from .forms import (
    CheckInForm,
    ConfirmForm,
    EmergencyForm,
    EventForm,
    FollowUpForm,
    InspectionForm,
    LogForm,
    OrganisationForm,
    PlaceForm,
    ProblemStepForm,
    ProfileForm,
    ReasonForm,
    RequestForm,
    ReviewForm,
    RosterEntryForm,
    VisitForm,
    VolunteerForm,
)
from .models import (
    ASSISTIVE_DEVICE_CHOICES,
    AVAILABILITY_CHOICES,
    CHECKIN_CHOICES,
    FLAG_CHOICES,
    HELP_CHOICES,
    MOBILITY_CHOICES,
    PLACE_KIND_CHOICES,
    POWERED_DEVICE_CHOICES,
    RESULT_CHOICES,
    SKILL_CHOICES,
    CareProfile,
    RequestStatus,
    RosterEntry,
    WatchCase,
)

PAGE = 50


def _today() -> dt.date:
    return clock.today()


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE).get_page(request.GET.get("page"))



def _flash(request: HttpRequest, exc: Exception) -> None:
    for m in getattr(exc, "messages", None) or [getattr(exc, "message", str(exc))]:
        messages.error(request, m)


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", _today().year))
    except ValueError:
        return _today().year


def _person_or_404(request: AuthedRequest, pk: int, capability: Capability) -> Any:
    scoping.require(request.user, capability)
    return get_object_or_404(scoping.people_for(request.user).select_related(
        "village__parent", "household"), pk=pk)


def _person_form(request: AuthedRequest, person_id: int, form_class: Any, action: Any, *,
                 title: str, done: str, to: Any = None, initial: Any = None,
                 **form_kwargs: Any) -> HttpResponse:
    """One form about one person (a visit, a shock, a help request, a roster entry): the
    form, the action that saves it, and where to go after; ``to`` maps the saved record to
    a redirect, ``initial`` maps the person to the form's starting values."""
    found = _person_or_404(request, person_id, Capability.EDIT_PEOPLE)
    form = form_class(request.POST or None, initial=initial(found) if initial else None,
                      **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            made = action(request.user, found, **form.cleaned_data, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return to(made) if to else redirect("community:person", pk=found.pk)
    return render(request, "community/form.html", {
        "form": form, "person": found, "title": title, "back": ("community:person", found.pk)})


def _can(request: AuthedRequest, capability: Capability) -> bool:
    return request.user.can(capability)


# ---- overview and the person's page ----------------------------------------------------------


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, _today()
    policy = queries.rules().visits
    emergency = queries.emergencies_for(user).filter(closed_at__isnull=True).first()
    counts = {
        "visits_late": queries.due_visits(user, policy, today).count(),
        "follow_ups": queries.open_follow_ups(user).count(),
        "roster": queries.roster(user).count(),
        "watch_open": queries.watch_cases_for(user).filter(status="open").count(),
        "requests_open": queries.requests_for(user).filter(status=RequestStatus.OPEN).count(),
        "logs_pending": queries.logs_for(user).filter(status="pending").count(),
        "volunteers": queries.volunteers_for(user).filter(active=True).count(),
        "problems_overdue": queries.problems_for(user).filter(
            rectified_on__isnull=True, deadline__lt=today).count(),
    }
    return render(request, "community/index.html", {"counts": counts, "emergency": emergency})


@requires(Capability.VIEW_PEOPLE)
def find(request: AuthedRequest) -> HttpResponse:
    """Find a person in the user's region by name or full resident ID (IDs shown masked)."""
    q = request.GET.get("q", "").strip()[:40]
    rows = scoping.people_for(request.user).none()
    if q:
        rows = scoping.people_for(request.user).filter(
            Q(name__startswith=q) | Q(resident_id=q.upper())).select_related("village__parent")
    return render(request, "community/find.html", {"page": _page(request, rows), "q": q,
                                                   "query": urlencode({"q": q})})


@login_required
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything community support knows of one person (audited like the registry page)."""
    found = _person_or_404(request, pk, Capability.VIEW_PEOPLE)
    record(user=request.user, action=AuditAction.VIEW, obj=found, person=found, request=request,
           summary=f"查看 {found.name} 的社区助残信息")
    today, rules = _today(), queries.rules()
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
        "can_edit": _can(request, Capability.EDIT_PEOPLE) and not found.is_deceased,
        "labels": {"mobility": MOBILITY_CHOICES, "assistive": ASSISTIVE_DEVICE_CHOICES,
                   "powered": POWERED_DEVICE_CHOICES, "help": HELP_CHOICES},
    })


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest, pk: int) -> HttpResponse:
    def initial(found: Any) -> dict[str, Any]:
        current = CareProfile.objects.filter(person=found).first()
        if current is None:
            return {"mobility": "independent"}
        return {"lives_alone": current.lives_alone, "mobility": current.mobility,
                "assistive_devices": current.assistive_devices,
                "powered_devices": current.powered_devices, "note": current.note}

    return _person_form(request, pk, ProfileForm, actions.save_profile, initial=initial,
                        title=_("Circumstances"), done=_("Circumstances saved."))


# ---- volunteers ------------------------------------------------------------------------------


@requires(Capability.VIEW_PEOPLE)
def volunteers(request: AuthedRequest) -> HttpResponse:
    rows = queries.volunteers_for(request.user).select_related("village__parent", "organisation")
    skill = request.GET.get("skill", "")
    active = request.GET.get("active", "1")
    if active == "1":
        rows = rows.filter(active=True)
    if skill in dict(SKILL_CHOICES):
        rows = queries.with_skill(rows, skill)
    page = _page(request, rows)
    return render(request, "community/volunteers.html", {
        "page": page, "skill": skill, "active": active, "skills": SKILL_CHOICES,
        "query": f"skill={skill}&active={active}", "can_edit": _can(request, Capability.EDIT_PEOPLE)})


def _volunteer_form(request: HttpRequest, volunteer: Any) -> HttpResponse:
    initial = VolunteerForm.initial_for(volunteer) if volunteer else {}
    form = VolunteerForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_volunteer(request.user, form.cleaned_data, volunteer, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Volunteer saved."))
            return redirect("community:volunteer", pk=saved.pk)
    return render(request, "community/form.html", {
        "form": form, "title": _("Edit volunteer") if volunteer else _("Register a volunteer"),
        "back": ("community:volunteer", volunteer.pk) if volunteer else ("community:volunteers", None)})


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
    year = _today().year
    totals = queries.hours_by_volunteer(request.user, year).filter(pk=found.pk).values(  # type: ignore[misc]
        "year_hours", "total_hours").first() or {}
    star = volunteer_rules.star_for(totals.get("total_hours") or Decimal(0), queries.rules().volunteers)
    return render(request, "community/volunteer.html", {
        "volunteer": found, "year": year, "totals": totals, "star": star,
        "logs": found.logs.select_related("person").order_by("-served_on")[:30],
        "pairings": found.pairings.filter(removed_on__isnull=True).select_related("person"),
        "labels": {"skills": SKILL_CHOICES, "availability": AVAILABILITY_CHOICES},
        "can_edit": _can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def hours(request: AuthedRequest) -> HttpResponse:
    """Yearly confirmed hours and the recognition list (年度服务时长与表彰名单)."""
    year = _year(request)
    rules = queries.rules().volunteers
    rows = queries.hours_by_volunteer(request.user, year)
    only = request.GET.get("recognised") == "1"
    if only:
        rows = rows.filter(year_hours__gte=rules.recognition_min_hours)  # type: ignore[misc]
    page = _page(request, rows.filter(total_hours__gt=0))  # type: ignore[misc]
    page.object_list = [{"volunteer": v, "star": volunteer_rules.star_for(v.total_hours, rules),
                         "recognised": volunteer_rules.recognised(v.year_hours, rules)}
                        for v in page.object_list]
    return render(request, "community/hours.html", {
        "page": page, "year": year, "only": only, "threshold": rules.recognition_min_hours,
        "query": f"year={year}&recognised={'1' if only else ''}"})


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "POST"])
def organisations(request: AuthedRequest) -> HttpResponse:
    form = None
    if _can(request, Capability.REVIEW):
        form = OrganisationForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                actions.register_organisation(request.user, **form.cleaned_data, request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Organisation registered."))
                return redirect("community:organisations")
    elif request.method == "POST":
        scoping.require(request.user, Capability.REVIEW)
    rows = (queries.organisations_for(request.user).select_related("village__parent")
            .annotate(n_volunteers=Count("volunteers")).order_by("village_id", "name", "id"))
    return render(request, "community/organisations.html", {"page": _page(request, rows),
                                                            "form": form, "query": ""})


@requires(Capability.VIEW_PEOPLE)
def requests(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = queries.requests_for(request.user).select_related("person__village__parent", "volunteer")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    return render(request, "community/requests.html", {
        "page": _page(request, rows), "status": status, "statuses": RequestStatus.choices,
        "query": f"status={status}"})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    return _person_form(request, person_id, RequestForm, actions.create_request,
                        title=_("Request volunteer help"), done=_("Request recorded."),
                        to=lambda made: redirect("community:request", pk=made.pk))


@requires(Capability.VIEW_PEOPLE)
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.requests_for(request.user).select_related(
        "person__village__parent", "volunteer", "created_by"), pk=pk)
    can_edit = _can(request, Capability.EDIT_PEOPLE)
    open_ = found.status in (RequestStatus.OPEN, RequestStatus.ASSIGNED)
    return render(request, "community/request.html", {
        "req": found, "logs": found.logs.select_related("volunteer"),
        "matches": queries.candidates(request.user, found) if can_edit and open_ else [],
        "can_edit": can_edit, "open": open_, "skills": SKILL_CHOICES})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def request_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        volunteer_id = int(request.POST.get("volunteer") or 0) or None
        actions.assign(request.user, pk, volunteer_id, request=request)
    except actions.ServiceRequest.DoesNotExist:
        raise Http404 from None
    except ValueError:
        messages.error(request, _("Choose a volunteer."))
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Volunteer assigned."))
    return redirect("community:request", pk=pk)


@requires(Capability.EDIT_PEOPLE)
@require_POST
def request_close(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        actions.close_request(request.user, pk, request.POST.get("outcome", ""), request=request)
    except actions.ServiceRequest.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Request closed."))
    return redirect("community:request", pk=pk)


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def request_log(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.requests_for(request.user).select_related(
        "person", "volunteer"), pk=pk)
    form = LogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.log_service(request.user, found.pk, **form.cleaned_data, request=request)
        except (ValidationError, actions.CommunityError) as exc:
            if isinstance(exc, ValidationError):
                add_errors(form, exc)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Service recorded; it counts once confirmed."))
            return redirect("community:request", pk=found.pk)
    return render(request, "community/form.html", {
        "form": form, "person": found.person, "title": _("Record volunteer service"),
        "subtitle": found.volunteer.name if found.volunteer else _("No volunteer assigned yet"),
        "back": ("community:request", found.pk)})


@requires(Capability.VIEW_PEOPLE)
def logs(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    rows = queries.logs_for(request.user).select_related("person", "volunteer", "recorded_by")
    if status in ("pending", "confirmed", "rejected"):
        rows = rows.filter(status=status)
    return render(request, "community/logs.html", {
        "page": _page(request, rows), "status": status, "form": ConfirmForm(),
        "query": f"status={status}", "can_edit": _can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def log_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        if not queries.logs_for(request.user).filter(pk=pk).exists():
            raise Http404
        messages.error(request, _("Say who confirms and whether the hours are confirmed."))
        return redirect("community:logs")
    try:
        actions.confirm_log(request.user, pk, **form.cleaned_data, request=request)
    except actions.ServiceLog.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Hours confirmed.") if form.cleaned_data["accept"]
                         else _("Hours not confirmed."))
    return redirect("community:logs")


# ---- visits ----------------------------------------------------------------------------------


@requires(Capability.VIEW_PEOPLE)
def visits(request: AuthedRequest) -> HttpResponse:
    """The visit list (走访计划): who is overdue, due soon, or all who need visits."""
    state = request.GET.get("state", "late")
    if state not in ("late", "soon", "all"):
        state = "late"
    today, policy = _today(), queries.rules().visits
    page = _page(request, queries.due_visits(request.user, policy, today, state))
    page.object_list = queries.with_status(list(page.object_list), policy, today)
    return render(request, "community/visits.html", {
        "page": page, "state": state, "query": f"state={state}", "policy": policy,
        "can_edit": _can(request, Capability.EDIT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def visit_workers(request: AuthedRequest) -> HttpResponse:
    rows = queries.overdue_by_village(request.user, queries.rules().visits, _today())
    return render(request, "community/visit_workers.html", {"page": _page(request, rows),
                                                            "query": ""})


@requires(Capability.VIEW_PEOPLE)
def follow_ups(request: AuthedRequest) -> HttpResponse:
    from canlian.community.models import Visit
    from canlian.core.lists import Column, Filter, Listing, region_name

    today = _today()
    listing = Listing(
        request, queries.open_follow_ups(request.user), region_field="person__village__code",
        title=_("Open follow-up actions"),
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
    if listing.wants_export:
        return listing.export("走访跟进事项")  # type: ignore[return-value]
    return render(request, "community/follow_ups.html", {
        "listing": listing, "today": today, "can_edit": _can(request, Capability.EDIT_PEOPLE)})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    return _person_form(request, person_id, VisitForm, actions.record_visit,
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
        _flash(request, exc)
    else:
        messages.success(request, _("Follow-up recorded."))
    return redirect("community:follow_ups")


# ---- emergency roster ------------------------------------------------------------------------


def _village_filter(request: HttpRequest) -> tuple[str, Any]:
    village = request.GET.get("village", "")
    villages = queries.villages_for(request.user)
    if village and not villages.filter(code=village).exists():
        village = ""
    return village, villages


@requires(Capability.VIEW_PEOPLE)
def roster(request: AuthedRequest) -> HttpResponse:
    """The emergency roster, map-free, in priority order (应急保护名册)."""
    village, villages = _village_filter(request)
    return render(request, "community/roster.html", {
        "page": _page(request, queries.roster(request.user, village or None)), "village": village,
        "villages": villages, "query": f"village={village}",
        "can_edit": _can(request, Capability.EDIT_PEOPLE)})


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
        "page": _page(request, queries.roster_candidates(request.user)), "query": "",
        "can_edit": _can(request, Capability.EDIT_PEOPLE)})


@login_required
@require_POST
def roster_recompute(request: AuthedRequest) -> HttpResponse:
    count = actions.recompute_priorities(request.user, request=request)
    messages.success(request, _("Priorities recalculated: %(n)d changed.") % {"n": count})
    return redirect("community:roster")


@login_required
@require_http_methods(["GET", "POST"])
def roster_entry(request: AuthedRequest, person_id: int) -> HttpResponse:
    def initial(found: Any) -> dict[str, Any]:
        entry = queries.roster_for(request.user).filter(person=found).first()
        if entry is None:
            return {}
        return {"contact_name": entry.contact_name, "contact_phone": entry.contact_phone,
                "contact_relation": entry.contact_relation,
                "paired_volunteer": entry.paired_volunteer_id, "note": entry.note}

    return _person_form(request, person_id, RosterEntryForm, actions.save_roster_entry,
                        initial=initial, user=request.user, title=_("Emergency roster entry"),
                        done=_("Roster entry saved."))


@requires(Capability.EDIT_PEOPLE)
@require_POST
def roster_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        entry = actions.remove_from_roster(request.user, pk, reason=request.POST.get("reason", ""),
                                           request=request)
    except actions.RosterEntry.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
        return redirect("community:roster")
    messages.success(request, _("Removed from the roster."))
    return redirect("community:person", pk=entry.person_id)


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "POST"])
def emergencies(request: AuthedRequest) -> HttpResponse:
    form = None
    if _can(request, Capability.REVIEW):
        form = EmergencyForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                made = actions.declare_emergency(request.user, **form.cleaned_data, request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Emergency declared: check in every person on the roster."))
                return redirect("community:emergency", pk=made.pk)
    elif request.method == "POST":
        scoping.require(request.user, Capability.REVIEW)
    rows = queries.emergencies_for(request.user).select_related("region", "declared_by")
    return render(request, "community/emergencies.html", {"page": _page(request, rows),
                                                          "form": form, "query": ""})


@requires(Capability.VIEW_PEOPLE)
def emergency(request: AuthedRequest, pk: int) -> HttpResponse:
    """The check-in board (应急联络签到板) of one emergency."""
    found = get_object_or_404(queries.emergencies_for(request.user).select_related("region"), pk=pk)
    page = _page(request, queries.board(request.user, found))
    return render(request, "community/emergency.html", {
        "emergency": found, "page": page, "counts": queries.board_counts(request.user, found),
        "states": CHECKIN_CHOICES, "query": "",
        "can_check_in": _can(request, Capability.EDIT_PEOPLE) and found.is_open,
        "can_close": _can(request, Capability.REVIEW) and found.is_open
        and scoping.in_scope(request.user, found.region_id)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def checkin(request: AuthedRequest, pk: int) -> HttpResponse:
    form = CheckInForm(request.POST)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {"person": None, "state": "", "note": ""}
    try:
        actions.check_in(request.user, pk, data["person"], state=data["state"], note=data["note"],
                         request=request)
    except actions.Emergency.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Check-in recorded."))
    return redirect("community:emergency", pk=pk)


@requires(Capability.REVIEW)
@require_POST
def emergency_close(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        actions.close_emergency(request.user, pk, request=request)
    except actions.Emergency.DoesNotExist:
        raise Http404 from None
    except actions.CommunityError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Emergency closed."))
    return redirect("community:emergency", pk=pk)


# ---- poverty-return watch --------------------------------------------------------------------


@requires(Capability.VIEW_PEOPLE)
def watch(request: AuthedRequest) -> HttpResponse:
    """The monthly review list (月度研判名单) of the poverty-return watch."""
    month = poverty_rules.month_start(_today())
    rows = queries.watch_list(request.user, month)
    pending = request.GET.get("pending") == "1"
    if pending:
        rows = rows.filter(reviewed=False)  # type: ignore[misc]
    return render(request, "community/watch.html", {
        "page": _page(request, rows), "month": month, "pending": pending,
        "query": f"pending={'1' if pending else ''}",
        "can_screen": _can(request, Capability.REVIEW)})


@login_required
@require_POST
def watch_screen(request: AuthedRequest) -> HttpResponse:
    result = actions.screen(request.user, request=request)
    messages.success(request, _("Screening done: %(flagged)d persons at risk, %(opened)d newly on "
                                "the watch list.") % result)
    return redirect("community:watch")


@requires(Capability.VIEW_PEOPLE)
def watch_case(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(queries.watch_cases_for(request.user).select_related(
        "person__village__parent", "person__household"), pk=pk)
    month = poverty_rules.month_start(_today())
    reviews = list(case.reviews.select_related("reviewer"))
    return render(request, "community/watch_case.html", {
        "case": case, "reviews": reviews, "month": month,
        "reviewed": any(r.month == month for r in reviews),
        "events": case.person.watch_events.all()[:10], "form": ReviewForm(), "close": ReasonForm(),
        "flag_labels": FLAG_CHOICES, "help_labels": HELP_CHOICES,
        "can_review": _can(request, Capability.EDIT_PEOPLE) and case.status == "open",
        "can_close": _can(request, Capability.REVIEW) and case.status == "open"})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def watch_review(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if not queries.watch_cases_for(request.user).filter(pk=pk).exists():
            raise Http404
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("community:watch_case", pk=pk)
    try:
        actions.review_case(request.user, pk, **form.cleaned_data, request=request)
    except WatchCase.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Review recorded."))
    return redirect("community:watch_case", pk=pk)


@requires(Capability.REVIEW)
@require_POST
def watch_close(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        actions.close_case(request.user, pk, reason=request.POST.get("reason", ""), request=request)
    except WatchCase.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The case left the watch list."))
    return redirect("community:watch_case", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def watch_event(request: AuthedRequest, person_id: int) -> HttpResponse:
    return _person_form(request, person_id, EventForm, actions.record_event,
                        title=_("Report a shock to the household"),
                        done=_("Recorded; it counts at the next screening."))


# ---- accessibility supervision ---------------------------------------------------------------


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "POST"])
def places(request: AuthedRequest) -> HttpResponse:
    form = None
    if _can(request, Capability.REVIEW):
        form = PlaceForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                made = actions.register_place(request.user, **form.cleaned_data, request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Place registered."))
                return redirect("community:place", pk=made.pk)
    elif request.method == "POST":
        scoping.require(request.user, Capability.REVIEW)
    kind = request.GET.get("kind", "")
    rows = queries.places_for(request.user).select_related("village__parent")
    if kind in dict(PLACE_KIND_CHOICES):
        rows = rows.filter(kind=kind)
    return render(request, "community/places.html", {
        "page": _page(request, rows), "form": form, "kind": kind, "kinds": PLACE_KIND_CHOICES,
        "query": f"kind={kind}"})


@requires(Capability.VIEW_PEOPLE)
def place(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.places_for(request.user).select_related("village__parent"),
                              pk=pk)
    return render(request, "community/place.html", {
        "place": found, "inspections": found.inspections.select_related("inspector")[:20],
        "problems": found.problems.order_by("rectified_on", "deadline")[:50], "today": _today(),
        "can_inspect": _can(request, Capability.REVIEW) and found.active})


@requires(Capability.REVIEW)
@require_http_methods(["GET", "POST"])
def inspect(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.places_for(request.user), pk=pk)
    items = inspection_rules.items_for(found.kind, ruleset.checklist())
    english = (get_language() or "").startswith("en")
    form = InspectionForm(request.POST or None, items=items, english=english)
    if request.method == "POST" and form.is_valid():
        results, severities, descriptions = form.split()
        try:
            actions.inspect(request.user, found.pk, inspected_on=form.cleaned_data["inspected_on"],
                            results=results, severities=severities, descriptions=descriptions,
                            note=form.cleaned_data["note"], request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        except actions.CommunityError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("community:place", pk=found.pk)
    return render(request, "community/inspect.html", {"place": found, "form": form})


@requires(Capability.VIEW_PEOPLE)
def problems(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    today = _today()
    rows = queries.problems_for(request.user).select_related("place__village__parent")
    if state == "open":
        rows = rows.filter(rectified_on__isnull=True)
    elif state == "overdue":
        rows = rows.filter(rectified_on__isnull=True, deadline__lt=today)
    elif state == "rectified":
        rows = rows.filter(rectified_on__isnull=False, verified_on__isnull=True)
    elif state == "closed":
        rows = rows.filter(verified_on__isnull=False)
    page = _page(request, rows)
    rules = queries.rules().inspections
    page.object_list = [{"problem": p, "status": inspection_rules.status(
        p.deadline, today, rules, p.rectified_on, p.verified_on)} for p in page.object_list]
    return render(request, "community/problems.html", {
        "page": page, "state": state, "query": f"state={state}"})


@requires(Capability.VIEW_PEOPLE)
def problem(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.problems_for(request.user).select_related(
        "place__village__parent", "inspection", "verified_by"), pk=pk)
    rules = queries.rules().inspections
    status = inspection_rules.status(found.deadline, _today(), rules, found.rectified_on,
                                     found.verified_on)
    item = next((i for i in ruleset.checklist() if i.code == found.item), None)
    item_text = (item.en if (get_language() or "").startswith("en") else item.zh) if item else found.item
    can = _can(request, Capability.REVIEW)
    steps = []
    if can and found.rectified_on is None:
        steps = ["rectify"] + (["extend"] if found.extensions < rules.max_extensions else [])
    elif can and found.verified_on is None:
        steps = ["verify"]
    return render(request, "community/problem.html", {
        "problem": found, "status": status, "item": item_text, "photos": found.photos.all(),
        "steps": steps, "can_photo": can and found.verified_on is None, "form": ProblemStepForm(),
        "results": RESULT_CHOICES, "rules": rules})


STEPS = {"rectify": actions.rectify, "verify": actions.verify, "extend": actions.extend}


@requires(Capability.REVIEW)
@require_POST
def problem_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    form = ProblemStepForm(request.POST)
    d: dict[str, Any] = form.cleaned_data if form.is_valid() else {"on": None, "note": "", "reason": ""}
    try:
        if step == "rectify":
            actions.rectify(request.user, pk, on=d["on"] or _today(), note=d["note"], request=request)
        elif step == "verify":
            actions.verify(request.user, pk, on=d["on"], request=request)
        else:
            actions.extend(request.user, pk, reason=d["reason"], request=request)
    except actions.Problem.DoesNotExist:
        raise Http404 from None
    except (ValidationError, actions.CommunityError) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("community:problem", pk=pk)


@requires(Capability.REVIEW)
@require_POST
def problem_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        actions.add_problem_photo(request.user, pk, request.POST.get("stage", ""),
                                  request.FILES.get("image"))
    except actions.Problem.DoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Photo added."))
    return redirect("community:problem", pk=pk)


@requires(Capability.VIEW_PEOPLE)
def statistics(request: AuthedRequest) -> HttpResponse:
    """Accessibility supervision by township (分镇街统计)."""
    year = _year(request)
    rows = queries.township_stats(request.user, year, _today())
    totals = {k: sum(r[k] for r in rows) for k in ("places", "places_inspected", "inspections",
                                                   "found", "open", "overdue", "rectified",
                                                   "in_time", "verified")}
    totals["rate"] = (round(100 * totals["rectified"] / totals["found"], 1)
                      if totals["found"] else None)
    return render(request, "community/statistics.html", {"rows": rows, "totals": totals,
                                                         "year": year})
