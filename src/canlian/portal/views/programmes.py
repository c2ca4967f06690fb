"""Applying for a “1+X” programme from the portal (网上申请): the rules for the person
today with each reason, the designated institution where one is needed, and a
confirmation. The application goes to ``programmes.actions.apply`` (channel ``portal``),
which re-checks everything and enters the staff decision chain; an ineligible person is
told which conditions are not met and is not offered a button that would be refused.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from canlian.programmes import actions as programmes
from canlian.programmes import queries as programme_queries
from canlian.programmes.actions import ProgrammeError

from ..forms import ProgrammeForm
from .common import PortalRequest, citizen_required


@citizen_required
def apply_programme(request: PortalRequest, code: str) -> HttpResponse:
    person = request.portal_person
    found = programme_queries.for_portal(request.user, person, code)
    if found is None:
        raise Http404("no such programme in force")
    if found.version.settlement.subsidy is not None:
        # A subsidy on the engine is applied for on the subsidy's own form (declared
        # facts, bank account), into the benefits workflow.
        return redirect("portal:apply_subsidy", subsidy=found.version.settlement.subsidy)
    form = ProgrammeForm(request.POST if request.method == "POST" else None,
                         institutions=found.institutions)
    if request.method == "POST" and form.is_valid():
        try:
            application = programmes.apply(
                request.user, person, code, applicant=found.applicant, channel=found.channel,
                institution=form.cleaned_data.get("institution"), request=request)
        except ProgrammeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except PermissionDenied:
            form.add_error(None, _("You cannot apply for this person."))
        else:
            messages.success(request, _("Your application has been sent."))
            return redirect("portal:application", kind="programme", pk=application.pk)
    return render(request, "portal/apply_programme.html", {
        "person": person, "p": found, "form": form,
        "benefit": programme_queries.rules.BENEFIT_ZH[found.version.benefit.kind]})
