"""Write operations of the certificate lifecycle. Views, the portal and the API call these.

Each operation is one transaction: the state change, its recorded step, the audit entry,
the certificate rows, the person's read model and the domain event (with everything its
subscribers do) commit together or not at all. State changes are conditional updates
(``WHERE state = <expected> AND version = <seen>``), so two staff approving the same
application at once cannot both succeed, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action as AuditAction
from canlian.core import clock, notice_rules, separation
from canlian.core.duties import Workflow
from canlian.core.encrypted import index_values
from canlian.events import bus
from canlian.people.models import LifeStatus, Person
from canlian.portal.actions import text_certificate_step
from canlian.regions.models import Region

from . import rules, workflow
from .events import CertificateCancelled, CertificateExpired, CertificateIssued, PersonTransferred
from .models import (
    Application,
    Assessment,
    CancelReason,
    Certificate,
    CertificateStatus,
    PublicNotice,
    Step,
)
from .numbers import certificate_number
from .workflow import APPLY, Action, IllegalTransition, Kind, State


def _today() -> dt.date:
    return clock.today()


def current_certificate(person: Person, *, for_update: bool = False) -> Certificate | None:
    qs = Certificate.objects.filter(person=person, status=CertificateStatus.ISSUED)
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def renewable_certificate(person: Person, *, for_update: bool = False) -> Certificate | None:
    """The latest certificate that a renewal (换领) replaces: valid, or expired."""
    qs = Certificate.objects.filter(
        person=person, status__in=[CertificateStatus.ISSUED, CertificateStatus.EXPIRED]
    ).order_by("-issue_date", "-id")
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def _sync_person(person: Person, certificate: Certificate | None) -> None:
    """Keep the person's read model (category, grade, number) in step with the certificate."""
    Person.objects.filter(pk=person.pk).update(
        category=certificate.category if certificate else None,
        grade=certificate.grade if certificate else None,
        **index_values(Person, certificate_number=certificate.number if certificate else None),
    )


def _step(application: Application, action: str, source: str, target: str, user: Any,
          note: str = "", attachment: UploadedFile | None = None) -> Step:
    return Step.objects.create(application=application, action=action, source=source,
                               target=target, actor=user if getattr(user, "pk", None) else None,
                               note=note, attachment=attachment or "")


# ---- applying ---------------------------------------------------------------------------

@dataclass
class ApplicationInput:
    kind: Kind
    reason: str = ""
    cancel_reason: str = ""
    target_village: Region | None = None
    channel: str = "staff"


def _check_can_apply(person: Person, data: ApplicationInput, today: dt.date) -> Certificate | None:
    if person.life_status == LifeStatus.DECEASED and data.kind != Kind.CANCELLATION:
        raise ValidationError(gettext("The person is deceased"))
    current = (renewable_certificate(person) if data.kind == Kind.RENEWAL
               else current_certificate(person))
    if data.kind == Kind.NEW:
        if current is not None:
            raise ValidationError(gettext("Already holds the valid certificate %(number)s: renew, "
                                          "change or replace it instead")
                                  % {"number": current.number})
        last = Certificate.objects.filter(person=person, status=CertificateStatus.CANCELLED).first()
        if last and not workflow.may_reapply(last.ended_on, last.cancel_reason, today):
            until = last.ended_on + dt.timedelta(days=workflow.REAPPLY_BAR_DAYS)  # type: ignore[operator]
            raise ValidationError(gettext("No new application within a year of cancellation; "
                                          "possible from %(date)s")
                                  % {"date": until})
        return None
    if current is None:
        raise ValidationError(
            gettext("No valid certificate: apply for a new one"))
    if data.kind == Kind.TRANSFER:
        if data.target_village is None or data.target_village.level != "village":
            raise ValidationError({"target_village": gettext("Choose the village")})
        if data.target_village.code == person.village_id:
            raise ValidationError({"target_village": gettext("Same village")})
    if data.kind == Kind.CANCELLATION and data.cancel_reason not in CancelReason.values:
        raise ValidationError({"cancel_reason": gettext("Choose the reason")})
    return current


def apply(user: Any, person: Person, data: ApplicationInput,
          request: HttpRequest | None = None, *, today: dt.date | None = None) -> Application:
    """Open an application (staff at the counter, or the citizen online)."""
    today = today or _today()
    if user.role != Role.CITIZEN:
        scoping.require(user, Capability.MANAGE_CERTIFICATES)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person.pk)
            current = _check_can_apply(person, data, today)
            state = workflow.first_state(data.kind)
            application = Application.objects.create(
                person=person, kind=data.kind, state=state, village_id=person.village_id,
                certificate=current, reason=data.reason, cancel_reason=data.cancel_reason,
                target_village=data.target_village, channel=data.channel, applied_on=today,
                state_since=today, due=workflow.due_date(state, today, data.kind),
                created_by=user,
            )
            _step(application, APPLY, "", state, user, data.reason)
            record(user=user, action=AuditAction.CREATE, obj=application, person=person,
                   request=request, summary=f"受理{application.kind_label}申请")
    except IntegrityError:
        raise ValidationError(
            gettext("An application is already open")) from None
    return application


