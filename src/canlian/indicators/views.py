"""The plan dashboard, indicator pages with drill-down, external data entry, reports."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.forms import Form
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, error_messages, form_errors, requires, signed_in_only
from canlian.jobs import actions as jobs
from canlian.people.models import Person
from canlian.regions.models import Deployment, Region

from . import actions, drill, engine, plans, report
from .catalogue import DEFINITIONS
from .formulas import STATUS_LABELS, Status
from .measures import Scope
from .models import ExternalValue, FrozenYear

CACHE_SECONDS = 600


def _plan_for(request: HttpRequest, code: str | None = None) -> plans.Plan:
    available = plans.available()
    if code is None:
        deployment = Deployment.current()
        match = [c for c, p in available.items()
                 if deployment and plans.load(c).region == deployment.root.name]
        code = match[0] if match else next(iter(available))
    if code not in available:
        raise Http404("no such plan")
    return plans.load(code)


def _region(request: AuthedRequest) -> Region:
    user = request.user
    scoping.require(user, Capability.VIEW_PEOPLE)
    region = scoping.region_of(user)
    wanted = request.GET.get("region")
    if wanted and wanted != region.code:
        candidate = Region.objects.filter(code=wanted).first()
        if candidate is None or not region.contains(candidate.code):
            raise Http404("region outside yours")
        return candidate
    return region


def _year(request: HttpRequest, plan: plans.Plan) -> int:
    this_year = clock.today().year
    try:
        year = int(request.GET.get("year", min(this_year, plan.end)))
    except ValueError:
        year = min(this_year, plan.end)
    return max(plan.start, min(year, this_year))


def computed(plan: plans.Plan, year: int, region: Region) -> dict[str, Any]:
    """The JSON of a computation, cached for a few minutes (figures change slowly)."""
    key = f"indicators:{plan.code}:{year}:{region.code}"
    data = cache.get(key)
    if data is None:
        data = engine.as_json(plan, year, region, engine.compute(plan, year, region))
        cache.set(key, data, CACHE_SECONDS)
    return data


_UNKNOWN: Any = object()


def figures_for(plan: plans.Plan, year: int, region: Region, *,
                frozen: FrozenYear | None = _UNKNOWN) -> dict[str, Any]:
    """The year's figures as reported when the year is frozen (with the recomputation
    beside them), else as computed now. ``frozen``: the year's frozen figures or None, where
    the caller has read them already (``actions.frozen_years``)."""
    now = computed(plan, year, region)
    if frozen is _UNKNOWN:
        frozen = actions.frozen_for(plan, year)
    reported = actions.reported(frozen, region) if frozen else None
    if reported is None or frozen is None:
        return {"data": now, "frozen": None}
    return {"data": {**reported, "frozen": True,
                     "frozen_by": frozen.frozen_by.get_username(),
                     "frozen_at": frozen.frozen_at.isoformat()},
            "frozen": frozen, "now": actions.comparison(reported, now),
            "late": actions.late_records(plan, year, region, frozen.frozen_at)}


def _baseline_value(indicator: plans.Indicator) -> float | None:
    b = indicator.baseline
    return float(b.value) if b is not None and b.value is not None else None


def _with_unit(text: object, unit: str) -> str:
    """A plan's stated baseline or target with its unit where it is a number: ">96" of a rate
    reads ">96%" beside the computed "98.6%"; text targets ("≈ …", "—") stay as they are."""
    text = "" if text is None else str(text)
    if text and text[-1].isdigit() and unit in ("percent", "percent_per_year"):
        return f"{text}%"
    return text


@requires(Capability.VIEW_PEOPLE)
def dashboard(request: AuthedRequest, plan_code: str | None = None) -> HttpResponse:
    plan = _plan_for(request, plan_code)
    region = _region(request)
    year = _year(request, plan)
    frozen = actions.frozen_years(plan)
    figures = figures_for(plan, year, region, frozen=frozen.get(year))
    data = figures["data"]
    this_year = clock.today().year
    years = [y for y in plan.years if y <= this_year]
    trend = {y: data if y == year else
             figures_for(plan, y, region, frozen=frozen.get(y))["data"] for y in years}
    query = f"?year={year}&region={region.code}"
    series = []
    for i, indicator in enumerate(plan.all_indicators):
        series.append({
            "code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "target": engine.target_label(plan, indicator),
            "target_value": float(indicator.target.value) if indicator.target.value is not None
            else None,
            # the plan's stated baseline is its own marker, not a point of the computed series
            "baseline_year": plan.baseline_year, "baseline": _baseline_value(indicator),
            "years": years, "values": [trend[y]["indicators"][i]["value"] for y in years],
        })
    counts = {s.value: 0 for s in Status}
    for row in data["indicators"]:
        counts[row["status"]] += 1
    townships = (region.townships() if region.level in ("county", "city")
                 else Region.objects.none())
    bars = [{"code": r["code"], "name": r["name"], "value": r["value"], "status": r["status"],
             "unit": r["unit"], "target": r["target"],
             "target_value": _target_value(plan.indicator(r["code"])),
             "url": reverse("indicators:indicator", args=[plan.code, r["code"]]) + query}
            for r in data["indicators"]]
    rows = [{**r, "now": (figures.get("now") or {}).get(r["code"]),
             "baseline_text": _with_unit(r["baseline"], r["unit"]),
             "target_text": _with_unit(r["target"], r["unit"])} for r in data["indicators"]]
    can_freeze = (request.user.role == Role.FEDERATION_STAFF and figures["frozen"] is None
                  and year < this_year and region.level != "township")
    return render(request, "indicators/dashboard.html", {
        "plan": plan, "data": data, "rows": rows, "year": year, "region": region, "years": years,
        "frozen": figures["frozen"], "late": figures.get("late"), "can_freeze": can_freeze,
        "counts": {STATUS_LABELS[Status(k)]: v for k, v in counts.items() if v},
        "chart": {"year": year, "indicators": bars, "series": series},
        "townships": townships, "plans": plans.available(),
    })


def _target_value(indicator: plans.Indicator) -> float | None:
    t = indicator.target
    return float(t.value) if t.value is not None and indicator.is_percent else None


@requires(Capability.VIEW_PEOPLE)
def indicator(request: AuthedRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _plan_for(request, plan_code)
    try:
        item = plan.indicator(code)
    except KeyError:
        raise Http404 from None
    region = _region(request)
    year = _year(request, plan)
    data = figures_for(plan, year, region)["data"]
    row = next(r for r in data["indicators"] if r["code"] == code)
    row = {**row, "gap": (row["denominator"] - row["numerator"])
           if row["denominator"] is not None else None}
    ranking = sorted(row["townships"], key=lambda t: (t["value"] is None, -(t["value"] or 0)))
    return render(request, "indicators/indicator.html", {
        "plan": plan, "item": item, "row": row, "year": year, "region": region,
        "definition": DEFINITIONS[code], "ranking": ranking,
        "drill": drill.supported(code),
        "chart": {"ranking": ranking, "name": item.name, "target": row["target"]},
    })


@requires(Capability.VIEW_PEOPLE)
def members(request: AuthedRequest, plan_code: str, code: str, which: str) -> HttpResponse:
    """The persons (households, trainings, townships, employers) behind a figure."""
    plan = _plan_for(request, plan_code)
    if which not in drill.WHICH or not drill.supported(code):
        raise Http404
    try:
        item = plan.indicator(code)
    except KeyError:
        raise Http404 from None
    region = _region(request)
    year = _year(request, plan)
    found = drill.members(code, Scope(region, year), which, period_start=plan.start)
    rows = found.rows
    if found.kind == "persons":
        rows = (rows & scoping.people_for(request.user)).select_related(
            "village__parent").order_by("village_id", "name", "id")
    elif found.kind == "trainings":
        rows = rows.filter(person__in=scoping.people_for(request.user))
    if found.stored:
        page = _stored_page(request, rows, f"members:{found.stored}:{request.user.pk}:"
                                           f"{plan.code}:{code}:{which}:{region.code}:{year}")
    else:
        page = page_of(request, rows)
    return render(request, "indicators/members.html", {
        "plan": plan, "item": item, "which": which, "year": year, "region": region,
        "kind": found.kind, "note": found.note, "page": page,
        "query": f"year={year}&region={region.code}",
    })


STORED_LIST_SECONDS = 60


def _stored_page(request: AuthedRequest, persons: Any, key: str) -> Any:
    """A page of a list of persons read from stored facts. Counting and ordering a
    township's gap list joins and sorts all its persons (8,000 at a million persons: 80 ms
    a page, 1.7 s at the 95th percentile with 20 staff paging); the ordered ids are kept
    for ``STORED_LIST_SECONDS`` under a key naming the facts' taking, so each further page
    reads its 50 persons only. Those are scoped again as they are read: a person who left
    the user's region meanwhile is not shown, only still counted until the key expires."""
    ids = cache.get(key)
    if ids is None:
        ids = list(persons.values_list("pk", flat=True))
        cache.set(key, ids, STORED_LIST_SECONDS)
    page = page_of(request, ids)
    shown = {p.pk: p for p in (Person.objects.filter(pk__in=list(page.object_list))
                               & scoping.people_for(request.user)
                               ).select_related("village__parent")}
    page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
    return page


