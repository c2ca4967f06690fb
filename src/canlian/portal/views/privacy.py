"""Personal information on the portal (我的个人信息): who looked at my record, the notices
and separate consents, and a copy of everything held (JSON and PDF). The privacy app's
actions and queries do the work; these views only choose the person and render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.core.domain import DomainError
from canlian.core.web import form_errors
from canlian.privacy import actions as privacy
from canlian.privacy import export, queries
from canlian.privacy.forms import CorrectionForm

from .common import PortalRequest, citizen_required


@citizen_required
def privacy_home(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    purposes = queries.consent_state(person)
    titles = {p["notice"].purpose: p["notice"].title for p in purposes}
    history = list(queries.consent_history(person)[:20])
    for c in history:
        c.title = titles.get(c.purpose, c.purpose)  # type: ignore[attr-defined]
    return render(request, "portal/privacy.html", {
        "person": person, "purposes": purposes, "history": history,
        "corrections": queries.corrections_of(person)[:5]})


@require_POST
@citizen_required
def consent(request: PortalRequest, purpose: str) -> HttpResponse:
    person = request.portal_person
    try:
        if request.POST.get("decision") == "withdraw":
            privacy.withdraw_consent(request.user, person, purpose, request=request)
            messages.success(request, _("Consent withdrawn. We no longer share this with the department."))
        else:
            privacy.give_consent(request.user, person, purpose, request=request,
                                 notice_version=request.POST.get("version"))
            messages.success(request, _("Thank you. Your consent has been recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    except PermissionDenied:
        raise
    return redirect("portal:privacy")


@citizen_required
def access_log(request: PortalRequest) -> HttpResponse:
    person = request.portal_person
    page, lines = queries.access_log_page(person, request.GET.get("page"))
    return render(request, "portal/access_log.html", {"person": person, "page": page,
                                                      "lines": lines})


@citizen_required
def download(request: PortalRequest, fmt: str) -> HttpResponse:
    """A copy of everything held about the person: ``json`` (for programs) or ``pdf``."""
    person = request.portal_person
    data = export.everything(person)
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
    else:
        from weasyprint import HTML

        html = render_to_string("portal/my_data_pdf.html", {"data": data, "person": person},
                                request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="my-data-{data["generated_on"]}.{fmt}"'
    return response


@citizen_required
def correction(request: PortalRequest) -> HttpResponse:
    """Ask for a correction (更正申请); staff of the person's area review it."""
    person = request.portal_person
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            privacy.request_correction(request.user, person, request=request, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Your request has been sent. Staff will check it and reply here."))
            return redirect("portal:privacy")
    return render(request, "portal/correction.html", {
        "person": person, "form": form, "requests": queries.corrections_of(person)[:20]})
