"""Asking for help with one's rights (求助维权) on the portal, following the case, and
saying whether one is satisfied with the reply. The rights app's actions do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from canlian.core.web import form_errors
from canlian.rights import actions as rights

from ..forms import RightsForm, SatisfactionForm
from .common import PortalRequest, citizen_required


@citizen_required
def rights_new(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    form = RightsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form, PermissionDenied) as refused:
            case = rights.intake(request.user, person, kind=d["kind"], channel="portal",
                                 subject=d["subject"], description=d["description"],
                                 proxy_consent=d["proxy_consent"])
        if not refused:
            messages.success(request, _("Your request has been sent."))
            return redirect("portal:rights_case", pk=case.pk)
    return render(request, "portal/rights_new.html", {"form": form, "person": person})


@citizen_required
def rights_case(request: PortalRequest, pk: int) -> HttpResponse:
    person = request.portal_person
    case = get_object_or_404(rights.cases_for(request.user).filter(person=person), pk=pk)
    form = None
    if case.state == "closed" and not case.satisfaction and case.outcome != "duplicate":
        form = SatisfactionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with form_errors(form, PermissionDenied) as refused:
                rights.record_satisfaction(request.user, case.pk,
                                           form.cleaned_data["satisfaction"])
            if not refused:
                messages.success(request, _("Thank you for your answer."))
                return redirect("portal:rights_case", pk=case.pk)
    return render(request, "portal/rights_case.html", {"case": case, "person": person,
                                                       "form": form})