class ExternalValueForm(Form):
    """A value of one of the plan's declared series (a choice, never free text)."""
    series = forms.ChoiceField(label=gettext_lazy("Series"))
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    value = forms.DecimalField(label=gettext_lazy("Value"), max_digits=14, decimal_places=4)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200)

    def __init__(self, plan: plans.Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["series"]).choices = [(s.code, s.name) for s in plan.series]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            (y, y) for y in range(plan.baseline_year, plan.end + 1)]
        if plan.series:
            self.fields["source"].initial = plan.series[0].source


@requires(Capability.VIEW_PEOPLE)
def external(request: AuthedRequest) -> HttpResponse:
    """The plan's external series: entered by the federation for the whole deployment and
    read by every township (a township sees the deployment's figures)."""
    plan = _plan_for(request)
    deployment = Deployment.current()
    form = None
    if request.user.role == Role.FEDERATION_STAFF:
        form = ExternalValueForm(plan, request.POST or None)
        if request.method == "POST" and form.is_valid():
            with form_errors(form, PermissionDenied) as refused:
                actions.enter_external(request.user, plan, request=request, **form.cleaned_data)
            if not refused:
                messages.success(request, _("Saved."))
                return redirect("indicators:external")
    elif request.method == "POST":
        raise PermissionDenied("external data is entered by the federation")
    names = {s.code: s for s in plan.series}
    regions = [scoping.region_of(request.user).code] + ([deployment.root_id] if deployment else [])
    rows = ExternalValue.objects.filter(series__in=list(names), region_id__in=regions)
    return render(request, "indicators/external.html", {
        "plan": plan, "series": plan.series, "names": names,
        "rows": [(names[r.series], r) for r in rows], "form": form})


