"""Evaluation pages: satisfaction results for staff, auditors and evaluators (scoped to
their region); the third-party evaluator's overview, anonymised sample and findings
(every page it reads is audited); and the SMS gateway's inbound endpoint for replies."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.forms import Form
from canlian.core.web import AuthedRequest, form_errors, requires
from canlian.plantasks import queries as plantasks

from . import actions, queries, rules
from .models import Finding, FindingArea


def _year(request: HttpRequest) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


@requires(Capability.VIEW_SATISFACTION)
def results(request: AuthedRequest) -> HttpResponse:
    """Ratings per service kind, institution and township in the user's region."""
    year = _year(request)
    ratings = scoping.ratings_for(request.user)
    if year:
        ratings = ratings.filter(closed_on__year=year)
    years = sorted({d.year for d in scoping.ratings_for(request.user)
                    .dates("closed_on", "year")}, reverse=True)
    return render(request, "evaluation/results.html", {
        "results": queries.results(ratings), "year": year, "years": years})


@requires(Capability.EVALUATE)
def home(request: AuthedRequest) -> HttpResponse:
    """The evaluator's overview: aggregates only (satisfaction, plan tasks by department)."""
    plan = plantasks.current_plan()
    today = clock.today()
    summaries = plantasks.supervision(plan, today) if plan else []
    record(user=request.user, action=Action.VIEW, object_type="evaluation",
           object_id="aggregates", request=request, summary="第三方评估：查看汇总数据")
    return render(request, "evaluation/home.html", {
        "results": queries.results(scoping.ratings_for(request.user)), "plan": plan,
        "summaries": summaries, "totals": plantasks.totals(summaries) if plan else None,
        "max_sample": rules.MAX_SAMPLE})


class SampleForm(Form):
    seed = forms.IntegerField(label=gettext_lazy("Seed"), min_value=0, max_value=2**31 - 1,
                              help_text=gettext_lazy("The same seed draws the same sample."))
    size = forms.IntegerField(label=gettext_lazy("Sample size"), min_value=1,
                              max_value=rules.MAX_SAMPLE, initial=50)


@requires(Capability.EVALUATE)
def sample(request: AuthedRequest) -> HttpResponse:
    """A reproducible, anonymised sample of certified persons; every draw is audited, for
    the evaluator (one event with the seed) and for each person drawn (their access log)."""
    form = SampleForm(request.GET if "seed" in request.GET else None)
    rows: list[dict[str, Any]] = []
    if form.is_bound and form.is_valid():
        seed, size = form.cleaned_data["seed"], form.cleaned_data["size"]
        rows = queries.sample(request.user, seed, size, clock.today())
        record(user=request.user, action=Action.VIEW, object_type="evaluation_sample",
               object_id=f"{seed}:{size}", request=request,
               summary=f"第三方评估：抽取匿名样本（种子 {seed}，{len(rows)} 条）")
        ids = [r.pop("_id") for r in rows]
        record_many(user=request.user, action=Action.VIEW, request=request,
                    people=scoping.evaluation_population_for(request.user)
                    .filter(id__in=ids).values_list("id", "village_id"),
                    summary=f"第三方评估匿名样本（种子 {seed}）")
        if request.GET.get("format") == "csv":
            return _csv(rows, seed)
    return render(request, "evaluation/sample.html", {"form": form, "rows": rows},
                  status=400 if form.is_bound and not form.is_valid() else 200)


def _csv(rows: list[dict[str, Any]], seed: int) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pseudonym", "sex", "age_band", "township", "category", "grade",
                     "services_this_year", "subsidies", "ratings", "mean_rating"])
    for r in rows:
        writer.writerow([r["pseudonym"], r["sex"], r["age"], r["township"], r["category"],
                         r["grade"], r["services"], " ".join(r["subsidies"]), r["ratings"],
                         "" if r["mean"] is None else r["mean"]])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-sample-{seed}.csv"'
    return response


class FindingForm(Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    area = forms.ChoiceField(label=gettext_lazy("Evaluated area"), choices=FindingArea.choices)
    title = forms.CharField(label=gettext_lazy("Heading"), max_length=120)
    text = forms.CharField(label=gettext_lazy("Finding"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    recommendation = forms.CharField(label=gettext_lazy("Recommendation"), required=False,
                                     max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


@requires(Capability.EVALUATE)
def findings(request: AuthedRequest) -> HttpResponse:
    """The evaluator's findings for the current plan, and a form to record one."""
    plan = queries.current_plan_code()
    if plan is None:
        raise Http404("no plan for this deployment")
    form = FindingForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form) as refused:
            actions.record_finding(request.user, plan=plan, year=d["year"], area=d["area"],
                                   title=d["title"], text=d["text"],
                                   recommendation=d["recommendation"], request=request)
        if not refused:
            messages.success(request, _("Finding recorded."))
            return redirect("evaluation:findings")
    return render(request, "evaluation/findings.html", {
        "form": form, "findings": Finding.objects.filter(plan=plan).order_by("-year", "-id")},
        status=400 if request.method == "POST" else 200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """Replies to a rating invitation, posted by the SMS gateway (Kannel's sms-service
    ``get-url``/``post-url`` with ``from=%p&text=%a``). The shared ``token`` (setting
    ``CANLIAN_SMS_INBOUND_TOKEN``) authorises the gateway; without the setting the endpoint
    does not exist. The plain-text answer is the message the gateway sends back."""
    expected = settings.CANLIAN_SMS_INBOUND_TOKEN
    if not expected:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    if not constant_time_compare(data.get("token", ""), expected):
        raise PermissionDenied("bad token")
    phone, text = data.get("from", ""), data.get("text", "")
    if not phone:
        return HttpResponse("from is required", status=400, content_type="text/plain")
    answer = actions.reply_by_sms(phone, text)
    return HttpResponse(answer, content_type="text/plain; charset=utf-8")
