"""Portal write operations: signing in with a one-time code, and attaching documents.

Applications themselves are opened by each domain's own actions (certificates, benefits,
services, people) with the citizen as the actor, so staff see them in their usual queues.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from canlian.accounts import scoping
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.benefits import eligibility
from canlian.benefits.facts import facts_for, ruleset_for
from canlian.benefits.models import Grant, SubsidyApplication
from canlian.certificates.forms import MAGIC, MAX_ATTACHMENT_BYTES
from canlian.certificates.models import Application as CertificateApplication
from canlian.certificates.workflow import KIND_LABELS, Kind
from canlian.core import clock, exports, text, throttle
from canlian.core.clientip import client_ip
from canlian.core.domain import DomainError
from canlian.core.encrypted import index_of
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.programmes import facts as programme_facts
from canlian.programmes.models import Application as ProgrammeApplication

from . import otp, texts
from .models import ReminderText, SignInCode, Upload
from .notifiers import get_notifier

logger = logging.getLogger("canlian.portal.sms")


class SignInError(DomainError):
    """A sign-in step refused, with a message for the citizen in the active language."""

    code = "sign_in_refused"

    def __init__(self, message: Any, field: str = "resident_id") -> None:
        super().__init__(message)
        self.field = field


def save_preferences(user: Any, prefs: dict[str, Any]) -> None:
    """Remember display preferences (text size, contrast) on the account."""
    user.preferences = {**user.preferences, **prefs}
    user.save(update_fields=["preferences"])


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


# The one answer to "send me a code", whether or not the ID is registered with a phone:
# the sign-in page must not tell anyone who is on the disability registry.
SENT = (gettext_lazy("If a phone number is on record for this ID, a code has been sent to it"))
WAIT = gettext_lazy("A code was just sent; wait a minute")
TOO_MANY = gettext_lazy("Too many codes; try again in an hour")
WRONG = (gettext_lazy("The code is wrong or no longer valid: check it, or ask for a new one"))
TOO_MANY_TRIES = gettext_lazy("Too many tries; try again in an hour")
VERIFY_PER_ADDRESS_PER_HOUR = 30


def phone_on_file(resident_id: str) -> str:
    """The phone a code goes to: the person's own, else the phone recorded for their guardian."""
    own = Person.objects.filter(resident_id=resident_id, life_status="alive").values_list(
        "phone", flat=True).first()
    if own:
        return own
    ward_guardian_phone = (Person.objects.filter(guardian_resident_id=resident_id, life_status="alive")
                           .exclude(guardian_phone="").values_list("guardian_phone", flat=True)
                           .first())
    return ward_guardian_phone or ""


def request_code(resident_id: str, request: HttpRequest | None = None) -> str:
    """Send a sign-in code to the phone on file, if there is one; return ``SENT`` either way.

    Every try counts against the limits (per ID: one a minute, five an hour; per client
    address: twenty an hour), registered or not, and the limits are checked and counted
    under a lock (core/throttle.py), so simultaneous requests cannot all pass.
    """
    try:
        number = idnumber.validate(resident_id).number
    except idnumber.ResidentIdError as exc:
        raise SignInError(exc.message) from None
    ip = _ip(request) or "-"
    reached = throttle.take(
        throttle.Limit("portal-code-id-minute", number, 1, otp.RESEND_AFTER),
        throttle.Limit("portal-code-id-hour", number, otp.PER_ID_PER_HOUR, dt.timedelta(hours=1)),
        throttle.Limit("portal-code-address", ip, otp.PER_ADDRESS_PER_HOUR,
                       dt.timedelta(hours=1)))
    if reached is not None:
        raise SignInError(WAIT if reached.scope == "portal-code-id-minute" else TOO_MANY)
    phone = phone_on_file(number)
    if not phone:
        return str(SENT)
    now = timezone.now()
    code = otp.new_code()
    # The code is kept only if its message went out: a failed send leaves no code behind.
    with transaction.atomic():
        SignInCode.objects.create(resident_id=number,
                                  digest=otp.digest(settings.SECRET_KEY, number, code),
                                  sent_to=otp.mask_phone(phone), ip=_ip(request),
                                  expires_at=now + otp.VALID_FOR)
        get_notifier().send(phone, f"【残联】您的登录验证码是 {code}，5分钟内有效。请勿告诉他人。")
    return str(SENT)