@signed_in_only("the federation reports the year: its role is checked inside, after a GET "
                "is answered 404")
def freeze(request: AuthedRequest, plan_code: str) -> HttpResponse:
    """Report (freeze) a finished year's figures: federation staff, POST only."""
    plan = _plan_for(request, plan_code)
    if request.method != "POST":
        raise Http404
    if request.user.role != Role.FEDERATION_STAFF:
        raise PermissionDenied("the federation reports the year")
    with error_messages(request) as refused:
        try:
            year = int(request.POST.get("year", ""))
            actions.freeze_year(request.user, plan, year, note=request.POST.get("note", ""),
                                request=request)
        except ValueError:
            messages.error(request, _("Choose the year to report."))
            return redirect("indicators:plan", plan.code)
    if not refused:
        messages.success(request, _("The year's figures are frozen."))
    return redirect(reverse("indicators:plan", args=[plan.code]) + f"?year={year}")


@requires(Capability.VIEW_PEOPLE)
def report_file(request: AuthedRequest, plan_code: str, kind: str, fmt: str) -> HttpResponseBase:
    """The evaluation report of the dashboard's year and region, as .xlsx or .pdf."""
    plan = _plan_for(request, plan_code)
    if kind not in report.KINDS or fmt not in ("xlsx", "pdf"):
        raise Http404
    region = _region(request)
    year = _year(request, plan)
    if request.method == "POST":  # the dashboard's buttons: a background job with progress

        job = jobs.start(request.user, "indicators.report", request=request, params={
            "plan": plan.code, "kind": kind, "fmt": fmt, "year": year, "region": region.code})
        return redirect("jobs:detail", job.pk)
    data = figures_for(plan, year, region)["data"]
    record(user=request.user, action=Action.EXPORT, object_type="report",
           object_id=f"{plan.code}-{year}", request=request,
           summary=f"{report.KINDS[kind]}报告 {region.name} {year}")
    name = f"{plan.code}-{year}-{kind}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(report.pdf(data, kind), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    path = report.workbook(data, kind)
    handle = path.open("rb")
    path.unlink()
    return FileResponse(handle, as_attachment=True, filename=name)
