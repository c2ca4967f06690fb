"""Staff check of first applications sent online (网上首次申请审核).

The worker of the hukou's village or township sees the applications of their area,
opens the photos (audited), and registers the person from the application or returns it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts.roles import Capability
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, error_messages, requires

from . import actions
from .models import FirstApplication, FirstApplicationState

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


@requires(Capability.VIEW_PEOPLE)
def first_applications(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", FirstApplicationState.SUBMITTED)
    rows = actions.first_applications_for(request.user).select_related("village__parent")
    if state in FirstApplicationState.values:
        rows = rows.filter(state=state)
    page = page_of(request, rows.order_by("created_at", "id"))
    return render(request, "people/first_applications.html", {
        "page": page, "state": state, "states": FirstApplicationState.choices,
        "query": f"state={state}"})


def _application(request: AuthedRequest, pk: int) -> FirstApplication:
    application = (actions.first_applications_for(request.user)
                   .select_related("village__parent", "person").filter(pk=pk).first())
    if application is None:
        raise Http404("no such application")
    return application


@requires(Capability.VIEW_PEOPLE)
def first_application(request: AuthedRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    actions.record_first_application_view(request.user, application, "", request)
    return render(request, "people/first_application.html", {
        "application": application,
        "can_decide": request.user.can(Capability.EDIT_PEOPLE)
        and application.state == FirstApplicationState.SUBMITTED})


@requires(Capability.VIEW_PEOPLE)
def first_application_file(request: AuthedRequest, pk: int, which: str) -> FileResponse:
    if which not in ("id_card", "hukou"):
        raise Http404("no such document")
    application = _application(request, pk)
    actions.record_first_application_view(
        request.user, application, "的身份证照片" if which == "id_card" else "的户口本照片", request)
    kind = getattr(application, f"{which}_kind")
    response = FileResponse(getattr(application, f"{which}_file").open("rb"),
                            content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'inline; filename="{which}-{application.pk}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Capability.EDIT_PEOPLE)
@require_POST
def first_application_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    with error_messages(request) as refused:
        if request.POST.get("decision") == "register":
            application = actions.register_from_application(
                request.user, pk, household_number=request.POST.get("household_number", "").strip(),
                request=request)
        else:
            application = actions.reject_first_application(
                request.user, pk, note=request.POST.get("note", ""), request=request)
    if refused:
        return redirect("people:first_application", pk=pk)
    if application.person_id:
        messages.success(request, _("Registered; the new-certificate application is open for the "
                                    "assessment."))
        return redirect("people:detail", pk=application.person_id)
    messages.success(request, _("Returned; the applicant sees the reason."))
    return redirect("people:first_applications")