def verify_code(resident_id: str, code: str, request: HttpRequest | None = None) -> Any:
    """Check the code; on success return the citizen's account (created on first sign-in).

    A wrong code, an expired one and an ID that was never sent one get the same answer."""
    number = idnumber.normalise(resident_id)
    now = timezone.now()
    if not throttle.hit("portal-verify-address", _ip(request) or "-",
                        limit=VERIFY_PER_ADDRESS_PER_HOUR, window=dt.timedelta(hours=1)):
        raise SignInError(TOO_MANY_TRIES, field="code")
    # The failed try is counted in its own committed transaction, then refused outside it:
    # raising inside would roll the count back and allow unlimited guessing.
    with transaction.atomic():
        pending = (SignInCode.objects.select_for_update()
                   .filter(resident_id=number, used_at=None, expires_at__gt=now)
                   .order_by("-created_at", "-id").first())
        if (pending is not None and pending.attempts < otp.MAX_ATTEMPTS
                and otp.matches(settings.SECRET_KEY, number, code, pending.digest)):
            SignInCode.objects.filter(pk=pending.pk).update(used_at=now)
            return citizen_account(number)
        if pending is not None:
            SignInCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
        record(user=None, action=Action.LOGIN_FAILED, request=request, object_type="citizen",
               object_id="", summary="门户验证码错误")
    raise SignInError(WRONG, field="code")


# ---- first-time applicants (首次申请): the code goes to the phone they type -------------------

MOBILE = re.compile(r"^1\d{10}$")
APPLICANT_SENT = gettext_lazy("A code has been sent to this phone")


class AlreadyRegistered(SignInError):
    """The ID is on the registry: the applicant is told to use the usual sign-in."""

    code = "already_registered"


def _applicant_key(number: str, phone: str) -> str:
    # The code is bound to the ID *and* the phone it went to: it proves that phone.
    return f"{number}:{phone}"


def request_applicant_code(resident_id: str, phone: str, request: HttpRequest | None = None) -> str:
    """Send a code to the phone a first-time applicant typed (their own or a guardian's).

    Someone not on the registry has no phone on record, so the code proves control of the
    phone they give; the ID card and 户口本 photos, checked by staff, prove the identity.
    The same limits as the sign-in apply, counted together with it.
    Where the province's sign-on is available (``IdentityMethod.PROVINCIAL``) it replaces
    this step; the hook is ``people.models.FirstApplication.identity_method``.
    """
    try:
        number = idnumber.validate(resident_id).number
    except idnumber.ResidentIdError as exc:
        raise SignInError(exc.message) from None
    phone = "".join(ch for ch in phone if ch.isdigit())
    if not MOBILE.match(phone):
        raise SignInError(gettext("Enter an 11-digit mobile number, e.g. 13812345678."),
                          field="phone")
    ip = _ip(request) or "-"
    reached = throttle.take(
        throttle.Limit("portal-code-id-minute", number, 1, otp.RESEND_AFTER),
        throttle.Limit("portal-code-id-hour", number, otp.PER_ID_PER_HOUR, dt.timedelta(hours=1)),
        throttle.Limit("portal-code-address", ip, otp.PER_ADDRESS_PER_HOUR,
                       dt.timedelta(hours=1)))
    if reached is not None:
        raise SignInError(WAIT if reached.scope == "portal-code-id-minute" else TOO_MANY)
    code = otp.new_code()
    with transaction.atomic():
        SignInCode.objects.create(resident_id=number,
                                  digest=otp.digest(settings.SECRET_KEY,
                                                    _applicant_key(number, phone), code),
                                  sent_to=otp.mask_phone(phone), ip=_ip(request),
                                  expires_at=timezone.now() + otp.VALID_FOR)
        get_notifier().send(
            phone, f"【残联】您的验证码是 {code}，用于网上首次申请，5分钟内有效。请勿告诉他人。")
    return str(APPLICANT_SENT)