# ---- moving an application along ---------------------------------------------------------

def _load(user: Any, application_id: int) -> Application:
    application = scoping.certificate_applications_for(user).select_related("person").filter(
        pk=application_id).first()
    if application is None:
        raise Application.DoesNotExist(application_id)
    return application


def reviewer_of(application: Application) -> Any:
    """Who did the township review (镇街审核) of ``application``, or None."""
    step = (application.steps.filter(action=Action.REVIEW).select_related("actor")
            .order_by("-at", "-id").first())
    return step.actor if step is not None else None


def _move(user: Any, application: Application, action: Action, *, note: str = "",
          attachment: UploadedFile | None = None, request: HttpRequest | None = None,
          today: dt.date | None = None) -> Application:
    today = today or _today()
    t = workflow.transition(Kind(application.kind), State(application.state), action)
    if action == Action.WITHDRAW and user.role == Role.CITIZEN:
        pass  # applicants may withdraw their own (scoping already limited it to them)
    else:
        scoping.require(user, t.capability)
    if action == Action.REJECT and not note.strip():
        raise ValidationError({"note": gettext("Give the reason for rejecting")})
    separation.check(Workflow.CERTIFICATE, action.value, reviewer=reviewer_of(application),
                     actor=user)
    if action == Action.APPROVE:
        check_notice_has_run(application, today)
    moved = Application.objects.filter(
        pk=application.pk, state=t.source, version=application.version
    ).update(state=t.target, version=F("version") + 1, state_since=today,
             due=workflow.due_date(t.target, today, Kind(application.kind)))
    if moved != 1:
        raise IllegalTransition(
            gettext("The application was changed by someone else; reload"))
    application.refresh_from_db()
    _step(application, action, t.source, t.target, user, note, attachment)
    record(user=user, action=AuditAction.TRANSITION, obj=application, person=application.person,
           request=request, summary=f"{application.kind_label}：{workflow.ACTION_LABELS[action]}",
           changes={"state": [t.source, t.target]})
    return application


# ---- the public notice (公示) -------------------------------------------------------------

class NoticeRefused(IllegalTransition):
    """Approval refused for want of the public notice: ``code`` is ``notice_missing`` or
    ``notice_running`` (``core.notice_rules.refusal``)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def check_notice_has_run(application: Application, today: dt.date) -> None:
    """Refuse the approval of an application whose public notice is missing or running."""
    notice = (PublicNotice.objects.filter(pk=application.notice_id).first()
              if application.notice_id else None)
    refused = notice_rules.refusal(workflow.notice_days(Kind(application.kind)),
                                   notice.ends_on if notice else None, today)
    if refused is not None:
        raise NoticeRefused(refused.message, refused.code)


def notice_blocks(application: Application, today: dt.date) -> str | None:
    """The sentence the page shows instead of the approve button, or None."""
    try:
        check_notice_has_run(application, today)
    except NoticeRefused as exc:
        return exc.message
    return None


def awaiting_notice(user: Any) -> Any:
    """Reviewed applications of the user's region whose kind needs a notice not yet posted."""
    return scoping.certificate_applications_for(user).filter(
        state=State.REVIEWED, notice=None, kind__in=[k.value for k in workflow.NEEDS_NOTICE])


def notices_for(user: Any) -> Any:
    """The certificate notices of the user's region (scoped through the village)."""
    return PublicNotice.objects.filter(scoping.region_q(user, "village__code"))


