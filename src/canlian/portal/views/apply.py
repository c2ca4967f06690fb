"""Applying online (网上办): certificate, the two subsidies, services, contact details.

Each form hands over to the owning app's action with ``channel="online"``; those actions
check the rules and the person's scope, and staff find the result in their usual queues.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from canlian.benefits import actions as benefits
from canlian.benefits.models import Subsidy, SubsidyApplication
from canlian.certificates import actions as certificates
from canlian.certificates.workflow import Kind
from canlian.core.web import form_errors
from canlian.people import actions as people
from canlian.services import actions as services

from ..forms import CertificateForm, ContactForm, ServiceForm, SubsidyForm
from .common import PortalRequest, citizen_required


@citizen_required
def apply_certificate(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    form = CertificateForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        with form_errors(form, PermissionDenied) as refused:
            application = certificates.apply(request.user, person, certificates.ApplicationInput(
                kind=Kind(form.cleaned_data["kind"]), reason=form.cleaned_data["reason"],
                channel="online"), request)
        if not refused:
            messages.success(request, _("Your application has been sent."))
            return redirect("portal:application", kind="certificate", pk=application.pk)
    return render(request, "portal/apply_certificate.html", {"form": form, "person": person})


# The questions of the subsidy form that the rules depend on (the other fields are for
# paying): the verdict waits until these are answered.
ANSWERS = ("needs_long_term_care", "own_income", "hukou_in_region")


def _answers(form: SubsidyForm) -> dict | None:
    """The citizen's answers to ``ANSWERS`` when the form was sent with them valid, else
    None (not answered yet: the page asks, it does not judge)."""
    if not form.is_bound:
        return None
    form.is_valid()
    if any(name in form.errors for name in ANSWERS):
        return None
    return {name: form.cleaned_data.get(name) for name in ANSWERS}


@citizen_required
def apply_subsidy(request: PortalRequest, subsidy: str) -> HttpResponse:
    """The subsidy form. Before the citizen answers, "what the rules say" asks them to answer
    (no red "not met" for a question they have not seen); "Check my answers" (or sending)
    evaluates their answers, and each change re-evaluates, without JavaScript."""
    if subsidy not in Subsidy.values:
        raise Http404("no such subsidy")
    person = request.portal_person
    prefilled = SubsidyApplication.objects.filter(person=person, subsidy=subsidy,
                                                  state="prefilled").first()
    initial = {"hukou_in_region": True}
    if prefilled is not None:
        initial.update({k: getattr(prefilled, k) for k in (
            "needs_long_term_care", "own_income", "hukou_in_region")})
    form = SubsidyForm(request.POST or None, initial=initial)
    checking = request.method == "POST" and "check" in request.POST
    if request.method == "POST" and not checking and form.is_valid():
        with form_errors(form, PermissionDenied) as refused:
            application = benefits.apply(
                request.user, person, subsidy, form.declared(), channel="online",
                bank_name=form.cleaned_data["bank_name"],
                bank_account=form.cleaned_data["bank_account"], request=request)
        if not refused:
            messages.success(request, _("Your application has been sent."))
            return redirect("portal:application", kind="subsidy", pk=application.pk)
    answers = _answers(form)
    if checking:
        # Only checking: the payment questions are not asked yet, so not refused either.
        for name in [n for n in form.errors if n not in ANSWERS]:
            del form.errors[name]
    decision = None if answers is None else benefits.evaluate(person, subsidy, answers)
    return render(request, "portal/apply_subsidy.html", {
        "form": form, "person": person, "subsidy": Subsidy(subsidy), "prefilled": prefilled,
        "decision": decision, "answer_fields": ANSWERS, "checked": checking})


@citizen_required
def apply_service(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    form = ServiceForm(request.POST or None, initial={"programme": request.GET.get("programme")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form, PermissionDenied) as refused:
            if d["programme"] == "renovation":
                obj = services.apply_renovation(request.user, person, note=d["note"])
                kind = "renovation"
            else:
                obj = services.request_service(request.user, person, d["programme"],  # type: ignore[assignment]
                                               device=d["device"], note=d["note"])
                kind = "service"
        if not refused:
            messages.success(request, _("Your request has been sent."))
            return redirect("portal:application", kind=kind, pk=obj.pk)
    return render(request, "portal/apply_service.html", {"form": form, "person": person})


@citizen_required
def change_contact(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    form = ContactForm(request.POST or None, initial={"phone": person.phone,
                                                      "address": person.address})
    if request.method == "POST" and form.is_valid():
        with form_errors(form, PermissionDenied) as refused:
            change = people.request_contact_change(request.user, person,
                                                   phone=form.cleaned_data["phone"],
                                                   address=form.cleaned_data["address"],
                                                   request=request)
        if not refused:
            messages.success(request, _("Your new details were sent for review."))
            return redirect("portal:application", kind="contact", pk=change.pk)
    return render(request, "portal/contact.html", {"form": form, "person": person})
