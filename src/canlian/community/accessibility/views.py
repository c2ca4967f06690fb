"""Pages of accessibility supervision (无障碍监督): thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, requires

from .. import inspection_rules, ruleset, shared
from ..models import (
    PLACE_KIND_CHOICES,
    RESULT_CHOICES,
)
from ..web import button, review_form, submit, user_can, year_of
from . import actions, queries
from .forms import (
    InspectionForm,
    PlaceForm,
    ProblemStepForm,
)


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "POST"])
def places(request: AuthedRequest) -> HttpResponse:
    form, posted = review_form(request, PlaceForm, actions.register_place, done=_("Place registered."),
                               then=lambda made: redirect("community:place", pk=made.pk))
    if posted:
        return posted
    kind = request.GET.get("kind", "")
    rows = queries.places_for(request.user).select_related("village__parent")
    if kind in dict(PLACE_KIND_CHOICES):
        rows = rows.filter(kind=kind)
    return render(request, "community/places.html", {
        "page": page_of(request, rows), "form": form, "kind": kind, "kinds": PLACE_KIND_CHOICES,
        "query": f"kind={kind}"})


@requires(Capability.VIEW_PEOPLE)
def place(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.places_for(request.user).select_related("village__parent"),
                              pk=pk)
    return render(request, "community/place.html", {
        "place": found, "inspections": found.inspections.select_related("inspector")[:20],
        "problems": found.problems.order_by("rectified_on", "deadline")[:50], "today": clock.today(),
        "can_inspect": user_can(request, Capability.REVIEW) and found.active})


@requires(Capability.REVIEW)
@require_http_methods(["GET", "POST"])
def inspect(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.places_for(request.user), pk=pk)
    items = inspection_rules.items_for(found.kind, ruleset.checklist())
    english = (get_language() or "").startswith("en")
    form = InspectionForm(request.POST or None, items=items, english=english)

    def save(data: dict[str, Any]) -> Any:
        results, severities, descriptions = form.split()
        return actions.inspect(request.user, found.pk, inspected_on=data["inspected_on"],
                               results=results, severities=severities, descriptions=descriptions,
                               note=data["note"], request=request)

    return submit(request, form, save, done=_("Inspection recorded."),
                  then=lambda _made: redirect("community:place", pk=found.pk)) or render(
        request, "community/inspect.html", {"place": found, "form": form})


@requires(Capability.VIEW_PEOPLE)
def problems(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    today = clock.today()
    rows = queries.problems_for(request.user).select_related("place__village__parent")
    if state == "open":
        rows = rows.filter(rectified_on__isnull=True)
    elif state == "overdue":
        rows = rows.filter(rectified_on__isnull=True, deadline__lt=today)
    elif state == "rectified":
        rows = rows.filter(rectified_on__isnull=False, verified_on__isnull=True)
    elif state == "closed":
        rows = rows.filter(verified_on__isnull=False)
    page = page_of(request, rows)
    rules = shared.rules().inspections
    page.object_list = [{"problem": p, "status": inspection_rules.status(
        p.deadline, today, rules, p.rectified_on, p.verified_on)} for p in page.object_list]
    return render(request, "community/problems.html", {
        "page": page, "state": state, "query": f"state={state}"})


@requires(Capability.VIEW_PEOPLE)
def problem(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.problems_for(request.user).select_related(
        "place__village__parent", "inspection", "verified_by"), pk=pk)
    rules = shared.rules().inspections
    status = inspection_rules.status(found.deadline, clock.today(), rules, found.rectified_on,
                                     found.verified_on)
    item = next((i for i in ruleset.checklist() if i.code == found.item), None)
    item_text = (item.en if (get_language() or "").startswith("en") else item.zh) if item else found.item
    can = user_can(request, Capability.REVIEW)
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

    def run() -> Any:
        if step == "rectify":
            return actions.rectify(request.user, pk, on=d["on"] or clock.today(), note=d["note"],
                                   request=request)
        if step == "verify":
            return actions.verify(request.user, pk, on=d["on"], request=request)
        return actions.extend(request.user, pk, reason=d["reason"], request=request)

    return button(request, run, done=_("Saved."), back=redirect("community:problem", pk=pk))


@requires(Capability.REVIEW)
@require_POST
def problem_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    return button(request, lambda: actions.add_problem_photo(request.user, pk, request.POST.get("stage", ""),
                                                             request.FILES.get("image")),
                  done=_("Photo added."), back=redirect("community:problem", pk=pk))


@requires(Capability.VIEW_PEOPLE)
def statistics(request: AuthedRequest) -> HttpResponse:
    """Accessibility supervision by township (分镇街统计)."""
    year = year_of(request)
    rows = queries.township_stats(request.user, year, clock.today())
    totals = {k: sum(r[k] for r in rows) for k in ("places", "places_inspected", "inspections",
                                                   "found", "open", "overdue", "rectified",
                                                   "in_time", "verified")}
    totals["rate"] = (round(100 * totals["rectified"] / totals["found"], 1)
                      if totals["found"] else None)
    return render(request, "community/statistics.html", {"rows": rows, "totals": totals,
                                                         "year": year})