def verify_applicant_code(resident_id: str, phone: str, code: str,
                          request: HttpRequest | None = None) -> Any:
    """Check the code sent to ``phone``; return the citizen account (created if new).

    If the ID is already on the registry, raise :class:`AlreadyRegistered` (duplicate
    detection): that person signs in the usual way, with the phone on record. Only someone
    holding the phone they typed learns this, within the same limits as the sign-in.
    """
    number = idnumber.normalise(resident_id)
    now = timezone.now()
    if not throttle.hit("portal-verify-address", _ip(request) or "-",
                        limit=VERIFY_PER_ADDRESS_PER_HOUR, window=dt.timedelta(hours=1)):
        raise SignInError(TOO_MANY_TRIES, field="code")
    key = _applicant_key(number, phone)
    with transaction.atomic():
        pending = (SignInCode.objects.select_for_update()
                   .filter(resident_id=number, used_at=None, expires_at__gt=now)
                   .order_by("-created_at", "-id").first())
        ok = (pending is not None and pending.attempts < otp.MAX_ATTEMPTS
              and otp.matches(settings.SECRET_KEY, key, code, pending.digest))
        if pending is not None:
            SignInCode.objects.filter(pk=pending.pk).update(
                **({"used_at": now} if ok else {"attempts": F("attempts") + 1}))
        if not ok:
            record(user=None, action=Action.LOGIN_FAILED, request=request,
                   object_type="citizen", object_id="", summary="首次申请验证码错误")
    if not ok:
        raise SignInError(WRONG, field="code")
    if Person.objects.filter(resident_id=number).exists():
        raise AlreadyRegistered(gettext(
            "You are already on the registry: sign in with the usual sign-in. The code goes "
            "to the phone number on record."), field="code")
    return citizen_account(number)


NOT_REGISTERED = gettext_lazy(
    "Your identity was confirmed, but there is no record for this ID at this federation: "
    "your village (community) worker can register you")
PROVIDER_FAILED = gettext_lazy(
    "Sign-in through the provincial platform did not complete; try again, or sign in with a "
    "text-message code")


def oidc_account(resident_id: str, name: str, subject: str,
                 request: HttpRequest | None = None) -> Any:
    """The citizen's account for an identity the provincial platform verified (统一身份认证).

    The provider vouches for the resident ID, so no code is needed; but only a person on
    this federation's registry, or the recorded guardian of one, gets an account, exactly
    as only they can receive a code. Unlike the code page, this answer may say "no record":
    the ID belongs to whoever the provider verified, so nobody learns about someone else.
    """
    try:
        number = idnumber.validate(resident_id).number
    except idnumber.ResidentIdError:
        record(user=None, action=Action.LOGIN_FAILED, request=request, object_type="citizen",
               object_id="", summary=f"统一身份认证：身份证号无效（{subject[:40]}）")
        raise SignInError(PROVIDER_FAILED) from None
    if not registered_or_guardian(number):
        record(user=None, action=Action.LOGIN_FAILED, request=request, object_type="citizen",
               object_id="", summary="统一身份认证：不在本地残疾人库")
        raise SignInError(NOT_REGISTERED)
    user = citizen_account(number)
    if not user.first_name and name:
        user.first_name = name[:150]
        user.save(update_fields=["first_name"])
    return user


def registered_or_guardian(resident_id: str) -> bool:
    """Whether ``resident_id`` is a living person on the registry or a living person's guardian."""
    return (Person.objects.filter(resident_id=resident_id, life_status="alive").exists()
            or Person.objects.filter(guardian_resident_id=resident_id, life_status="alive").exists())


def citizen_account(resident_id: str) -> Any:
    """The citizen's account for ``resident_id``, created on first sign-in."""
    users = get_user_model()
    user = users.objects.filter(role=Role.CITIZEN, resident_id=resident_id).first()
    if user is None:
        person = Person.objects.filter(resident_id=resident_id).first()
        user = users(username=f"citizen-{index_of(users, 'resident_id', resident_id)}",
                     role=Role.CITIZEN, resident_id=resident_id,
                     person=person, first_name=person.name if person else "")
        user.set_unusable_password()
        user.save()
    if not user.is_active:
        raise SignInError(gettext("This account is disabled"), field="code")
    return user


