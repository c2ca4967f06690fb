"""Care pages (托养): thin views over ``queries`` and ``actions``.

Each view checks the role's capability (403), takes its records from the scoping layer
(404 outside the region) and calls ``actions`` to write; a refusal is shown beside its
field. Lists show resident IDs masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, error_messages, form_errors, refusal, requires
from canlian.people.models import Person
from canlian.regions.models import Region

from . import actions, queries
from . import rules as care_rules
from .forms import (
    ContractForm,
    DeliveryForm,
    DesignationForm,
    EndForm,
    EvaluateForm,
    ExitForm,
    InspectionForm,
    PlacementForm,
    PlacesForm,
    ReasonForm,
    ReinspectForm,
    WaitingForm,
)
from .models import Designation, Inspection, Problem


def _institution(request: AuthedRequest, pk: int) -> Any:
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    return get_object_or_404(queries.institutions_for(request.user).select_related("township"),
                             pk=pk)


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        raise Http404 from None


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    """Capacity, occupancy and waiting lists across the user's region."""
    today = clock.today()
    rows = queries.occupancy(queries.institutions_for(request.user).filter(closed_on=None), today)
    totals = {mode: {"label": label[0], "places": 0, "occupied": 0, "waiting": 0}
              for mode, label in care_rules.MODES.items()}
    for row in rows:
        for mode, slot in row.slots.items():
            for key in ("places", "occupied", "waiting"):
                totals[mode][key] += getattr(slot, key)
    return render(request, "care/index.html", {
        "rows": rows, "totals": totals, "today": today,
        "problems": queries.open_problems(request.user).count(),
        "gap": queries.gap(request.user, today.year - 1).count(), "gap_year": today.year - 1,
        "can_review": request.user.can(Capability.REVIEW)})


def _person(request: AuthedRequest, form: Any) -> Person | None:
    person = queries.find_person(request.user, form.cleaned_data["person"])
    if person is None:
        form.add_error("person", _("No person with this resident ID or certificate number in "
                                   "your region."))
    return person


def _post(request: AuthedRequest, found: Any, forms: dict[str, Any]) -> bool:
    """Handle one of the institution page's forms; True when it succeeded."""
    user, step = request.user, request.POST.get("step", "")
    form = forms.get(step)
    if form is None or not form.is_valid():
        return False
    d = form.cleaned_data
    with form_errors(form) as refused:
        if step == "places":
            actions.set_places(user, found, d["mode"], d["places"], request=request)
            messages.success(request, _("Places saved."))
        elif step == "place":
            person = _person(request, form)
            if person is None:
                return False
            actions.place(user, person, found, mode=d["mode"], start_date=d["start_date"],
                          end_date=d["end_date"], reason=d["reason"], payer=d["payer"],
                          over_capacity_reason=d["over_capacity_reason"], request=request)
            messages.success(request, _("%(name)s placed.") % {"name": person.name})
        elif step == "wait":
            person = _person(request, form)
            if person is None:
                return False
            entry = actions.add_to_waiting_list(
                user, person, found, mode=d["mode"], applied_on=d["applied_on"],
                lives_alone=d["lives_alone"], carer_age=d["carer_age"],
                carer_ill=d["carer_ill"], request=request)
            messages.success(request, _("%(name)s is on the waiting list (%(points)d points).")
                             % {"name": person.name, "points": entry.points})
        elif step == "designate":
            actions.designate(user, found, service=d["service"], start_date=d["start_date"],
                              end_date=d["end_date"], services=d["services"],
                              prices=form.prices(), request=request)
            messages.success(request, _("Designation agreement saved."))
    return not refused


