"""Writes of the privacy app: giving and withdrawing a separate consent (单独同意), and naming
the department account a consent purpose governs. Each is one transaction and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from canlian.accounts import scoping
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.domain import DomainError

from . import notices
from .models import Consent, SharingAccount


class ConsentError(DomainError):
    code = "consent_refused"


def _own(user: Any, person: Any) -> None:
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside scope")


@transaction.atomic
def give_consent(user: Any, person: Any, purpose: str, *, notice_version: Any = None,
                 request: HttpRequest | None = None) -> Consent:
    """Record consent to ``purpose`` against the notice version the citizen was shown.

    Refused when the purpose needs no consent, when the shown version is no longer the one in
    force (the citizen must read the new text), or when a consent is already active."""
    _own(user, person)
    current = notices.notice(purpose, clock.today())
    if current is None or not current.needs_consent:
        raise ConsentError("此用途无需单独同意 (this purpose takes no separate consent)",
                           "not_consent_purpose")
    if notice_version is not None and str(notice_version) != current.version.isoformat():
        raise ConsentError("告知内容已更新，请阅读新的告知后再同意 (the notice has changed: "
                           "read the new one first)", "stale_notice")
    if Consent.objects.select_for_update().filter(person=person, purpose=purpose,
                                                  withdrawn_at__isnull=True).exists():
        raise ConsentError("您已同意此项 (consent already given)", "already_given")
    consent = Consent.objects.create(person=person, purpose=purpose,
                                     notice_version=current.version, given_at=timezone.now(),
                                     given_by=user)
    record(user=user, action=Action.CREATE, obj=consent, person=person, request=request,
           summary=f"同意：{current.title}（告知版本 {current.version:%Y-%m-%d}）")
    return consent


@transaction.atomic
def withdraw_consent(user: Any, person: Any, purpose: str, *,
                     request: HttpRequest | None = None) -> Consent:
    """Withdraw an active consent; from the commit on, the department receives nothing more."""
    _own(user, person)
    consent = Consent.objects.select_for_update().filter(
        person=person, purpose=purpose, withdrawn_at__isnull=True).first()
    if consent is None:
        raise ConsentError("没有可撤回的同意 (no active consent to withdraw)", "not_given")
    consent.withdrawn_at, consent.withdrawn_by = timezone.now(), user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    title = getattr(notices.notice(purpose, clock.today()), "title", purpose)
    record(user=user, action=Action.UPDATE, obj=consent, person=person, request=request,
           summary=f"撤回同意：{title}")
    return consent


@transaction.atomic
def set_sharing_purpose(by: Any | None, account: Any, purpose: str | None) -> None:
    """Make a department's API account receive only consenting persons (or lift it: None).

    ``by``: an administrator, or None for the command line and the demo."""
    if by is not None and not (by.is_authenticated and by.is_superuser):
        raise PermissionDenied("administrators only")
    if purpose is not None and purpose not in notices.consent_purposes():
        raise ConsentError(f"未知的同意用途 {purpose} (unknown consent purpose)", "unknown_purpose")
    if purpose is None:
        SharingAccount.objects.filter(user=account).delete()
    else:
        SharingAccount.objects.update_or_create(user=account, defaults={"purpose": purpose})
    record(user=by, action=Action.UPDATE, obj=account, object_type="user",
           summary=f"接口账号按同意共享：{purpose or '取消'}")
