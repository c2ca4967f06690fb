"""A second factor for staff sign-in (双因素认证): TOTP codes from an authenticator app.

等保 level 3 expects two factors for administrators. With ``CANLIAN_REQUIRE_TOTP`` on
(the production default), a federation or auditor account, whose role can read or export
the whole county, reaches no page after its password until it has entered a code; on its
first sign-in it is taken to enrolment (a QR code and the secret, then a first code to
confirm). Any staff account may enrol by choice, and once enrolled always needs a code.
The codes and their throttling are django-otp's (``otp_totp.TOTPDevice``); this module
decides who must, and keeps that decision in the session so a page costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role

SESSION_KEY = "canlian_second_factor"  # "required" or "none", decided at sign-in
OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/i18n/")


def required(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or user.role == Role.CITIZEN:
        return False
    if settings.CANLIAN_REQUIRE_TOTP and user.role in settings.CANLIAN_TOTP_ROLES:
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def decide(request: HttpRequest) -> str:
    request.session[SESSION_KEY] = "required" if required(request.user) else "none"
    return request.session[SESSION_KEY]


class RequireSecondFactorMiddleware:
    """After django-otp's middleware: an account that needs a code and has not given one
    this session is sent to the code page (or to enrolment)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and user.role != Role.CITIZEN
                and not request.path.startswith(OPEN_PATHS) and not user.is_verified()):  # type: ignore[attr-defined]
            state = request.session.get(SESSION_KEY) or decide(request)
            if state == "required":
                return redirect(f"/accounts/two-factor/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
