"""Survey pages: progress, who is still to survey, and the survey form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.lists import Column, Filter, Listing, region_name
from canlian.core.web import AuthedRequest, form_errors, requires
from canlian.people.models import CATEGORY_CHOICES, GRADE_CHOICES

from . import actions, queries, served
from .forms import SurveyForm
from .models import AnnualSurvey


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = clock.today().year
    return max(2015, min(year, clock.today().year))


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    year = _year(request)
    level = "township" if scoping.region_of(request.user).level in ("county", "city") else "village"
    rows = queries.progress(scoping.people_for(request.user), year, level)
    total = sum(r["total"] for r in rows)
    done = sum(r["done"] for r in rows)
    return render(request, "surveys/index.html", {
        "year": year, "rows": rows, "total": total, "done": done,
        "percent": round(100 * done / total, 1) if total else None,
        "years": range(clock.today().year, 2020, -1),
    })


def remaining_listing(request: AuthedRequest) -> Listing:
    """Persons still to survey in the asked year (未调查名单) as ``request`` asks for them (the
    page, and the background export job rebuilding it: ``core.lists.BACKGROUND_LISTS``)."""
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    year = _year(request)
    people = queries.to_survey(scoping.people_for(request.user), year).filter(surveyed=False)
    return Listing(
        request, people.select_related("village__parent").order_by("village_id", "name", "id"),
        region_field="village__code", title=_("Still to survey"), keep={"year": str(year)},
        name="surveys.remaining", filename=f"{year}年未调查名单",
        filters=[
            Filter("category", _("Category"), field="category", choices=CATEGORY_CHOICES),
            Filter("grade", _("Grade"), field="grade", choices=GRADE_CHOICES),
        ],
        columns=[
            Column(_("Name"), lambda p: p.name),
            Column(_("Resident ID"), lambda p: p.masked_id),
            Column(_("Township / village"), lambda p: region_name(p.village)),
            Column(_("Category"), lambda p: p.get_category_display()),
            Column(_("Grade"), lambda p: p.get_grade_display()),
            Column(_("Phone"), lambda p: p.phone),
        ],
        person=lambda p: (p.pk, p.village_id))


@requires(Capability.VIEW_PEOPLE)
def remaining(request: AuthedRequest) -> HttpResponseBase:
    """Persons still to survey this year (未调查名单), with the shared list filters."""
    listing = remaining_listing(request)
    if listing.wants_export:
        return listing.export()
    return render(request, "surveys/remaining.html", {"year": _year(request), "listing": listing})


@requires(Capability.VIEW_PEOPLE)
def survey(request: AuthedRequest, person_id: int, year: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    existing = AnnualSurvey.objects.filter(person=person, year=year).first()
    can_edit = request.user.can(Capability.EDIT_PEOPLE)
    form = SurveyForm(request.POST or None, instance=existing,
                      initial={"surveyed_on": clock.today()})
    if request.method == "POST" and can_edit and form.is_valid():
        answers = dict(form.cleaned_data.items())
        with form_errors(form) as refused:
            actions.save_survey(request.user, person, year, answers, request=request)
        if not refused:
            messages.success(request, _("Survey saved."))
            return redirect(f"{request.path}?saved=1")
    labels = {f.name: f.verbose_name for f in AnnualSurvey._meta.concrete_fields}
    received = [(labels[flag], getattr(existing, flag)) for flag in served.FLAGS] if existing else []
    return render(request, "surveys/form.html", {"form": form, "person": person, "year": year,
                                                 "can_edit": can_edit, "existing": existing,
                                                 "received": received})