@requires(Capability.VIEW_PEOPLE)
def institution(request: AuthedRequest, pk: int) -> HttpResponse:
    """One institution: places, placements, waiting lists, inspections and problems."""
    found = _institution(request, pk)
    user = request.user
    editor, reviewer = user.can(Capability.EDIT_PEOPLE), user.can(Capability.REVIEW)
    step = request.POST.get("step") if request.method == "POST" else None
    if request.method == "POST" and not editor:
        scoping.require(user, Capability.EDIT_PEOPLE)
    if step == "places" and not reviewer:
        scoping.require(user, Capability.REVIEW)
    approver = user.can(Capability.APPROVE)
    if step == "designate" and not approver:
        scoping.require(user, Capability.APPROVE)

    def bound(name: str, cls: Any) -> Any:
        return cls(request.POST if step == name else None, prefix=name)

    forms = {"place": bound("place", PlacementForm), "wait": bound("wait", WaitingForm)}
    if reviewer:
        forms["places"] = bound("places", PlacesForm)
    if approver:
        forms["designate"] = bound("designate", DesignationForm)
    if step and _post(request, found, forms):
        return redirect("care:institution", pk=found.pk)
    today = clock.today()
    occupancy = queries.occupancy(type(found).objects.filter(pk=found.pk), today)[0]
    placements = (queries.active(queries.placements_for(user).filter(institution=found), today)
                  .select_related("person", "village").order_by("mode", "person__name"))
    waiting = {mode: queries.waiting_list(user, found, mode) for mode in care_rules.MODES}
    inspections = Inspection.objects.filter(institution=found).prefetch_related("problems")[:10]
    return render(request, "care/institution.html", {
        "institution": found, "slots": occupancy, "placements": placements,
        "waiting": [(care_rules.MODES[m][0], rows) for m, rows in waiting.items() if rows],
        "inspections": inspections, "exit_due": queries.exit_due(found),
        "grade": queries.yearly_grade(found, today.year), "forms": forms,
        "editor": editor, "reviewer": reviewer, "end_form": EndForm(prefix="end"),
        "reason_form": ReasonForm(prefix="withdraw"), "reinspect_form": ReinspectForm(prefix="re"),
        "has_day": "day" in occupancy.slots, "approver": approver,
        "designations": [(a, [(care_rules.MODES[m][0], price) for m, price in a.prices.items()
                              if m in care_rules.MODES]) for a in found.designations.all()],
        "exit_form": ExitForm(prefix="exit"),
        "in_force": queries.designation(found, "care", today)})


def _step(request: AuthedRequest, form: Any, act: Any, done: str, institution_id: int
          ) -> HttpResponse:
    """A small POST step on a record of an institution: the form's errors or the action's
    refusal as messages, then back to the institution's page."""
    with error_messages(request) as refused:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        act(form.cleaned_data)
    if not refused:
        messages.success(request, done)
    return redirect("care:institution", pk=institution_id)


