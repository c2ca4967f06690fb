"""The audit log page: federation staff and auditors, filtered by user, action, person, date.

Each row names its record as a person reads it: the person's name and masked ID (not
"person 15377"), the kind of record in the page's language (not the code "application").
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.apps import apps as django_apps
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core.forms import Form
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, requires

from .models import Action, AuditEvent

# What ``AuditEvent.object_type`` codes are called on the page. Most codes are a model's
# ``_meta.model_name`` (the audit helpers record the object they were given); a few are chosen
# by the caller (``programmeapplication``, ``migration``, ``bulletin``). Every code a model can
# produce has a name here, checked by ``audit/tests/test_labels.py``.
OBJECT_LABELS = {
    "person": pgettext_lazy("audit record", "Person"), "page": _("Page"), "user": _("Account"),
    "job": _("Background job"),
    "certificate": _("Certificate"), "application": _("Application"), "roll": _("Payment roll"),
    "grant": _("Subsidy grant"), "todo": _("To-do"), "roster": _("Roster"),
    "rosterentry": _("Roster entry"), "watchcase": _("Monitored household"),
    "placement": _("Care placement"), "institution": _("Institution"), "upload": _("Upload"),
    "report": _("Report"), "declaration": _("Employment declaration"), "citizen": _("Citizen"),
    "audit": _("Audit log"),
    # Codes chosen by their callers.
    "programmeapplication": _("Programme application"),
    "programmepayment": _("Programme payment"), "migration": _("Migration import"),
    "bulletin": _("Supervision bulletin"), "progressreport": _("Task progress report"),
    # Model codes whose model has no name of its own.
    "throttlehit": _("Sign-in throttle record"), "assessment": _("Disability assessment"),
    "step": _("Processing step"), "suspension": _("Subsidy suspension"),
    "grantchange": _("Subsidy change"), "rollline": _("Payment roll line"),
    "paidyear": _("Paid year"), "employer": _("Employer"), "jobseeker": _("Job seeker"),
    "course": _("Training course"), "enrolment": _("Training enrolment"),
    "declaredemployee": _("Declared employee"), "proxy": _("Legal representative"),
    "statuschange": _("School status change"), "hometeachingplan": _("Home teaching plan"),
    "homevisit": _("Home teaching visit"), "dropoutcase": _("Out-of-school case"),
    "studentaid": _("Student aid"), "event": _("Cultural or sports event"),
    "attendance": _("Attendance"), "team": _("Team"), "member": _("Team member"),
    "athleterecord": _("Athlete record"), "delivery": _("Delivery"),
    "servicetype": _("Service type"), "devicetype": _("Assistive device type"),
    "licence": _("Licence or qualification"), "servicerecord": _("Service record"),
    "legalcase": _("Legal aid case"), "renovation": _("Home accessibility renovation"),
    "renovationitem": _("Renovation item"), "renovationphoto": _("Renovation photo"),
    "problemphoto": _("Problem photo"), "places": _("Care places"),
    "waitingentry": _("Waiting list entry"), "inspection": _("Inspection"),
    "problem": _("Problem found"), "designation": _("Designation"), "contract": _("Contract"),
    "payment": _("Payment"), "billline": _("Bill line"), "rosterline": _("Roster line"),
    "externalvalue": _("External figure"), "frozenyear": _("Frozen year"),
    "signincode": _("Sign-in code"), "outboxmessage": _("Outgoing message"),
    "heartbeat": _("Scheduler heartbeat"), "claim": _("Insurance claim"),
    "employerreward": _("Over-quota employer reward"), "yearfact": _("Yearly subsidy facts"),
    "yearfactset": _("Yearly subsidy facts set"),
    "apiclient": _("Verification key"),
    "seennonce": _("Received message nonce"), "institutiongrant": _("Institution support grant"),
    "institutionworker": _("Worker of a supported institution"),
    "surveyplace": _("Survey row's indicator places"),
    "surveyplaceset": _("Stored survey places of a year"),
    "surveytally": _("Survey indicator tally"), "remindertext": _("Reminder text message"),
    "homeneed": _("Stored home accessibility need"),
    "homeneedset": _("Stored home accessibility needs of a year"),
}


@functools.cache
def _model_names() -> dict[str, Any]:
    """Every installed model's code (``frozenyear``) and its verbose name (冻结年度): the audit
    log records ``_meta.model_name`` for records it has no label of its own for."""
    return {str(m._meta.model_name): m._meta.verbose_name for m in django_apps.get_models()}


def record_label(object_type: str) -> Any:
    """The kind of record in the page's language, never the code where a name exists."""
    return OBJECT_LABELS.get(object_type) or _model_names().get(object_type, object_type)


def _label_rows(user, events: list[AuditEvent]) -> None:
    """Give each event ``record_label`` (kind of record) and, for a person in the reader's
    region, ``person_label`` (name and masked ID): one query for the page."""
    ids = {e.person_id for e in events if e.person_id}
    people = {p.pk: p for p in scoping.people_for(user).filter(pk__in=ids).only(
        "pk", "name", "resident_id")} if ids else {}
    for e in events:
        e.record_label = record_label(e.object_type)  # type: ignore[attr-defined]
        found = people.get(e.person_id) if e.person_id else None
        e.person_label = (f"{found.name} {found.masked_id}" if found  # type: ignore[attr-defined]
                          else "")


class AuditFilterForm(Form):
    user = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", "—"), *Action.choices])
    person = forms.IntegerField(label=_("Person record no."), required=False, min_value=1)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


@requires(Capability.VIEW_AUDIT)
def audit_log(request: AuthedRequest) -> HttpResponse:
    scoping.region_of(request.user)  # 403 for an account without a region, as before
    qs = AuditEvent.objects.filter(scoping.region_range_q(request.user, "region_code") | Q(region_code=""))
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        if d["user"]:
            qs = qs.filter(actor_name=d["user"])
        if d["action"]:
            qs = qs.filter(action=d["action"])
        if d["person"]:
            qs = qs.filter(person_id=d["person"])
        if d["since"]:
            qs = qs.filter(at__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(at__date__lte=d["until"])
    page = page_of(request, qs, 100)
    page.object_list = list(page.object_list)
    _label_rows(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page,
                                               "query": query.urlencode()})
