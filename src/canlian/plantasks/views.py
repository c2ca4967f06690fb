"""Plan-task pages: a department's own tasks and its quarterly report form; the
federation's supervision overview (督查) and the supervision bulletin (督查通报) as a
printable page and PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.domain import DomainError
from canlian.core.forms import Form
from canlian.core.web import AuthedRequest, form_errors, requires

from . import actions, bulletin, queries, rules
from .models import ProgressReport, Reminder
from .tasks import TaskPlan

STATUS_LABELS = {rules.ON_TRACK: gettext_lazy("On track"), rules.LAGGING: gettext_lazy("Lagging"),
                 rules.OVERDUE: gettext_lazy("Report overdue"),
                 rules.NOT_STARTED: gettext_lazy("Not started")}


def _plan() -> TaskPlan:
    plan = queries.current_plan()
    if plan is None:
        raise Http404("no plan for this deployment")
    return plan


class ReportForm(Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int,
                                     choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])
    percent = forms.IntegerField(label=gettext_lazy("Completion (%)"), min_value=0,
                                 max_value=100)
    text = forms.CharField(label=gettext_lazy("Progress and measures taken"),
                           widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    figures = forms.CharField(
        label=gettext_lazy("Figures"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: name = number, e.g. 培训人次 = 52"))
    evidence = forms.FileField(label=gettext_lazy("Evidence file"), required=False,
                               help_text=gettext_lazy("PDF, image, Word or Excel, up to 10 MB"))

    def clean_figures(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for n, line in enumerate((self.cleaned_data.get("figures") or "").splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            try:
                number = float(value.strip().replace(",", ""))
            except ValueError:
                number = None
            if not sep or not name.strip() or number is None:
                raise ValidationError(_("Line %(n)d: write name = number.") % {"n": n})
            result[name.strip()] = int(number) if number.is_integer() else number
        return result


@requires(Capability.REPORT_PLAN_TASKS)
def mine(request: AuthedRequest) -> HttpResponse:
    """The department's own tasks with their standing and the latest reminder."""
    plan = _plan()
    today = clock.today()
    try:
        department = actions.department_of(request.user, plan)
    except DomainError as exc:
        return render(request, "plantasks/mine.html", {"plan": plan, "refusal": exc.message},
                      status=403)
    rows = queries.rows_for(plan, today, department, lead_only=False)
    year, quarter = rules.reporting_quarter(today)
    return render(request, "plantasks/mine.html", {
        "plan": plan, "department": department, "rows": rows, "labels": STATUS_LABELS,
        "year": year, "quarter": quarter, "due": rules.due_date(year, quarter),
        "reminder": Reminder.objects.filter(plan=plan.code, department=department, year=year,
                                            quarter=quarter).first()})


@requires(Capability.REPORT_PLAN_TASKS)
def report(request: AuthedRequest, code: str) -> HttpResponse:
    """Report one task's progress for a quarter (the reporting quarter by default)."""
    plan = _plan()
    try:
        department = actions.department_of(request.user, plan)
        task = plan.task(code)
    except (DomainError, KeyError):
        raise Http404("no such task") from None
    if department not in task.departments:
        raise Http404("not this department's task")
    year, quarter = rules.reporting_quarter(clock.today())
    form = ReportForm(request.POST or None, request.FILES or None,
                      initial={"year": year, "quarter": quarter})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form) as refused:
            actions.submit_report(request.user, plan, task=code, year=d["year"],
                                  quarter=d["quarter"], percent=d["percent"], text=d["text"],
                                  figures=d["figures"], evidence=d["evidence"], request=request)
        if not refused:
            messages.success(request, _("Progress reported."))
            return redirect("plantasks:mine")
    history = ProgressReport.objects.filter(plan=plan.code, task=code,
                                                    department=department)
    return render(request, "plantasks/report.html", {
        "plan": plan, "task": task, "department": department, "form": form,
        "history": history}, status=400 if request.method == "POST" else 200)


@requires(Capability.SUPERVISE_PLAN_TASKS)
def supervision(request: AuthedRequest) -> HttpResponse:
    """Every lead department's tasks: overdue and lagging first (督查)."""
    plan = _plan()
    today = clock.today()
    summaries = queries.supervision(plan, today)
    return render(request, "plantasks/supervision.html", {
        "plan": plan, "summaries": summaries, "totals": queries.totals(summaries),
        "labels": STATUS_LABELS, "today": today, "last_due": rules.last_due_quarter(today)})


@requires(Capability.SUPERVISE_PLAN_TASKS)
def bulletin_view(request: AuthedRequest, fmt: str = "html") -> HttpResponse:
    """The supervision bulletin (督查通报) as a printable page or a PDF."""
    plan = _plan()
    today = clock.today()
    data = bulletin.data(plan, today)
    record(user=request.user, action=Action.EXPORT, object_type="bulletin",
           object_id=f"{plan.code}-{today:%Y%m%d}", request=request,
           summary=f"督查通报 {plan.code} {today:%Y-%m-%d} ({fmt})")
    if fmt == "pdf":
        response = HttpResponse(bulletin.pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{plan.code}-bulletin-{today:%Y%m%d}.pdf"')
        return response
    return HttpResponse(bulletin.html(data))
