"""Rights-casework pages for staff: the list per township (with overdue and supervised
cases first), intake from the hotline, walk-ins and letters, a case with its steps and the
forms of the steps it may take, and the statistics for the federation's reports."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Capability
from canlian.core import clock, params
from canlian.core.forms import Form, person_from_form
from canlian.core.web import AuthedRequest, form_errors, requires

from . import actions, queries, rules
from .models import Channel, ConsentHow, Kind, Outcome, RightsCase, Satisfaction, State

STAFF_CHANNELS = [c for c in Channel.choices if c[0] != Channel.PORTAL]


class IntakeForm(Form):
    resident_id = forms.CharField(label=gettext_lazy("Resident ID of the disabled person"),
                                  max_length=20)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=STAFF_CHANNELS)
    received_on = forms.DateField(label=gettext_lazy("Received on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    submitter_name = forms.CharField(label=gettext_lazy("Submitted by"), max_length=50,
                                     required=False)
    submitter_relation = forms.CharField(label=gettext_lazy("Relation to the person"),
                                         max_length=20, required=False)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    description = forms.CharField(label=gettext_lazy("What happened and what is asked"),
                                  widget=forms.Textarea(attrs={"rows": 5}))
    proxy_consent = forms.BooleanField(
        label=gettext_lazy("The person (or guardian) signed consent to 代办 by a worker"),
        required=False)


class NoteForm(Form):
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)


class AssignForm(Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=None)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, case: RightsCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = _workers(case)


class ReferForm(Form):
    to = forms.CharField(label=gettext_lazy("Referred to"), max_length=100,
                         initial="法律援助中心")
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class CloseForm(Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=[
        c for c in Outcome.choices if c[0] != Outcome.DUPLICATE])
    note = forms.CharField(label=gettext_lazy("Reply to the person"),
                           widget=forms.Textarea(attrs={"rows": 3}))


class SatisfactionForm(Form):
    satisfaction = forms.ChoiceField(label=gettext_lazy("Satisfaction (asked by phone)"),
                                     choices=Satisfaction.choices, widget=forms.RadioSelect)


class ReopenForm(Form):
    appealed_on = forms.DateField(label=gettext_lazy("Appeal received on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Grounds of the appeal"),
                           widget=forms.Textarea(attrs={"rows": 3}))


class DuplicateForm(Form):
    original = forms.IntegerField(label=gettext_lazy("Duplicate of case (number)"),
                                  min_value=1)


class ProxyForm(Form):
    worker: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Worker acting for the person"),
                                    queryset=None)
    consent_how = forms.ChoiceField(label=gettext_lazy("Consent given"),
                                    choices=ConsentHow.choices)
    consent_on = forms.DateField(label=gettext_lazy("Consent given on"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    consent_by = forms.CharField(label=gettext_lazy("Consent given by"), max_length=50)
    scope = forms.CharField(label=gettext_lazy("What the worker may do"), max_length=200,
                            required=False)

    def __init__(self, *args: Any, case: RightsCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = _workers(case)


def _workers(case: RightsCase):
    """Active staff who may edit and whose region covers the person's village (not a
    department's service account, which signs in only to the API)."""
    code = case.village_id
    codes = [code, code[:9] + "000", code[:6] + "000000"]
    return (User.objects.filter(is_active=True, region_id__in=codes,
                                role__in=["village_worker", "township_staff",
                                          "federation_staff"], sharing_purpose__isnull=True)
            .order_by("role", "username"))


FORMS: dict[str, type[forms.Form]] = {
    "accept": NoteForm, "refuse": NoteForm, "assign": AssignForm, "refer": ReferForm,
    "extend": NoteForm, "close": CloseForm, "satisfaction": SatisfactionForm,
    "reopen": ReopenForm, "link_duplicate": DuplicateForm, "proxy": ProxyForm,
}
TITLES = {
    "accept": gettext_lazy("Accept"), "refuse": gettext_lazy("Do not accept (with reason)"),
    "assign": gettext_lazy("Assign to a worker"),
    "refer": gettext_lazy("Refer (legal-aid centre or another department)"),
    "extend": gettext_lazy("Extend the time limit (with reason)"),
    "close": gettext_lazy("Close with the outcome"),
    "satisfaction": gettext_lazy("Record satisfaction"),
    "reopen": gettext_lazy("Reopen on appeal"),
    "link_duplicate": gettext_lazy("Link as a duplicate"),
    "proxy": gettext_lazy("代办 with consent"),
}


def _form(step: str, case: RightsCase, data: Any = None) -> forms.Form:
    cls = FORMS[step]
    if cls in (AssignForm, ProxyForm):
        return cls(data, case=case, prefix=step)
    initial = {"appealed_on": clock.today(), "consent_on": clock.today(),
               "consent_by": case.person.name}
    return cls(data, prefix=step, initial=initial)


