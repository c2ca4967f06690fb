"""Writes of accounts: enrolling an authenticator app for the second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.portal import display

if TYPE_CHECKING:
    from .models import User


def pending_device(user: User) -> TOTPDevice:
    """The user's authenticator being enrolled (made on first use, unconfirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def confirm_device(user: User, device: TOTPDevice, request: HttpRequest | None = None) -> None:
    """Make ``device`` the user's one confirmed authenticator (audited)."""
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(user=user, action=Action.UPDATE, request=request, object_type="user",
           object_id=str(user.pk), summary="启用双因素认证")


def keep_display_choice(user: User, cookie: str | None) -> None:
    """At sign-in, keep the display mode (大字版、高对比度) chosen on this device before
    signing in: the cookie set by the settings page wins over what the account remembered,
    so the page does not switch back to small text the moment the user signs in."""
    if not cookie:
        return

    prefs = display.parse(cookie)
    if {k: user.preferences.get(k) for k in prefs} != prefs:
        user.preferences = {**user.preferences, **prefs}
        user.save(update_fields=["preferences"])
