"""Writes of the privacy app: giving and withdrawing a separate consent (单独同意), naming the
department account a consent purpose governs, and correction requests (更正申请) and their
review. Each is one transaction and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.benefits.models import Grant, SubsidyApplication
from canlian.core import clock
from canlian.core.domain import DomainError
from canlian.core.encrypted import index_values
from canlian.people.models import FirstApplication, FirstApplicationState, Person

from . import notices, retention_rules
from .models import (
    Consent,
    CorrectionRequest,
    CorrectionState,
    LegalHold,
    RetentionRecord,
    SharingAccount,
)


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
        raise ConsentError(gettext("This purpose takes no separate consent"),
                           "not_consent_purpose")
    if notice_version is not None and str(notice_version) != current.version.isoformat():
        raise ConsentError(gettext("The notice has changed: read the new one before consenting"),
                           "stale_notice")
    if Consent.objects.select_for_update().filter(person=person, purpose=purpose,
                                                  withdrawn_at__isnull=True).exists():
        raise ConsentError(gettext("Consent already given"), "already_given")
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
        raise ConsentError(gettext("No active consent to withdraw"), "not_given")
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
        raise ConsentError(gettext("Unknown consent purpose %(purpose)s") % {"purpose": purpose},
                           "unknown_purpose")
    if purpose is None:
        SharingAccount.objects.filter(user=account).delete()
    else:
        SharingAccount.objects.update_or_create(user=account, defaults={"purpose": purpose})
    record(user=by, action=Action.UPDATE, obj=account, object_type="user",
           summary=f"接口账号按同意共享：{purpose or '取消'}")


def sharing_accounts_for(user: Any):
    """The consent-based department accounts ``user`` may manage (their region's)."""
    if not user.can(Capability.MANAGE_DATA_SHARING):
        return SharingAccount.objects.none()
    return SharingAccount.objects.filter(scoping.region_range_q(user, "user__region__code"))


@transaction.atomic
def set_sharing_account_enabled(user: Any, sharing_id: int, enabled: bool, *,
                                request: HttpRequest | None = None) -> SharingAccount:
    """Enable or disable a consent-based department account: disabled, its API keys are
    refused (401) at the next call, whatever the consents; enabled again, it receives the
    consenting persons as before. Federation staff of the account's region; audited."""
    scoping.require(user, Capability.MANAGE_DATA_SHARING)
    sharing = (sharing_accounts_for(user).select_for_update().select_related("user")
               .get(pk=sharing_id))  # DoesNotExist outside the region: the view's 404
    account = sharing.user
    if account.is_active != enabled:
        type(account).objects.filter(pk=account.pk).update(is_active=enabled)
        account.is_active = enabled
        title = getattr(notices.notice(sharing.purpose, clock.today()), "title", sharing.purpose)
        record(user=user, action=Action.UPDATE, obj=account, object_type="user", request=request,
               changes={"is_active": [not enabled, enabled]},
               summary=f"{'启用' if enabled else '停用'}按同意共享的部门接口账号："
                       f"{account.organisation or account.username}（{title}）")
    return sharing


# ---- correction requests (更正申请) -----------------------------------------------------------

@transaction.atomic
def request_correction(user: Any, person: Any, *, what: str, correct_value: str, reason: str = "",
                       request: HttpRequest | None = None) -> CorrectionRequest:
    """A citizen (or guardian) asks to correct something held about the person."""
    _own(user, person)
    what, correct_value = what.strip(), correct_value.strip()
    if not what:
        raise ValidationError({"what": gettext("Say what is wrong")})
    if not correct_value:
        raise ValidationError({"correct_value": gettext("Say what it should be")})
    if CorrectionRequest.objects.filter(person=person, state=CorrectionState.PENDING).count() >= 5:
        raise ValidationError({"what": gettext("Five correction requests are already waiting: "
                                       "please wait for their outcome")})
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
        raise ConsentError(gettext("Already decided"), "already_decided")
    if not corrected and not note.strip():
        raise ValidationError({"note": gettext("Give the reason for refusing the correction")})
    correction.state = CorrectionState.CORRECTED if corrected else CorrectionState.REJECTED
    correction.decided_by, correction.decided_at = user, timezone.now()
    correction.note = note.strip()[:200]
    correction.save(update_fields=["state", "decided_by", "decided_at", "note"])
    record(user=user, action=Action.UPDATE, obj=correction, person=correction.person,
           request=request, summary=f"更正申请：{correction.get_state_display()}")
    return correction


# ---- retention (保存期限) and legal holds (依法保全) -----------------------------------------

ANONYMOUS = "（已匿名）"
DECEASED_FIELDS = {"name": ANONYMOUS, "phone": "", "address": "", "guardian_name": "",
                   "guardian_resident_id": "", "guardian_phone": "", "guardian_relation": ""}
# What a first application past its period keeps: its state, dates, village and the link
# to the person registered from it (the statistics of applications still count them).
FIRST_APPLICATION_FIELDS = {"resident_id": "", "name": ANONYMOUS, "address": "", "phone": "",
                            "verified_phone": "", "guardian_name": "", "guardian_resident_id": "",
                            "guardian_phone": "", "guardian_relation": "", "reason": ""}


def holds_for(user: Any):
    """Legal holds on persons the user may see (scoped like every personal-data query)."""
    return LegalHold.objects.filter(person__in=scoping.people_for(user))


@transaction.atomic
def place_hold(user: Any, person: Any, reason: str, *, request: HttpRequest | None = None
               ) -> LegalHold:
    """Place a legal hold (依法保全) on a person of the user's region, with the reason (the
    case, audit or request it serves). A person may carry several holds; each is lifted
    on its own."""
    scoping.require(user, Capability.MANAGE_LEGAL_HOLDS)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise Person.DoesNotExist(person.pk)
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for the legal hold")})
    hold = LegalHold.objects.create(person=person, reason=reason.strip()[:200], placed_by=user,
                                    placed_at=timezone.now())
    record(user=user, action=Action.CREATE, obj=hold, person=person, request=request,
           summary=f"依法保全：{hold.reason}")
    return hold


@transaction.atomic
def lift_hold(user: Any, hold_id: int, *, request: HttpRequest | None = None) -> LegalHold:
    """Lift a hold; the next retention run treats the person again (unless another hold
    is active). Lifting a lifted hold changes nothing."""
    scoping.require(user, Capability.MANAGE_LEGAL_HOLDS)
    hold = holds_for(user).select_for_update().select_related("person").get(pk=hold_id)
    if hold.lifted_at is None:
        hold.lifted_at = timezone.now()
        hold.save(update_fields=["lifted_at"])
        record(user=user, action=Action.UPDATE, obj=hold, person=hold.person, request=request,
               summary=f"解除依法保全：{hold.reason}")
    return hold


@transaction.atomic
def apply_retention(today: Any) -> dict[str, int]:
    """Anonymise what has passed its retention period on ``today`` (set-based, idempotent).

    Keeps every field the indicators count (category, grade, birth date, sex, village, life
    status, death date, certificates, grants and payments); skips persons under a legal hold;
    writes one RetentionRecord and one audit event per person treated."""
    held = LegalHold.objects.filter(lifted_at__isnull=True).values("person_id")
    now = timezone.now()
    result = {"deceased_contact": 0, "stopped_bank": 0}

    cutoff = retention_rules.cutoff("deceased_contact", today)
    if cutoff is not None:
        done = RetentionRecord.objects.filter(kind="deceased_contact").values("person_id")
        people = list(Person.objects.filter(life_status="deceased", death_date__lte=cutoff)
                      .exclude(pk__in=held).exclude(pk__in=done).values_list("id", "village_id"))
        ids = [pid for pid, _ in people]
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            Person.objects.filter(pk__in=chunk).update(
                **index_values(Person, **DECEASED_FIELDS), updated_at=now)
            SubsidyApplication.objects.filter(person_id__in=chunk).update(bank_account="")
            Grant.objects.filter(person_id__in=chunk).update(bank_account="")
        years = retention_rules.years("deceased_contact", today) or 0
        RetentionRecord.objects.bulk_create([RetentionRecord(
            person_id=pid, kind="deceased_contact", period_years=years, done_at=now,
            fields=[*DECEASED_FIELDS, "bank_account"]) for pid in ids], batch_size=5000)
        record_many(user=None, action=Action.UPDATE, people=people,
                    summary=f"保存期限届满（去世满 {years} 年），匿名化联系方式和监护人信息")
        result["deceased_contact"] = len(ids)

    cutoff = retention_rules.cutoff("stopped_bank", today)
    if cutoff is not None:
        grants = (Grant.objects.filter(status="stopped", end_month__lte=cutoff)
                  .exclude(bank_account="").exclude(person_id__in=held))
        people = list(Person.objects.filter(pk__in=grants.values("person_id"))
                      .values_list("id", "village_id"))
        grants.update(bank_account="")
        years = retention_rules.years("stopped_bank", today) or 0
        RetentionRecord.objects.bulk_create([RetentionRecord(
            person_id=pid, kind="stopped_bank", period_years=years, done_at=now,
            fields=["grant.bank_account"]) for pid, _ in people], batch_size=5000,
            ignore_conflicts=True)  # a later grant of the same person: one record is enough
        record_many(user=None, action=Action.UPDATE, people=people,
                    summary=f"保存期限届满（补贴停发满 {years} 年），删除银行账号")
        result["stopped_bank"] = len(people)

    result.update(_first_applications(today, held, now))
    return result


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def _first_applications(today: Any, held: Any, now: Any) -> dict[str, int]:
    """First applications (首次申请) past their period, set-based:

    - decided on or before the ``first_application`` cutoff: cleared of what the applicant
      typed; a rejected one's photos deleted (a registered one's are its certificate
      application's documents, kept with it);
    - still waiting past the ``first_application_undecided`` cutoff (abandoned: nobody
      decided it): closed as expired, cleared, photos deleted.

    An application already cleared (name anonymised) is left alone, and so is one of a
    person under a legal hold: the person it registered, or a registered person with the
    same resident ID. Files go after the commit, once no row names them (a failed delete
    leaves a stray file, never a row pointing at nothing)."""
    def until(kind: str) -> Any:
        cutoff = retention_rules.cutoff(kind, today)
        return None if cutoff is None else timezone.make_aware(
            dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time()))

    held_ids = Person.objects.filter(pk__in=held).values("resident_id_index")
    open_rows = (FirstApplication.objects.exclude(name=ANONYMOUS).exclude(person_id__in=held)
                 .exclude(resident_id_index__in=held_ids))
    columns = ("id", "state", "person_id", "id_card_file", "hukou_file")
    decided, abandoned = [], []
    if (decided_until := until("first_application")) is not None:
        decided = list(open_rows.exclude(state__in=[FirstApplicationState.SUBMITTED,
                                                    FirstApplicationState.EXPIRED])
                       .filter(decided_at__lt=decided_until).values_list(*columns))
    if (waiting_until := until("first_application_undecided")) is not None:
        abandoned = list(open_rows.filter(state=FirstApplicationState.SUBMITTED,
                                          created_at__lt=waiting_until).values_list(*columns))
    cleared = index_values(FirstApplication, **FIRST_APPLICATION_FIELDS)
    no_files = {"id_card_file": "", "hukou_file": ""}
    registered = [r[0] for r in decided if r[1] == FirstApplicationState.REGISTERED]
    rejected = [r[0] for r in decided if r[1] != FirstApplicationState.REGISTERED]
    gone = [r[0] for r in abandoned]
    files = [name for r in decided if r[1] != FirstApplicationState.REGISTERED
             for name in r[3:] if name]
    files += [name for r in abandoned for name in r[3:] if name]
    for start in range(0, max(len(registered), len(rejected), len(gone)), 5000):
        FirstApplication.objects.filter(pk__in=registered[start:start + 5000]).update(**cleared)
        FirstApplication.objects.filter(pk__in=rejected[start:start + 5000]).update(
            **cleared, **no_files)
        FirstApplication.objects.filter(pk__in=gone[start:start + 5000]).update(
            **cleared, **no_files, state=FirstApplicationState.EXPIRED, decided_at=now,
            note="等待办理超过保存期限，已关闭；如仍需办理请重新申请")
    photos = FirstApplication._meta.get_field("id_card_file").storage
    transaction.on_commit(lambda: _delete_files(photos, files))
    people = list(Person.objects.filter(pk__in=[r[2] for r in decided if r[2]])
                  .values_list("id", "village_id"))
    if people:
        years = retention_rules.years("first_application", today) or 0
        record_many(user=None, action=Action.UPDATE, people=people,
                    summary=f"保存期限届满（首次申请办结满 {years} 年），清除申请中的个人信息")
    if rejected or gone:  # applications of no registered person: one event for the run
        record(user=None, action=Action.UPDATE, object_type="firstapplication",
               summary=f"保存期限届满：清除首次申请 {len(rejected) + len(gone)} 份"
                       f"（其中 {len(gone)} 份逾期未办理，已关闭），删除照片 {len(files)} 个",
               changes={"rejected": rejected, "expired": gone})
    return {"first_application": len(decided), "first_application_undecided": len(gone),
            "first_application_files": len(files)}