def _steps_for(user: Any, case: RightsCase) -> list[str]:
    if not user.can(Capability.EDIT_PEOPLE):
        return []
    steps = [s for s in FORMS if s == "proxy" or rules.may(s, case.state)]
    if case.state in (State.CLOSED, State.NOT_ACCEPTED):
        steps = [s for s in steps if s != "proxy"]
    if not user.can(Capability.REVIEW):
        steps = [s for s in steps if s in ("satisfaction", "proxy")]
    if "extend" in steps and (not user.can(Capability.APPROVE)
                              or not rules.can_extend(case.kind, case.extensions)):
        steps.remove("extend")
    if case.outcome == Outcome.DUPLICATE:
        steps = []
    if case.satisfaction and "satisfaction" in steps:
        steps.remove("satisfaction")
    return steps


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    cases = actions.cases_for(request.user).select_related("person", "village__parent")
    state = request.GET.get("state", "open")
    kind = request.GET.get("kind", "")
    today = clock.today()
    if state == "open":
        cases = cases.filter(state__in=rules.OPEN)
    elif state == "overdue":
        cases = cases.filter(actions.overdue_q(today))
    elif state in State.values:
        cases = cases.filter(state=state)
    if kind in Kind.values:
        cases = cases.filter(kind=kind)
    rows = list(cases.order_by("escalated_on", "accept_due", "reply_due", "id")[:300])
    for case in rows:
        case.is_overdue = rules.overdue(case.next_due, today)
    return render(request, "rights/index.html", {
        "rows": rows, "state": state, "kind": kind, "kinds": Kind.choices,
        "can_edit": request.user.can(Capability.EDIT_PEOPLE),
        "states": State.choices, "counts": queries.by_state(actions.cases_for(request.user)),
        "overdue": actions.cases_for(request.user).filter(actions.overdue_q(today)).count(),
    })


@requires(Capability.EDIT_PEOPLE)
def new(request: AuthedRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, initial={"received_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = person_from_form(request.user, form)
        if person is not None:
            with form_errors(form) as refused:
                case = actions.intake(request.user, person, kind=d["kind"],
                                      channel=d["channel"], subject=d["subject"],
                                      description=d["description"],
                                      submitter_name=d["submitter_name"],
                                      submitter_relation=d["submitter_relation"],
                                      received_on=d["received_on"],
                                      proxy_consent=d["proxy_consent"])
            if not refused:
                messages.success(request, _("Case registered."))
                return redirect("rights:detail", pk=case.pk)
    return render(request, "rights/new.html", {"form": form})


@requires(Capability.VIEW_PEOPLE)
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(actions.cases_for(request.user).select_related(
        "person", "village__parent", "assignee", "duplicate_of"), pk=pk)
    return _detail(request, case, {})


def _detail(request: AuthedRequest, case: RightsCase, bound: dict[str, forms.Form],
            status: int = 200) -> HttpResponse:
    steps = _steps_for(request.user, case)
    limits = rules.limits()[case.kind]
    return render(request, "rights/detail.html", {
        "case": case, "steps": case.steps.select_related("by"),
        "forms": [(s, TITLES[s], bound.get(s) or _form(s, case)) for s in steps],
        "limits": limits.values(), "duplicates": actions.possible_duplicates(case)[:10]
        if case.state in (State.RECEIVED, State.ACCEPTED) else [],
        "overdue": rules.overdue(case.next_due, clock.today()),
        "proxy": getattr(case, "proxy", None),
    }, status=status)


@requires(Capability.EDIT_PEOPLE)
@require_POST
def act(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in FORMS:
        raise Http404(step)
    case = get_object_or_404(actions.cases_for(request.user).select_related("person"), pk=pk)
    form = _form(step, case, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        user = request.user
        with form_errors(form) as refused:  # a PermissionDenied passes on (403)
            if step == "accept":
                actions.accept(user, pk, d["note"])
            elif step == "refuse":
                actions.refuse(user, pk, d["note"])
            elif step == "extend":
                actions.extend(user, pk, d["note"])
            elif step == "assign":
                actions.assign(user, pk, d["assignee"], d["note"])
            elif step == "refer":
                actions.refer(user, pk, d["to"], d["note"])
            elif step == "close":
                actions.close(user, pk, d["outcome"], d["note"])
            elif step == "satisfaction":
                actions.record_satisfaction(user, pk, d["satisfaction"])
            elif step == "reopen":
                actions.reopen(user, pk, d["note"], d["appealed_on"])
            elif step == "link_duplicate":
                actions.link_duplicate(user, pk, d["original"])
            else:
                actions.appoint_proxy(user, pk, worker=d["worker"], consent_how=d["consent_how"],
                                      consent_on=d["consent_on"], consent_by=d["consent_by"],
                                      scope=d["scope"])
        if not refused:
            messages.success(request, _("Saved."))
            return redirect("rights:detail", pk=pk)
    case.refresh_from_db()
    return _detail(request, case, {step: form}, status=400)


@requires(Capability.VIEW_PEOPLE)
def statistics(request: AuthedRequest) -> HttpResponse:
    year = params.year(request, clock.today().year)
    stats = queries.statistics(actions.cases_for(request.user), dt.date(year, 1, 1),
                               dt.date(year, 12, 31), clock.today())
    region = scoping.region_of(request.user)
    names = dict(region.townships().values_list("code", "name")) \
        if region.level != "township" else {region.code: region.name}
    for row in stats["rows"]:
        row["township_name"] = names.get(row["township"], row["township"])
    return render(request, "rights/statistics.html", {"year": year, **stats})
