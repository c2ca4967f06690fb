"""Signing in with resident ID and a one-time code, or through the provincial platform
(OpenID Connect, portal/oidc.py); the development outbox."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts.actions import keep_display_choice
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core.encrypted import seal, unseal

from .. import actions, display, oidc
from ..forms import CodeForm, ResidentIdForm
from ..models import OutboxMessage
from .common import SESSION_PERSON

SESSION_ID = "portal_signin_id"  # the typed resident ID, sealed (core.encrypted.seal)
SESSION_OIDC_NEXT = "portal_oidc_next"
log = logging.getLogger(__name__)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}):
        return target
    return "/portal/"


def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the resident ID; a code is sent to the phone on record."""
    if request.user.is_authenticated and request.user.role == Role.CITIZEN:
        return redirect("portal:home")
    form = ResidentIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_code(form.cleaned_data["resident_id"], request)
        except actions.SignInError as exc:
            form.add_error("resident_id", exc.message)
        else:
            request.session[SESSION_ID] = seal(form.cleaned_data["resident_id"])
            return redirect(f"/portal/sign-in/code/?next={_next(request)}")
    cfg = oidc.config()
    return render(request, "portal/sign_in.html", {
        "form": form, "next": _next(request), "outbox": settings.CANLIAN_DEV_OUTBOX,
        "oidc": cfg is not None, "oidc_label": cfg.label if cfg else ""})


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the text message."""
    resident_id = unseal(request.session.get(SESSION_ID))
    if not resident_id:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        form = CodeForm()  # unbound: the refusal is a message, not a field error
        try:
            actions.request_code(resident_id, request)
        except actions.SignInError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("If a phone number is on record, a new code has been "
                                        "sent to it."))
    elif request.method == "POST" and form.is_valid():
        try:
            user = actions.verify_code(resident_id, form.cleaned_data["code"], request)
        except actions.SignInError as exc:
            form.add_error("code", exc.message)
        else:
            login(request, user, backend="canlian.accounts.backends.RegionBackend")
            keep_display_choice(user, request.COOKIES.get(display.COOKIE))
            request.session.pop(SESSION_ID, None)
            record(user=user, action=Action.LOGIN, request=request, object_type="user",
                   object_id=str(user.pk), summary="门户登录（验证码）")
            return redirect(_next(request))
    return render(request, "portal/sign_in_code.html", {
        "form": form, "next": _next(request),
        "outbox": settings.CANLIAN_DEV_OUTBOX})


def sign_in_oidc(request: HttpRequest) -> HttpResponse:
    """Start signing in through the provincial platform; ``?next=`` is where to land.

    The provincial app links here directly (e.g. ``?next=/portal/apply/certificate/``), so a
    citizen who chose "apply for a certificate" there arrives signed in on that page."""
    if oidc.config() is None:
        raise Http404("sign-in through the provincial platform is not configured")
    request.session[SESSION_OIDC_NEXT] = _next(request)
    try:
        return oidc.authorize_redirect(
            request, request.build_absolute_uri(reverse("portal:sign_in_oidc_return")))
    except oidc.ProviderError as exc:
        log.warning("OIDC sign-in could not start: %s", exc)
        messages.error(request, str(actions.PROVIDER_FAILED))
        return redirect("portal:sign_in")


def sign_in_oidc_return(request: HttpRequest) -> HttpResponse:
    """The provider sends the citizen back here with a code and the state it was given."""
    if oidc.config() is None:
        raise Http404("sign-in through the provincial platform is not configured")
    target = request.session.pop(SESSION_OIDC_NEXT, "/portal/")
    try:
        identity = oidc.identity_from_callback(request)
        user = actions.oidc_account(identity.resident_id, identity.name, identity.subject,
                                    request)
    except oidc.ProviderError as exc:
        log.warning("OIDC sign-in refused: %s", exc)
        record(user=None, action=Action.LOGIN_FAILED, request=request, object_type="citizen",
               object_id="", summary=f"统一身份认证失败：{str(exc)[:150]}")
        messages.error(request, str(actions.PROVIDER_FAILED))
        return redirect("portal:sign_in")
    except actions.SignInError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:sign_in")
    login(request, user, backend="canlian.accounts.backends.RegionBackend")
    keep_display_choice(user, request.COOKIES.get(display.COOKIE))
    request.session.pop(SESSION_ID, None)
    record(user=user, action=Action.LOGIN, request=request, object_type="user",
           object_id=str(user.pk), summary="门户登录（统一身份认证）")
    return redirect(target if target.startswith("/portal/") else "/portal/")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(user=request.user, action=Action.LOGOUT, request=request, object_type="user",
               object_id=str(request.user.pk), summary="门户退出")
    request.session.pop(SESSION_PERSON, None)
    logout(request)
    return redirect("portal:home")


def outbox(request: HttpRequest) -> HttpResponse:
    """Development only: the text messages the console notifier 'sent'."""
    if not settings.CANLIAN_DEV_OUTBOX:
        raise Http404("no outbox")
    return render(request, "portal/outbox.html",
                  {"messages_sent": OutboxMessage.objects.all()[:20]})