# ---- who the citizen acts for (本人或被监护人) ------------------------------------------------

def persons_for(user: Any):
    """The person themself and their wards, living first."""
    return scoping.people_for(user).select_related("village__parent", "household").order_by(
        "life_status", "birth_date", "id")


def acting_for(user: Any, person_id: Any) -> Person | None:
    """The person the signed-in citizen is acting for, if they may."""
    persons = persons_for(user)
    if person_id:
        chosen = persons.filter(pk=person_id).first()
        if chosen is not None:
            return chosen
    own = persons.filter(resident_id=user.resident_id).first()
    return own or persons.first()


# ---- documents (申请材料) ---------------------------------------------------------------------

def check_upload(upload: Any) -> str:
    """The file's type from its first bytes; refuses anything not PDF/PNG/JPEG or over 5 MB."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": gettext("The file is larger than 5 MB")})
    if upload.size == 0:
        raise ValidationError({"file": gettext("The file is empty")})
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    raise ValidationError({"file": gettext("Attach a PDF, PNG or JPEG file")})


@transaction.atomic
def attach(user: Any, person: Person, application: str, purpose: str, upload: Any,
           request: HttpRequest | None = None) -> Upload:
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside scope")
    kind = check_upload(upload)
    # The sender's name is kept for display only; on disk the file gets a generated name.
    name = text.printable(getattr(upload, "name", "") or "file")[-120:]
    try:
        with transaction.atomic():
            document = Upload.objects.create(person=person, application=application,
                                             purpose=purpose, file=upload, original_name=name,
                                             kind=kind, size=upload.size, uploaded_by=user)
    except OSError as exc:  # a full disk: the storage removed its partial file
        raise ValidationError({"file": exports.disk_message(exc)}) from None
    record(user=user, action=Action.CREATE, obj=document, person=person, request=request,
           summary=f"上传申请材料：{document.get_purpose_display()}")
    return document


def uploads_for(user: Any, application: str):
    return Upload.objects.filter(Q(person__in=scoping.people_for(user)), application=application)


# ---- text messages to citizens (短信通知): decisions and reminders --------------------------
#
# A decision is texted only once it is committed (``transaction.on_commit``): a decision
# that rolls back texts nothing, and the text is composed from what was committed. Sending
# never undoes or fails the decision: a gateway failure is logged here and in the gateway's
# delivery log (``exchange.SmsDelivery``); the citizen still sees the decision on the portal.

Message = tuple[int, str]  # (person id, text)


def phones_of(person_ids: Iterable[int]) -> dict[int, str]:
    """The phone a message to each living person goes to: their own, else the phone recorded
    for their guardian (监护人). Persons with neither are left out."""
    rows = (Person.objects.filter(pk__in=set(person_ids), life_status="alive")
            .values_list("id", "phone", "guardian_phone"))
    return {pk: own or guardian for pk, own, guardian in rows if own or guardian}


def _send(messages: list[Message]) -> list[Message]:
    """Send now; return the messages that did not go out (no exception escapes)."""
    phones = phones_of(pk for pk, _text in messages)
    failed: list[Message] = []
    try:
        notifier = get_notifier()
    except Exception:
        logger.exception("no SMS notifier: %d message(s) not sent", len(messages))
        return [m for m in messages if m[0] in phones]
    for person_id, body in messages:
        phone = phones.get(person_id)
        if not phone:
            continue
        try:
            notifier.send(phone, body)
        except Exception:  # the gateway's own log has the details; the decision stands
            logger.warning("text to person %s (phone …%s) not sent", person_id, phone[-4:],
                           exc_info=True)
            failed.append((person_id, body))
    return failed


def text_after_commit(compose: Callable[[], Message | None]) -> None:
    """Once the current transaction commits, compose the message from the committed records
    and text it; nothing at all if the transaction rolls back."""

    def deliver() -> None:
        try:
            message = compose()
        except Exception:
            logger.exception("text message not composed")
            return
        if message is not None:
            _send([message])

    transaction.on_commit(deliver)


def text_subsidy_decision(application_id: int) -> None:
    """Text the applicant the approval (amount, first month) or rejection of a subsidy
    application (两项补贴审批结果); other moves send nothing."""

    def compose() -> Message | None:
        application = SubsidyApplication.objects.select_related("person").get(pk=application_id)
        if application.state == "approved":
            grant = Grant.objects.filter(application_id=application_id).first()
            if grant is None:
                return None
            # The amount of the first month paid, as the monthly roll will compute it.
            start = grant.start_month
            amount = eligibility.decide(ruleset_for(), grant.subsidy,
                                        facts_for(application.person, start, grant), start)
            return application.person_id, texts.subsidy_approved(
                application.subsidy, amount.monthly_amount, start)
        if application.state == "rejected":
            return application.person_id, texts.subsidy_rejected(application.subsidy)
        return None

    text_after_commit(compose)


NEW_CARD = {Kind.NEW, Kind.CHANGE, Kind.RENEWAL, Kind.REISSUE}


def text_certificate_step(application_id: int, action: str) -> None:
    """Text the applicant a certificate application's approval, refusal or completion
    (办证审批、不予通过、办结); other steps send nothing."""

    def compose() -> Message | None:
        application = (CertificateApplication.objects.select_related("certificate")
                       .get(pk=application_id))
        kind = KIND_LABELS[Kind(application.kind)]
        if action == "approve":
            text = texts.certificate_approved(kind)
        elif action == "reject":
            text = texts.certificate_refused(kind)
        elif action == "issue":  # a transfer or cancellation completes without a new card
            certificate = application.certificate if application.kind in NEW_CARD else None
            text = texts.certificate_issued(
                kind, certificate.valid_until if certificate is not None else None)
        else:
            return None
        return application.person_id, text

    text_after_commit(compose)


def text_programme_decision(application_id: int) -> None:
    """Text the applicant a programme application's approval or refusal (项目审批结果)."""

    def compose() -> Message | None:
        application = ProgrammeApplication.objects.get(pk=application_id)
        catalogue = programme_facts.catalogue()
        found = catalogue.get(application.programme) if catalogue is not None else None
        name = found.latest.name_zh if found is not None else application.programme
        if application.state == "approved":
            return application.person_id, texts.programme_approved(name)
        if application.state == "refused":
            return application.person_id, texts.programme_refused(name)
        return None

    text_after_commit(compose)


