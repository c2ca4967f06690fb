"""Education pages for staff: the register per township with the out-of-school list the
education department and the federation go through together, missed home-teaching
visits, a pupil's record (history, 一人一案, 送教上门, 控辍保学, aid) with its forms, and
the education department's batch import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock, exports
from canlian.core.encrypted import seal, unseal
from canlian.core.forms import Form, person_from_form
from canlian.core.web import AuthedRequest, form_errors, requires

from . import actions, queries, rules

DATE = forms.DateInput(attrs={"type": "date"})


class StatusForm(Form):
    status = forms.ChoiceField(label=gettext_lazy("Schooling status"),
                               choices=list(rules.STATUSES.items()))
    highest_level = forms.ChoiceField(label=gettext_lazy("Highest level completed"),
                                      choices=list(rules.LEVELS.items()))
    school = forms.CharField(label=gettext_lazy("School"), max_length=100, required=False)
    reason = forms.ChoiceField(label=gettext_lazy("Reason not in school"), required=False,
                               choices=[("", "—"), *rules.REASONS.items()])
    since = forms.DateField(label=gettext_lazy("Since"), widget=DATE)


class RegisterForm(StatusForm):
    resident_id = forms.CharField(label=gettext_lazy("Resident ID of the child"), max_length=20)
    field_order = ["resident_id"]


class AssessmentForm(Form):
    assessed_on = forms.DateField(label=gettext_lazy("Assessed on"), widget=DATE)
    assessed_by = forms.CharField(label=gettext_lazy("Assessed by (expert committee)"),
                                  max_length=100)
    needs = forms.CharField(label=gettext_lazy("Education needs"),
                            widget=forms.Textarea(attrs={"rows": 3}))
    recommended = forms.ChoiceField(label=gettext_lazy("Recommended placement"),
                                    choices=list(rules.PLACEMENTS.items()))
    decision = forms.ChoiceField(label=gettext_lazy("Placement decided"), required=False,
                                 choices=[("", "—"), *rules.PLACEMENTS.items()])
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=DATE, required=False)
    review_on = forms.DateField(label=gettext_lazy("Review by"), widget=DATE, required=False)


class PlanForm(Form):
    teacher = forms.CharField(label=gettext_lazy("Teacher"), max_length=50)
    school = forms.CharField(label=gettext_lazy("School sending the teacher"), max_length=100)
    visits_per_month = forms.IntegerField(label=gettext_lazy("Visits a month"), min_value=0,
                                          max_value=31)
    content = forms.CharField(label=gettext_lazy("Content"),
                              widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.DateField(label=gettext_lazy("Start"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("End"), widget=DATE, required=False)


class VisitForm(Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    minutes = forms.IntegerField(label=gettext_lazy("Duration (minutes)"), min_value=0,
                                 max_value=1000)
    done = forms.CharField(label=gettext_lazy("What was done"), max_length=500)


class FollowUpForm(Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Action taken"), max_length=500)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome (closes the case)"), required=False,
                                choices=[("", "—"), *rules.OUTCOMES.items()])


class AidForm(Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2015, max_value=2100)
    kind = forms.CharField(label=gettext_lazy("Aid"), max_length=50)
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), max_digits=10,
                                decimal_places=2)


class ImportForm(Form):
    file = forms.FileField(label=gettext_lazy("Workbook from the education department (.xlsx)"))


ERRORS_KEY = "education_import_errors"


@requires(Capability.IMPORT_PEOPLE)
@exports.clean_failure
def batch_errors(request: AuthedRequest) -> HttpResponseBase:
    """The last import's rejected rows as a workbook, for the user who imported it."""
    errors = unseal(request.session.get(ERRORS_KEY))
    if not errors:
        raise Http404("no rejected rows")
    return exports.response(actions.error_workbook(errors), "教育数据未导入的行.xlsx")


FORMS: dict[str, type[forms.Form]] = {"status": StatusForm, "assess": AssessmentForm,
                                      "plan": PlanForm, "visit": VisitForm,
                                      "follow_up": FollowUpForm, "aid": AidForm}
