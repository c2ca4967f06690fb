"""Writes of the privacy app: giving and withdrawing a separate consent (单独同意), naming the
department account a consent purpose governs, and correction requests (更正申请) and their
review. Each is one transaction and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.domain import DomainError

from . import notices
from .models import Consent, CorrectionRequest, CorrectionState, SharingAccount


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


# ---- correction requests (更正申请) -----------------------------------------------------------

@transaction.atomic
def request_correction(user: Any, person: Any, *, what: str, correct_value: str, reason: str = "",
                       request: HttpRequest | None = None) -> CorrectionRequest:
    """A citizen (or guardian) asks to correct something held about the person."""
    _own(user, person)
    what, correct_value = what.strip(), correct_value.strip()
    if not what:
        raise ValidationError({"what": "请写明哪项信息有误 (say what is wrong)"})
    if not correct_value:
        raise ValidationError({"correct_value": "请写明正确的内容 (say what it should be)"})
    if CorrectionRequest.objects.filter(person=person, state=CorrectionState.PENDING).count() >= 5:
        raise ValidationError({"what": "已有 5 项更正申请在审核，请等待处理结果 "
                                       "(five requests are already waiting)"})
    correction = CorrectionRequest.objects.create(
        person=person, village_id=person.village_id, what=what, correct_value=correct_value,
        reason=reason.strip(), requested_by=user)
    record(user=user, action=Action.CREATE, obj=correction, person=person, request=request,
           summary=f"申请更正：{what[:60]}")
    return correction


def corrections_for(user: Any):
    return CorrectionRequest.objects.filter(person__in=scoping.people_for(user))


@transaction.atomic
def decide_correction(user: Any, correction_id: int, corrected: bool, *, note: str = "",
                      request: HttpRequest | None = None) -> CorrectionRequest:
    """Staff close a request: corrected (after editing the record) or not (with the reason)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    correction = corrections_for(user).select_for_update().filter(pk=correction_id).first()
    if correction is None:
        raise CorrectionRequest.DoesNotExist(correction_id)
    if correction.state != CorrectionState.PENDING:
        raise ConsentError("此申请已处理 (already decided)", "already_decided")
    if not corrected and not note.strip():
        raise ValidationError({"note": "不予更正须说明理由 (give the reason)"})
    correction.state = CorrectionState.CORRECTED if corrected else CorrectionState.REJECTED
    correction.decided_by, correction.decided_at = user, timezone.now()
    correction.note = note.strip()[:200]
    correction.save(update_fields=["state", "decided_by", "decided_at", "note"])
    record(user=user, action=Action.UPDATE, obj=correction, person=correction.person,
           request=request, summary=f"更正申请：{correction.get_state_display()}")
    return correction