def text_renewal_reminders(due: Iterable[tuple[int, int, dt.date]]) -> int:
    """Text each holder of a certificate expiring soon (``(person id, certificate id, valid
    until)``) once: the reminder is recorded (``ReminderText``) in the caller's transaction
    and texted after it commits; one whose text fails is forgotten again, so the next run
    retries it. Persons without a phone on file are skipped. Returns the number queued."""
    wanted = {f"{certificate}:{until:%Y-%m-%d}": (person, until) for person, certificate, until in due}
    phones = phones_of(person for person, _until in wanted.values())
    sent = set(ReminderText.objects.filter(kind=ReminderText.RENEWAL, key__in=list(wanted))
               .values_list("key", flat=True))
    today = clock.today()
    new = [ReminderText(kind=ReminderText.RENEWAL, key=key, person_id=person, sent_on=today)
           for key, (person, _until) in wanted.items() if key not in sent and person in phones]
    ReminderText.objects.bulk_create(new, batch_size=1000)
    messages = {r.key: (r.person_id, texts.certificate_renewal_due(wanted[r.key][1])) for r in new}

    def deliver() -> None:
        try:
            failed = set(_send(list(messages.values())))
            if failed:
                ReminderText.objects.filter(kind=ReminderText.RENEWAL, key__in=[
                    key for key, message in messages.items() if message in failed]).delete()
        except Exception:
            logger.exception("renewal reminder texts not sent")

    if messages:
        transaction.on_commit(deliver)
    return len(new)
