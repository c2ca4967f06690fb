"""Staff sign-in and sign-out, each written to the audit log; the second factor (TOTP)
and changing one's own password.

A failed sign-in is audited without what was typed: a password typed into the name box
must not end up in the log. When the name is an existing account, the event names that
account (its id); otherwise it says only that the name is unknown. Failed sign-ins write
at most ``FAILED_LOGINS_PER_HOUR`` events an hour per client address, so an anonymous
client cannot grow the log without bound (django-axes still counts every attempt).
"""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.certificates.ecert import qr_svg
from canlian.core import throttle
from canlian.core.clientip import client_ip
from canlian.core.forms import Form
from canlian.core.web import AuthedRequest, signed_in_only
from canlian.portal import display

from . import actions, twofactor

FAILED_LOGINS_PER_HOUR = 30


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        actions.keep_display_choice(form.get_user(), self.request.COOKIES.get(display.COOKIE))
        record(user=self.request.user, action=Action.LOGIN, request=self.request,
               object_type="user", object_id=str(self.request.user.pk), summary="登录")
        if twofactor.decide(self.request) == "required":
            return redirect(f"/accounts/two-factor/?{urlencode({'next': self.get_success_url()})}")
        return response

    def form_invalid(self, form) -> HttpResponse:
        typed = (form.data.get("username") or "")[:150]
        account = get_user_model().objects.filter(username=typed).values_list("pk", flat=True).first()
        address = client_ip(self.request) or "-"
        if throttle.hit("login-failed-audit", address, limit=FAILED_LOGINS_PER_HOUR,
                        window=dt.timedelta(hours=1)):
            record(user=None, action=Action.LOGIN_FAILED, request=self.request,
                   object_type="user", object_id=str(account or ""),
                   summary="登录失败：账号存在" if account else "登录失败：账号不存在")
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            record(user=request.user, action=Action.LOGOUT, request=request,
                   object_type="user", object_id=str(request.user.pk), summary="退出")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Staff change their own password (the old one, then the new one twice)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        record(user=self.request.user, action=Action.UPDATE, request=self.request,
               object_type="user", object_id=str(self.request.user.pk), summary="修改本人密码")
        messages.success(self.request, _("Your password has been changed."))
        return response


class CodeForm(Form):
    code = forms.RegexField(
        label=gettext_lazy("Code from the authenticator app"), regex=r"^\s*\d{6}\s*$",
        help_text=gettext_lazy("6 digits; a new code appears every 30 seconds."),
        error_messages={"invalid": gettext_lazy("Enter the 6 digits shown in the app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


SECOND_FACTOR = "one's own second factor, after the password, whatever the role"


def _confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@signed_in_only(SECOND_FACTOR)
def two_factor(request: AuthedRequest) -> HttpResponse:
    """The code after the password; accounts without an app yet go to enrolment."""
    device = _confirmed(request.user)
    if device is None:
        return redirect(f"/accounts/two-factor/setup/?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            django_otp.login(request, device)
            record(user=request.user, action=Action.LOGIN, request=request, object_type="user",
                   object_id=str(request.user.pk), summary="双因素认证通过")
            return redirect(_next(request))
        record(user=request.user, action=Action.LOGIN_FAILED, request=request,
               object_type="user", object_id=str(request.user.pk), summary="双因素验证码错误")
        form.add_error("code", _("The code is wrong or has expired. Enter the current code."))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)


@signed_in_only(SECOND_FACTOR)
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), then confirm with a first code."""
    if _confirmed(request.user) is not None and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"/accounts/two-factor/?{urlencode({'next': _next(request)})}")
    device = actions.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            actions.confirm_device(request.user, device, request=request)
            django_otp.login(request, device)
            request.session[twofactor.SESSION_KEY] = "required"
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(_next(request))
        form.add_error("code", _("The code is wrong or has expired. Enter the current code."))
    secret = b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": _next(request), "qr": qr_svg(device.config_url),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    }, status=400 if form.errors else 200)
