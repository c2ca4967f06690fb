"""The audit log page: federation staff and auditors, filtered by user, action, person, date."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core.forms import Form
from canlian.core.web import AuthedRequest, requires

from .models import Action, AuditEvent


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
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page,
                                               "query": query.urlencode()})