@transaction.atomic
def post_notice(user: Any, village_code: str, application_ids: list[int], starts_on: dt.date,
                *, request: HttpRequest | None = None,
                today: dt.date | None = None) -> PublicNotice:
    """Post the reviewed applications of one village on a public notice (公示) from
    ``starts_on`` for ``workflow.NOTICE_WORKING_DAYS`` working days (township or
    federation, ``review`` capability, within its region)."""
    scoping.require(user, Capability.REVIEW)
    today = today or _today()
    if starts_on < today:
        raise ValidationError({"starts_on": gettext("The notice cannot start in the past")})
    chosen = list(scoping.certificate_applications_for(user).select_for_update().filter(
        pk__in=application_ids, village_id=village_code).select_related("person"))
    if not chosen or len(chosen) != len(set(application_ids)):
        raise ValidationError({"applications": gettext(
            "Choose reviewed applications of this village")})
    for application in chosen:
        if application.state != State.REVIEWED or application.notice_id is not None:
            raise ValidationError({"applications": gettext(
                "The application of %(name)s is not awaiting a public notice")
                % {"name": application.person.name}})
        if workflow.notice_days(Kind(application.kind)) is None:
            raise ValidationError({"applications": gettext(
                "A %(kind)s application of %(name)s needs no public notice")
                % {"kind": application.kind_label, "name": application.person.name}})
    span = notice_rules.period(starts_on, workflow.NOTICE_WORKING_DAYS)
    notice = PublicNotice.objects.create(
        village_id=village_code, starts_on=span.first, ends_on=span.last,
        working_days=workflow.NOTICE_WORKING_DAYS,
        posted_by=user if getattr(user, "pk", None) else None)
    Application.objects.filter(pk__in=[a.pk for a in chosen]).update(notice=notice)
    record(user=user, action=AuditAction.CREATE, obj=notice, request=request,
           summary=f"残疾人证公示 {span.first:%Y-%m-%d}–{span.last:%Y-%m-%d}，{len(chosen)} 人")
    record_many(user=user, action=AuditAction.UPDATE, request=request,
                people=[(a.person_id, a.village_id) for a in chosen],
                summary=f"残疾人证申请公示 {span.first:%Y-%m-%d}–{span.last:%Y-%m-%d}")
    return notice


@dataclass
class AssessmentInput:
    hospital: str
    assessed_on: dt.date
    category: int
    grade: int
    components: list[dict[str, int]]
    findings: str = ""


def assess(user: Any, application_id: int, data: AssessmentInput, *,
           attachment: UploadedFile | None = None, request: HttpRequest | None = None,
           today: dt.date | None = None) -> Application:
    """Record the assessor's findings (category, grade; components for 多重)."""
    today = today or _today()
    if data.assessed_on > today:
        raise ValidationError({"assessed_on": gettext("Assessment date in the future")})
    grade = data.grade
    if data.category == rules.Category.MULTIPLE:
        if len(data.components) < 2:
            raise ValidationError({"components": gettext("A multiple disability needs two components")})
        grade = int(rules.multiple_grade([c["grade"] for c in data.components]))
    elif data.components:
        raise ValidationError({"components": gettext(
            "Components are only filled in for multiple disabilities")})
    with transaction.atomic():
        application = _load(user, application_id)
        if application.applied_on > data.assessed_on:
            raise ValidationError({"assessed_on": gettext("Before the application")})
        application = _move(user, application, Action.ASSESS, note=data.findings,
                            attachment=attachment, request=request, today=today)
        Assessment.objects.create(application=application, assessor=user, hospital=data.hospital,
                                  assessed_on=data.assessed_on, category=data.category,
                                  grade=grade, components=data.components, findings=data.findings)
    return application


def advance(user: Any, application_id: int, action: Action, *, note: str = "",
            attachment: UploadedFile | None = None, request: HttpRequest | None = None,
            today: dt.date | None = None) -> Application:
    """Review, approve, reject or withdraw; ``issue`` completes the application."""
    if action == Action.ASSESS:
        raise IllegalTransition(gettext("Use assess"))
    with transaction.atomic():
        application = _load(user, application_id)
        application = _move(user, application, action, note=note, attachment=attachment,
                            request=request, today=today)
        if action == Action.ISSUE:
            _complete(user, application, today or _today())
        text_certificate_step(application.pk, action)
    return application


def issue(user: Any, application_id: int, **kwargs: Any) -> Application:
    return advance(user, application_id, Action.ISSUE, **kwargs)


# ---- completing: what issuing does for each kind ------------------------------------------

def _new_certificate(application: Application, category: int, grade: int, *, today: dt.date,
                     components: list | None = None, reissue: int = 0,
                     valid_until: dt.date | None = None) -> Certificate:
    person = application.person
    return Certificate.objects.create(
        person=person, number=certificate_number(person.resident_id, category, grade, reissue),
        category=category, grade=grade, components=components or [], issue_date=today,
        valid_until=valid_until or rules.valid_until(today), reissue_count=reissue,
        issued_by_id=person.village_id[:6] + "000000", application=application,
    )


def _end(certificate: Certificate, status: str, today: dt.date, reason: str = "") -> None:
    certificate.status = status
    certificate.ended_on = today
    certificate.cancel_reason = reason
    certificate.save(update_fields=["status", "ended_on", "cancel_reason"])


