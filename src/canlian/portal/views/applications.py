"""Tracking applications (办件进度), withdrawing one, attaching documents, the e-certificate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.benefits import actions as benefits
from canlian.certificates import actions as certificates
from canlian.certificates import ecert as ecerts
from canlian.certificates.actions import renewable_certificate
from canlian.certificates.workflow import Action, IllegalTransition
from canlian.core.web import error_messages, refusal
from canlian.programmes import actions as programmes

from .. import actions
from ..forms import UploadForm
from . import tracking
from .common import PortalRequest, citizen_required

WITHDRAWABLE = {("certificate", "applied"), ("subsidy", "applied"), ("subsidy", "prefilled"),
                ("programme", "applied")}
# Documents can be added while staff have not yet decided.
OPEN_FOR_UPLOADS = {"applied", "prefilled", "submitted", "assessed", "reviewed", "pending"}


@citizen_required
def applications(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    return render(request, "portal/applications.html",
                  {"person": person, "items": tracking.items_for(person)})


@citizen_required
def application_detail(request: PortalRequest, kind: str, pk: int) -> HttpResponse:
    person = request.portal_person
    item = tracking.get_item(person, kind, pk)
    if item is None:
        raise Http404("no such application")
    ref = f"{kind}:{pk}"
    form = UploadForm(request.POST or None, request.FILES or None)
    uploads_open = item["state"] in OPEN_FOR_UPLOADS
    if request.method == "POST" and uploads_open and form.is_valid():
        with refusal() as refused:
            actions.attach(request.user, person, ref, form.cleaned_data["purpose"],
                           form.cleaned_data["file"], request)
        for m in refused.messages:  # every reason beside the file
            form.add_error("file", m)
        if not refused:
            messages.success(request, _("The document was added to your application."))
            return redirect("portal:application", kind=kind, pk=pk)
    return render(request, "portal/application.html", {
        "person": person, "item": item, "steps": tracking.history(kind, item["obj"]),
        "reason": tracking.reason(kind, item["obj"]), "form": form, "uploads_open": uploads_open,
        "uploads": actions.uploads_for(request.user, ref),
        "can_withdraw": (kind, item["state"]) in WITHDRAWABLE,
        "rules": item["obj"].reasons if kind == "programme" else [],
    })


@require_POST
@citizen_required
def withdraw(request: PortalRequest, kind: str, pk: int) -> HttpResponse:
    person = request.portal_person
    item = tracking.get_item(person, kind, pk)
    if item is None or (kind, item["state"]) not in WITHDRAWABLE:
        raise Http404("nothing to withdraw")
    with error_messages(request, IllegalTransition) as refused:
        if kind == "certificate":
            certificates.advance(request.user, pk, Action.WITHDRAW, request=request)
        elif kind == "programme":
            programmes.withdraw(request.user, pk, request=request)
        else:
            benefits.decide_application(request.user, pk, "withdraw", request=request)
    if not refused:  # a SubsidyError or ProgrammeError is a DomainError
        messages.success(request, _("Your application was withdrawn."))
    return redirect("portal:application", kind=kind, pk=pk)


def _certificate_context(request: PortalRequest):
    person = request.portal_person
    certificate = renewable_certificate(person)
    if certificate is None:
        return None
    url = request.build_absolute_uri(reverse("verify", args=[certificates.verification_token(certificate)]))
    record(user=request.user, action=AuditAction.VIEW, obj=certificate, person=person,
           request=request, summary=f"本人查看电子残疾人证 {certificate.pk}")
    return {"person": person, "certificate": certificate, "verify_url": url,
            "qr": ecerts.qr_svg(url), "status": certificate.effective_status()}


@citizen_required
def ecert(request: PortalRequest) -> HttpResponse:
    context = _certificate_context(request)
    if context is None:
        return render(request, "portal/no_certificate.html")
    return render(request, "portal/ecert.html", context)


@citizen_required
def ecert_download(request: PortalRequest) -> HttpResponse:
    """The e-certificate as a PDF with its QR code, to keep on the phone or print."""
    from weasyprint import HTML

    context = _certificate_context(request)
    if context is None:
        raise Http404("no certificate")
    html = render_to_string("portal/ecert_pdf.html", context, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ecert-{context["certificate"].number[-6:]}.pdf"')
    return response