TITLES = {"status": gettext_lazy("Change the schooling status"),
          "assess": gettext_lazy("Assessment and placement (一人一案)"),
          "plan": gettext_lazy("Teaching-at-home plan (送教上门)"),
          "aid": gettext_lazy("Student aid")}


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pupils = actions.pupils_for(user)
    cases = actions.dropout_cases_for(user)
    today = clock.today()
    form = None
    if user.can(Capability.EDIT_PEOPLE):
        form = RegisterForm(request.POST or None, initial={"since": today})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            person = person_from_form(user, form)
            if person is not None:
                with form_errors(form) as refused:
                    pupil = actions.set_status(user, person, status=d["status"],
                                               highest_level=d["highest_level"],
                                               school=d["school"], reason=d["reason"],
                                               since=d["since"])
                if not refused:
                    messages.success(request, _("Saved."))
                    return redirect("education:pupil", pk=pupil.pk)
    region = scoping.region_of(user)
    townships = dict(region.townships().values_list("code", "name")) \
        if region.level not in ("township", "village") else {}
    counts = queries.by_township_and_status(pupils)
    table = [{"township": townships.get(t, t), "counts": [c.get(s, 0) for s in rules.STATUSES],
              "total": sum(c.values())} for t, c in sorted(counts.items())]
    return render(request, "education/index.html", {
        "form": form, "table": table, "statuses": list(rules.STATUSES.values()),
        "dropouts": queries.dropout_list(cases)[:300],
        "overdue": queries.overdue_cases(cases, today).count(),
        "missed": queries.missed_visits(queries.plans_for(pupils), today)[:100],
        "total": pupils.count(), "today": today,
    }, status=400 if form is not None and form.errors else 200)


def _pupil(request: AuthedRequest, pk: int) -> Any:
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    return get_object_or_404(actions.pupils_for(request.user).select_related(
        "person", "village__parent"), pk=pk)


def _page(request: AuthedRequest, pupil: Any, bound: dict[str, forms.Form],
          status: int = 200) -> HttpResponse:
    today = clock.today()
    editing = request.user.can(Capability.EDIT_PEOPLE)
    plans = list(pupil.plans.prefetch_related("visits"))
    for plan in plans:
        plan.visit_form = bound.get(f"visit-{plan.pk}") or VisitForm(
            prefix=f"visit-{plan.pk}", initial={"plan": plan.pk, "on": today, "minutes": 90})
        plan.missed = rules.missed_months(plan.visits_per_month, plan.start,
                                          min(today, plan.end) if plan.end else today,
                                          [v.on for v in plan.visits.all()])
    cases = list(pupil.dropout_cases.all())
    for case in cases:
        case.form = bound.get(f"follow_up-{case.pk}") or FollowUpForm(
            prefix=f"follow_up-{case.pk}", initial={"case": case.pk})
    initial = {"status": pupil.status, "highest_level": pupil.highest_level,
               "school": pupil.school, "since": today, "assessed_on": today, "start": today,
               "year": today.year}
    forms_ = [(s, TITLES[s], bound.get(s) or FORMS[s](prefix=s, initial=initial))
              for s in ("status", "assess", "plan", "aid")] if editing else []
    return render(request, "education/pupil.html", {
        "pupil": pupil, "history": pupil.history.select_related("by"),
        "assessments": pupil.assessments.all(), "plans": plans, "cases": cases,
        "aid": pupil.aid.all(), "forms": forms_, "editing": editing,
        "statuses": rules.STATUSES, "levels": rules.LEVELS, "sources": rules.SOURCES,
        "placements": rules.PLACEMENTS, "outcomes": rules.OUTCOMES, "reasons": rules.REASONS,
    }, status=status)


@requires(Capability.VIEW_PEOPLE)
def pupil(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, _pupil(request, pk), {})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def act(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in FORMS:
        raise Http404(step)
    record = _pupil(request, pk)
    prefix = step
    if step in ("visit", "follow_up"):
        prefix = f"{step}-{request.POST.get('target', '')}"
    form = FORMS[step](request.POST, prefix=prefix)
    if form.is_valid():
        d, user = form.cleaned_data, request.user
        with form_errors(form) as refused:
            if step == "status":
                actions.set_status(user, record.person, **d)
            elif step == "assess":
                actions.assess(user, record.pk, **d)
            elif step == "plan":
                actions.plan_home_teaching(user, record.pk, **d)
            elif step == "visit":
                if not record.plans.filter(pk=d["plan"]).exists():
                    raise Http404("plan")
                actions.log_visit(user, d.pop("plan"), **d)
            elif step == "follow_up":
                if not record.dropout_cases.filter(pk=d["case"]).exists():
                    raise Http404("case")
                actions.follow_up(user, d["case"], note=d["note"], outcome=d["outcome"])
            else:
                actions.grant_aid(user, record.pk, **d)
        if not refused:
            messages.success(request, _("Saved."))
            return redirect("education:pupil", pk=pk)
    return _page(request, record, {prefix: form}, status=400)


@requires(Capability.IMPORT_PEOPLE)
def batch(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            result = actions.import_batch(request.user, form.cleaned_data["file"])
        if not refused:
            # kept for the download of the rejected rows (at most 20,000, this session
            # only), sealed: they quote the file's rows, resident IDs included
            request.session[ERRORS_KEY] = seal(result.errors[:20000])
    return render(request, "education/import.html", {"form": form, "result": result,
                                                     "columns": actions.COLUMNS},
                  status=400 if form.errors else 200)