@requires(Capability.EDIT_PEOPLE)
@require_POST
def end_placement(request: AuthedRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(queries.placements_for(request.user), pk=pk)
    return _step(request, EndForm(request.POST, prefix="end"), lambda d: actions.end_placement(
        request.user, placement.pk, end_date=d["end_date"], reason=d["reason"], request=request),
        _("Placement ended."), placement.institution_id)


@requires(Capability.EDIT_PEOPLE)
@require_POST
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(queries.waiting_for(request.user), pk=pk)
    return _step(request, ReasonForm(request.POST, prefix="withdraw"), lambda d: actions.withdraw(
        request.user, entry.pk, reason=d["reason"], request=request),
        _("Taken off the waiting list."), entry.institution_id)


@requires(Capability.REVIEW)
@require_POST
def reinspect(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(
        Problem.objects.filter(institution__in=queries.institutions_for(request.user)), pk=pk)
    return _step(request, ReinspectForm(request.POST, prefix="re"), lambda d: actions.reinspect(
        request.user, problem.pk, on=d["on"], rectified=d["rectified"], note=d["note"],
        request=request), _("Re-inspection recorded."), problem.institution_id)


@requires(Capability.APPROVE)
@require_POST
def end_designation(request: AuthedRequest, pk: int) -> HttpResponse:
    designation = get_object_or_404(
        Designation.objects.filter(institution__in=queries.institutions_for(request.user)), pk=pk)
    return _step(request, ExitForm(request.POST, prefix="exit"), lambda d: actions.end_designation(
        request.user, designation.pk, on=d["on"], reason=d["reason"], request=request),
        _("Exit from the designation recorded."), designation.institution_id)


def _monthly(request: AuthedRequest, pk: int, report: Any, template: str) -> HttpResponse:
    """A month's report of one institution (``?month=YYYY-MM``, default this month)."""
    found = _institution(request, pk)
    try:
        year, month = map(int, (request.GET.get("month") or f"{clock.today():%Y-%m}").split("-"))
        data = report(found, year, month)
    except ValueError:
        raise Http404 from None
    # The institution's totals include every placement, but a user outside a placed person's
    # region sees only that the line exists, not who it is.
    visible = set(queries.placements_for(request.user).filter(institution=found)
                  .values_list("pk", flat=True))
    for row in data["rows"]:
        row["visible"] = row["placement"].pk in visible
    return render(request, template, {"institution": found, "report": data,
                                      "month": f"{year:04d}-{month:02d}"})


@requires(Capability.VIEW_PEOPLE)
def bill(request: AuthedRequest, pk: int) -> HttpResponse:
    """The month's bill of an institution for its government-paid placements."""
    return _monthly(request, pk, queries.monthly_bill, "care/bill.html")


@requires(Capability.VIEW_PEOPLE)
def attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    """A day's attendance of the day-care group: tick the list, or scan e-certificates."""
    found = _institution(request, pk)
    today = clock.today()
    day = _day(request.GET.get("day") or request.POST.get("day"), today)
    group = list(queries.active(queries.placements_for(request.user).filter(
        institution=found, mode="day"), day).select_related("person").order_by("person__name"))
    errors: list[str] = []
    if request.method == "POST":
        scoping.require(request.user, Capability.EDIT_PEOPLE)
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        scanned: set[int] = set()
        for line in request.POST.get("scans", "").splitlines():
            if not line.strip():
                continue
            person = queries.find_person(request.user, line)
            if person is None:
                errors.append(_("Not found in your region: %(code)s") % {"code": line.strip()})
            else:
                scanned.add(person.pk)
        if not errors:
            with refusal() as refused:
                done = actions.record_attendance(request.user, found, day, present,
                                                 scanned=scanned, request=request)
            if not refused:
                messages.success(request, _("Attendance of %(day)s saved: %(present)d present, "
                                            "%(absent)d absent.") % {"day": day, **done})
                return redirect(f"{request.path}?day={day.isoformat()}")
            errors.extend(refused.messages)
    marked = set(found.placements.filter(attendance__day=day, attendance__present=True)
                 .values_list("person_id", flat=True))
    return render(request, "care/attendance.html", {
        "institution": found, "day": day, "group": group, "marked": marked, "errors": errors,
        "recorded": found.placements.filter(attendance__day=day).exists(),
        "can_edit": request.user.can(Capability.EDIT_PEOPLE), "today": today})


@requires(Capability.VIEW_PEOPLE)
def attendance_month(request: AuthedRequest, pk: int) -> HttpResponse:
    return _monthly(request, pk, queries.monthly_attendance, "care/attendance_month.html")


@requires(Capability.REVIEW)
def inspect(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _institution(request, pk)
    rule = queries.rules().inspection
    form = InspectionForm(request.POST or None, items=rule.checklist,
                          english=(get_language() or "").startswith("en"))
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            done = actions.inspect(request.user, found, inspected_on=form.cleaned_data["inspected_on"],
                                   results=form.results(), problems=form.problems(),
                                   note=form.cleaned_data["note"], request=request)
        if not refused:
            messages.success(request, _("Inspection recorded: %(score)d points.")
                             % {"score": done.score})
            return redirect("care:institution", pk=found.pk)
    return render(request, "care/inspect.html", {"institution": found, "form": form})


@requires(Capability.VIEW_PEOPLE)
def gaps(request: AuthedRequest) -> HttpResponse:
    """Persons with a surveyed care need and no placement, per village, with the nearest
    institution with a free place of the mode they need."""
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year - 1)
    except ValueError:
        raise Http404 from None
    page = page_of(request, queries.gap(request.user, year))
    free = queries.occupancy(queries.institutions_for(request.user).filter(closed_on=None), today)
    rows = [(p, queries.nearest_free(free, p.village.parent_id or "", p.care_need))
            for p in page]  # care_need: annotated by queries.gap
    return render(request, "care/gaps.html", {"page": page, "rows": rows, "year": year,
                                              "query": f"year={year}"})


# ---- purchased services (政府购买服务) ---------------------------------------------------------

@requires(Capability.VIEW_PEOPLE)
def contracts(request: AuthedRequest) -> HttpResponse:
    """Purchase-of-services contracts in the region; federation staff sign new ones."""
    user = request.user
    form = None
    if user.can(Capability.APPROVE):
        form = ContractForm(request.POST or None)
        region = scoping.region_of(user)
        cast(forms.ModelChoiceField, form.fields["region"]).queryset = Region.objects.filter(
            Q(pk=region.pk) | Q(pk__in=region.townships())).order_by("code")
        if request.method == "POST" and form.is_valid():
            with form_errors(form) as refused:
                contract = actions.sign_contract(user, **form.cleaned_data, request=request)
            if not refused:
                messages.success(request, _("Contract saved."))
                return redirect("care:contract", pk=contract.pk)
    elif request.method == "POST":
        scoping.require(user, Capability.APPROVE)
    rows = queries.contracts_for(user).select_related("service_type", "region").annotate(
        delivered=Count("deliveries"))
    return render(request, "care/contracts.html", {"rows": rows, "form": form})


@requires(Capability.VIEW_PEOPLE)
def contract(request: AuthedRequest, pk: int) -> HttpResponse:
    """One contract: deliveries so far, a delivery to record, the evaluation at the end."""
    user = request.user
    found = get_object_or_404(queries.contracts_for(user).select_related("service_type", "region"),
                              pk=pk)
    step = request.POST.get("step") if request.method == "POST" else None
    deliver = DeliveryForm(request.POST if step == "deliver" else None, prefix="deliver")
    evaluate = EvaluateForm(request.POST if step == "evaluate" else None, prefix="evaluate")
    with form_errors(deliver if step == "deliver" else evaluate):
        if step == "deliver" and deliver.is_valid():
            person = _person(request, deliver)
            if person is not None:
                d = deliver.cleaned_data
                actions.record_delivery(user, found.pk, person, on=d["on"],
                                        satisfaction=d["satisfaction"], outcome=d["outcome"],
                                        request=request)
                messages.success(request, _("Delivery recorded."))
                return redirect("care:contract", pk=found.pk)
        elif step == "evaluate" and evaluate.is_valid():
            actions.evaluate_contract(user, found.pk, note=evaluate.cleaned_data["note"],
                                      request=request)
            messages.success(request, _("Evaluation saved."))
            return redirect("care:contract", pk=found.pk)
        elif step and step not in ("deliver", "evaluate"):
            raise Http404
    deliveries = found.deliveries.select_related("service__person")[:100]
    return render(request, "care/contract.html", {
        "contract": found, "deliveries": deliveries, "performance": queries.performance(found),
        "rating": care_rules.RATINGS.get(found.evaluation.get("rating", ""), ("", ""))[0],
        "deliver": deliver if user.can(Capability.EDIT_PEOPLE) and not found.evaluated_on
        else None,
        "evaluate": evaluate if user.can(Capability.APPROVE) and not found.evaluated_on else None})