def _complete(user: Any, application: Application, today: dt.date) -> None:
    kind = Kind(application.kind)
    person = application.person
    if kind == Kind.RENEWAL:
        old = renewable_certificate(person, for_update=True)
    else:
        old = current_certificate(person, for_update=True) if kind != Kind.NEW else None
    if kind in workflow.NEEDS_CURRENT_CERTIFICATE and old is None:
        raise IllegalTransition(gettext("No valid certificate any more"))
    actor = getattr(user, "pk", None)
    if kind in (Kind.NEW, Kind.CHANGE):
        a = application.assessment
        if old is not None:
            _end(old, CertificateStatus.REPLACED, today)
        new = _new_certificate(application, a.category, a.grade, today=today,
                               components=a.components)
    elif kind == Kind.RENEWAL:
        assert old is not None  # NEEDS_CURRENT_CERTIFICATE, checked above
        _end(old, CertificateStatus.REPLACED, today)
        new = _new_certificate(application, old.category, old.grade, today=today,
                               components=old.components)
    elif kind == Kind.REISSUE:
        assert old is not None  # NEEDS_CURRENT_CERTIFICATE, checked above
        _end(old, CertificateStatus.REPLACED, today)
        new = _new_certificate(application, old.category, old.grade, today=today,
                               components=old.components, reissue=old.reissue_count + 1,
                               valid_until=old.valid_until)
    elif kind == Kind.TRANSFER:
        source = person.village_id
        Person.objects.filter(pk=person.pk).update(village=application.target_village)
        bus.publish(PersonTransferred(person.pk, source_village=source,
                                      target_village=application.target_village_id,  # type: ignore[arg-type]
                                      actor_id=actor))
        return
    else:  # cancellation
        assert old is not None  # NEEDS_CURRENT_CERTIFICATE, checked above
        cancel(old, application.cancel_reason, today=today, actor_id=actor)
        return
    Application.objects.filter(pk=application.pk).update(certificate=new)
    application.certificate = new
    _sync_person(person, new)
    bus.publish(CertificateIssued(person.pk, certificate_id=new.pk, kind=kind.value,
                                  category=new.category, grade=new.grade, actor_id=actor))


def cancel(certificate: Certificate, reason: str, *, today: dt.date,
           actor_id: int | None = None) -> bool:
    """Cancel a certificate (注销) and announce it; False if it was not valid any more."""
    ended = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.ISSUED).update(
        status=CertificateStatus.CANCELLED, ended_on=today, cancel_reason=reason)
    if not ended:
        return False
    _sync_person(certificate.person, None)
    bus.publish(CertificateCancelled(certificate.person_id, certificate_id=certificate.pk,
                                     reason=reason, actor_id=actor_id))
    return True


# ---- reactions and sweeps -----------------------------------------------------------------

def on_person_died(event: Any) -> None:
    """A death cancels the valid certificate and withdraws any open application."""
    person = Person.objects.get(pk=event.person_id)
    certificate = current_certificate(person, for_update=True)
    if certificate is not None:
        cancel(certificate, CancelReason.DEATH, today=event.death_date, actor_id=event.actor_id)
    for application in Application.objects.filter(person=person,
                                                  state__in=list(workflow.OPEN_STATES)):
        moved = Application.objects.filter(pk=application.pk, version=application.version).update(
            state=State.WITHDRAWN, version=F("version") + 1, state_since=_today(), due=None)
        if moved:
            _step(application, "withdraw", application.state, State.WITHDRAWN, None,
                  gettext("Closed: the person died"))


def expire_overdue(today: dt.date | None = None) -> int:
    """Mark certificates past their validity as expired, announcing each (a daily sweep)."""
    today = today or _today()
    count = 0
    with transaction.atomic():
        due = list(Certificate.objects.select_for_update().filter(
            status=CertificateStatus.ISSUED, valid_until__lt=today))
        for certificate in due:
            Certificate.objects.filter(pk=certificate.pk).update(
                status=CertificateStatus.EXPIRED, ended_on=certificate.valid_until)
            bus.publish(CertificateExpired(certificate.person_id, certificate_id=certificate.pk))
            count += 1
    return count


def expiring(qs: Any, within_days: int, today: dt.date | None = None) -> Any:
    """Valid certificates that expire within ``within_days`` (renewal reminders)."""
    today = today or _today()
    return qs.filter(status=CertificateStatus.ISSUED,
                     valid_until__lte=today + dt.timedelta(days=within_days)).order_by(
        "valid_until", "id")


def verification_token(certificate: Certificate) -> str:
    """The e-certificate's QR token (电子证照验证码, ``ecert``), made on first use (one
    conditional update, so two pages shown at once agree on one token)."""
    if not certificate.verify_token:
        Certificate.objects.filter(pk=certificate.pk, verify_token=None).update(
            verify_token=secrets.token_urlsafe(16))
        certificate.verify_token = Certificate.objects.values_list(
            "verify_token", flat=True).get(pk=certificate.pk)
    return certificate.verify_token or ""
