"""The audit log page: federation staff and auditors, filtered by user, action, person, date.

Each row names its record as a person reads it: the person's name and masked ID (not
"person 15377"), the kind of record in the page's language (not the code "application").
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core.forms import Form
from canlian.core.web import AuthedRequest, requires

from .models import Action, AuditEvent

# What ``AuditEvent.object_type`` codes are called on the page.
OBJECT_LABELS = {
    "person": pgettext_lazy("audit record", "Person"), "page": _("Page"), "user": _("Account"),
    "job": _("Background job"),
    "certificate": _("Certificate"), "application": _("Application"), "roll": _("Payment roll"),
    "grant": _("Subsidy grant"), "todo": _("To-do"), "roster": _("Roster"),
    "rosterentry": _("Roster entry"), "watchcase": _("Monitored household"),
    "placement": _("Care placement"), "institution": _("Institution"), "upload": _("Upload"),
    "report": _("Report"), "declaration": _("Employment declaration"), "citizen": _("Citizen"),
    "audit": _("Audit log"), "apiclient": _("Verification key"),
}


def _label_rows(user, events: list[AuditEvent]) -> None:
    """Give each event ``record_label`` (kind of record) and, for a person in the reader's
    region, ``person_label`` (name and masked ID): one query for the page."""
    ids = {e.person_id for e in events if e.person_id}
    people = {p.pk: p for p in scoping.people_for(user).filter(pk__in=ids).only(
        "pk", "name", "resident_id")} if ids else {}
    for e in events:
        e.record_label = OBJECT_LABELS.get(e.object_type, e.object_type)  # type: ignore[attr-defined]
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
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _label_rows(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page,
                                               "query": query.urlencode()})
