"""First-time applicants (首次申请): someone not yet on the registry starts a certificate
application. Step 1: their ID and own phone; step 2: the code sent to that phone; step 3:
the application with photos of the ID card and 户口本; then they follow its status.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from canlian.accounts.actions import keep_display_choice
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core.encrypted import seal, unseal
from canlian.core.web import form_errors
from canlian.people import actions as people
from canlian.people import idnumber

from .. import actions, display
from ..forms import ApplicantStartForm, CodeForm, FirstApplicationForm

# Sealed (core.encrypted.seal): the session table never holds the typed ID or phone in clear.
SESSION_START = "portal_applicant"  # {"resident_id": …, "phone": …} between steps 1 and 2
SESSION_PHONE = "portal_applicant_phone"  # the phone the code proved, for step 3


def _is_citizen(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.role == Role.CITIZEN


def first_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the applicant's own resident ID and mobile phone."""
    if _is_citizen(request):
        return redirect("portal:first_apply")
    form = ApplicantStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.request_applicant_code(d["resident_id"], d["phone"], request)
        except actions.SignInError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session[SESSION_START] = seal({
                "resident_id": idnumber.normalise(d["resident_id"]), "phone": d["phone"]})
            return redirect("portal:first_code")
    return render(request, "portal/first_start.html", {
        "form": form, "outbox": settings.CANLIAN_DEV_OUTBOX})


def first_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code sent to the phone from step 1."""
    start = unseal(request.session.get(SESSION_START))
    if not start:
        return redirect("portal:first_start")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        form = CodeForm()
        try:
            actions.request_applicant_code(start["resident_id"], start["phone"], request)
        except actions.SignInError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, actions.APPLICANT_SENT)
    elif request.method == "POST" and form.is_valid():
        try:
            user = actions.verify_applicant_code(start["resident_id"], start["phone"],
                                                 form.cleaned_data["code"], request)
        except actions.AlreadyRegistered as exc:
            request.session.pop(SESSION_START, None)
            messages.warning(request, exc.message)
            return redirect("portal:sign_in")
        except actions.SignInError as exc:
            form.add_error("code", exc.message)
        else:
            login(request, user, backend="canlian.accounts.backends.RegionBackend")
            keep_display_choice(user, request.COOKIES.get(display.COOKIE))
            request.session.pop(SESSION_START, None)
            request.session[SESSION_PHONE] = seal(start["phone"])
            record(user=user, action=Action.LOGIN, request=request, object_type="user",
                   object_id=str(user.pk), summary="门户登录（首次申请，验证码）")
            return redirect("portal:first_apply")
    return render(request, "portal/first_code.html", {
        "form": form, "sent_to": start["phone"][:3] + "****" + start["phone"][-4:],
        "outbox": settings.CANLIAN_DEV_OUTBOX})


def first_apply(request: HttpRequest) -> HttpResponse:
    """Step 3: the application itself, with the two photos."""
    if not request.user.is_authenticated:
        return redirect("portal:first_start")
    if request.user.role != Role.CITIZEN:
        raise PermissionDenied("the portal is for citizens")
    # The phone the code proved: from step 2, or the phone on record of a registered
    # citizen (a guardian) who signed in the usual way.
    phone = unseal(request.session.get(SESSION_PHONE)) or actions.phone_on_file(request.user.resident_id)
    form = FirstApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form, PermissionDenied) as refused:
            application = people.submit_first_application(request.user, people.FirstApplicationInput(
                resident_id=d["resident_id"], name=d["name"], village=d["village"],
                address=d["address"], verified_phone=phone, for_ward=d["for_whom"] == "ward",
                guardian_name=d["guardian_name"], guardian_relation=d["guardian_relation"],
                reason=d["reason"]), id_card=d["id_card"], hukou=d["hukou"], request=request)
        if not refused:
            messages.success(request, _sent_message())
            return redirect("portal:first_status", pk=application.pk)
    return render(request, "portal/first_apply.html", {
        "form": form, "sent": people.first_applications_of(request.user)})


def _sent_message() -> str:
    return gettext("Your application has been sent.")


def first_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the application is: waiting for the village or township, registered, or returned."""
    if not _is_citizen(request):
        if not request.user.is_authenticated:
            return redirect(f"/portal/sign-in/?next={request.path}")
        raise PermissionDenied("the portal is for citizens")
    application = people.first_applications_of(request.user).select_related(
        "village__parent").filter(pk=pk).first()
    if application is None:
        raise Http404("no such application")
    return render(request, "portal/first_status.html", {"application": application})
