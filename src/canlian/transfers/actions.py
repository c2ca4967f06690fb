"""Every write of the transfers app (跨省通办).

Two deployments keep one record each of the same matter (``Transfer``, known by ``uid``).
The side that starts a matter sends messages to the other (``deliver``); the other answers
each message at once (``receive``). A message about a ``uid`` already recorded is answered
from the record and changes nothing, so a re-sent message never registers, stops or opens
anything twice. A message that cannot be delivered stays ``pending`` and is tried again by
the scheduled job (``deliver_due``) with a growing wait (``rules.backoff``).

Messages (JSON, every one with ``type`` and ``id``, the matter's uid):

- ``transfer.request`` (origin → destination): the person, the certificate, the receiving
  village, the move date and the months the origin pays; the answer ``accepted`` (the
  destination has registered the person) or ``refused`` with a ``reason``.
- ``transfer.complete`` (origin → destination): the origin has stopped its grants and closed
  its work; the answer ``completed``.
- ``application.forward`` (place of residence → place of hukou): an application lodged
  where the person lives; the answer ``accepted`` (opened there) or ``refused``.
- ``application.status`` (place of residence → place of hukou): the answer carries the
  ``decision`` once the place of hukou has decided.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from typing import Any

import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.benefits import actions as benefits
from canlian.benefits.facts import has_ruleset
from canlian.benefits.models import OPEN_APPLICATION_STATES, Grant, GrantStatus, Subsidy, SubsidyApplication
from canlian.certificates import actions as certificates
from canlian.certificates import workflow
from canlian.certificates.models import Application as CertificateApplication
from canlian.certificates.models import Certificate, CertificateStatus
from canlian.certificates.numbers import CertificateNumberError, parse_certificate_number
from canlian.core import clock
from canlian.core.domain import DomainError
from canlian.core.encrypted import index_values
from canlian.indicators import accessibility
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.portal.notifiers import get_notifier
from canlian.programmes import actions as programmes
from canlian.regions.models import Deployment, Region
from canlian.todos.actions import open_todo
from canlian.todos.models import Todo

from . import peers, rules, signing
from .models import Direction, Kind, SeenNonce, State, Subject, Transfer

logger = logging.getLogger("canlian.transfers")

TIMEOUT = 15  # seconds for one message to the peer
OUTCOME_ZH = {"approved": "批准", "rejected": "不予批准", "withdrawn": "撤回"}


class TransferError(DomainError):
    code = "transfer_refused"


class DeliveryError(Exception):
    """The peer could not be reached, or its answer was not a signed answer of the protocol."""


class MessageError(Exception):
    """A received message that is not one of the protocol (answered 400)."""


class Refusal(Exception):
    """The destination will not take the matter; ``message`` goes back to the sender."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _now() -> dt.datetime:
    return timezone.now()


def _root() -> Region:
    deployment = Deployment.current()
    if deployment is None:
        raise TransferError(gettext("This installation serves no deployment"))
    return deployment.root


def _deployment_name() -> str:
    deployment = Deployment.current()
    return deployment.name if deployment else ""


def _notify(phone: str, text: str) -> None:
    """Tell the person after the commit; a failed text message is logged, not fatal."""
    if not phone:
        return

    def send() -> None:
        try:
            get_notifier().send(phone, text)
        except Exception:
            logger.exception("transfer notice to %s failed", phone[-4:])

    transaction.on_commit(send)


# ---- starting a matter (the sending side) --------------------------------------------------

def _peer(code: str) -> peers.Peer:
    peer = peers.get(code)
    if peer is None:
        raise ValidationError({"peer": gettext("Choose a configured deployment")})
    return peer


@transaction.atomic
def start_transfer(user: Any, person: Person, *, peer_code: str, village_code: str,
                   moved_on: dt.date, request: HttpRequest | None = None,
                   peer: peers.Peer | None = None) -> Transfer:
    """Ask another deployment to take a person whose hukou has moved there (户籍迁出). Nothing
    is stopped here until the destination accepts (``deliver``). ``peer``: the demo's
    stand-in for a configured peer."""
    scoping.require(user, Capability.APPROVE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    peer = peer or _peer(peer_code)
    errors = {}
    if not (village_code.isdigit() and len(village_code) == 12):
        errors["village_code"] = gettext("The receiving village code has 12 digits")
    if moved_on > clock.today():
        errors["moved_on"] = gettext("The move date cannot be in the future")
    if errors:
        raise ValidationError(errors)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_deceased:
        raise TransferError(gettext("The person is deceased"))
    certificate = Certificate.objects.filter(person=person, status=CertificateStatus.ISSUED).first()
    if certificate is None:
        raise TransferError(gettext("The person holds no valid certificate to transfer"))
    if Transfer.objects.filter(person=person, direction=Direction.OUT, kind=Kind.HUKOU,
                               state__in=(State.REQUESTED, State.ACCEPTED)).exists():
        raise TransferError(gettext("A transfer of this person is already under way"))
    running = set(Grant.objects.filter(person=person).exclude(status=GrantStatus.STOPPED)
                  .values_list("subsidy", flat=True))
    transfer = Transfer(direction=Direction.OUT, kind=Kind.HUKOU, peer=peer.code, person=person,
                        village_id=person.village_id, resident_id=person.resident_id,
                        name=person.name, phone=person.phone,
                        certificate_number=certificate.number, target_village_code=village_code,
                        moved_on=moved_on, pending="request", next_attempt_at=_now(),
                        created_by=user if getattr(user, "pk", None) else None)
    transfer.payload = {
        "type": "transfer.request", "id": str(transfer.uid), "from": peers.self_code(),
        "person": {"resident_id": person.resident_id, "name": person.name,
                   "ethnicity": person.ethnicity, "phone": person.phone,
                   "address": person.address, "guardian_name": person.guardian_name,
                   "guardian_resident_id": person.guardian_resident_id,
                   "guardian_phone": person.guardian_phone,
                   "guardian_relation": person.guardian_relation},
        "certificate": {"number": certificate.number, "category": certificate.category,
                        "grade": certificate.grade, "components": certificate.components,
                        "issue_date": certificate.issue_date.isoformat(),
                        "valid_until": certificate.valid_until.isoformat()},
        "village_code": village_code, "moved_on": moved_on.isoformat(),
        "paid_through": dict.fromkeys(sorted(running), f"{moved_on:%Y-%m}"),
    }
    transfer.save()
    record(user=user, action=AuditAction.CREATE, obj=transfer, person=person, request=request,
           summary=f"跨省通办：申请将 {person.name} 的户籍迁移至{peer.name}"[:300])
    return transfer


@transaction.atomic
def forward_application(user: Any, *, peer_code: str, subject: str, resident_id: str, name: str,
                        phone: str = "", needs_long_term_care: bool = False, note: str = "",
                        request: HttpRequest | None = None,
                        peer: peers.Peer | None = None) -> Transfer:
    """Lodge an application here, at the place of residence, for the place of hukou to
    decide (异地代收): it is forwarded and its decision comes back."""
    scoping.require(user, Capability.MANAGE_CERTIFICATES)
    peer = peer or _peer(peer_code)
    errors = {}
    try:
        resident_id = idnumber.validate(resident_id).number
    except idnumber.ResidentIdError as exc:
        errors["resident_id"] = exc.message
    if subject not in Subject.values:
        errors["subject"] = gettext("Choose what the person applies for")
    if not name.strip():
        errors["name"] = gettext("Give the applicant's name")
    if errors:
        raise ValidationError(errors)
    if user.region is None:
        raise PermissionDenied("no region")
    person = scoping.people_for(user).filter(resident_id=resident_id).first()
    transfer = Transfer(direction=Direction.OUT, kind=Kind.APPLICATION, peer=peer.code,
                        subject=subject, person=person,
                        village_id=person.village_id if person else user.region_id,
                        resident_id=resident_id, name=name.strip(), phone=phone.strip(),
                        pending="forward", next_attempt_at=_now(), created_by=user)
    transfer.payload = {
        "type": "application.forward", "id": str(transfer.uid), "from": peers.self_code(),
        "subject": subject, "lodged_at": _deployment_name(),
        "person": {"resident_id": resident_id, "name": transfer.name, "phone": transfer.phone},
        "declared": {"needs_long_term_care": bool(needs_long_term_care)},
        "note": note.strip()[:300],
    }
    transfer.save()
    record(user=user, action=AuditAction.CREATE, obj=transfer, person=person, request=request,
           summary=f"跨省通办：代收 {transfer.name} 的{Subject(subject).label}申请，转{peer.name}办理"[:300])
    return transfer


# ---- delivery (the sending side) -----------------------------------------------------------

def send(peer: peers.Peer, message: dict[str, Any]) -> dict[str, Any]:
    """Post one signed message to the peer and return its verified answer."""
    body = json.dumps(message, ensure_ascii=False, sort_keys=True).encode()
    signed = signing.sign(peer.key, peers.self_code(), "POST", peers.INBOX_PATH, body,
                          now=time.time())
    try:
        response = requests.post(peer.endpoint(), data=body, timeout=TIMEOUT, headers={
            **signed.headers(), "Content-Type": "application/json"})
    except requests.RequestException as exc:
        raise DeliveryError(f"{peer.name}无法连接：{type(exc).__name__}") from None
    try:
        answer_signed = signing.read_headers(dict(response.headers))
        if answer_signed.peer != peer.code:
            raise signing.SignatureError("peer", "the answer names another peer")
        signing.verify(peer.key, answer_signed, "RESPONSE", peers.INBOX_PATH, response.content,
                       now=time.time())
        answer = response.json()
    except (signing.SignatureError, ValueError) as exc:
        raise DeliveryError(f"{peer.name}的答复未通过签名校验（HTTP "
                            f"{response.status_code}）：{exc}") from None
    if response.status_code != 200 or not isinstance(answer, dict):
        error = answer.get("error", "") if isinstance(answer, dict) else ""
        raise DeliveryError(f"{peer.name}拒收报文（HTTP {response.status_code}）：{error}")
    return answer


def _message(transfer: Transfer) -> dict[str, Any]:
    if transfer.pending in ("request", "forward"):
        return transfer.payload
    kind = {"complete": "transfer.complete", "status": "application.status"}[transfer.pending]
    return {"type": kind, "id": str(transfer.uid)}


def deliver(pk: int) -> Transfer:
    """Send the transfer's pending message and apply the answer. The network call is made
    outside any transaction; the answer is applied in one, to a record still waiting for it."""
    transfer = Transfer.objects.get(pk=pk)
    if not transfer.pending:
        return transfer
    pending = transfer.pending
    peer = peers.get(transfer.peer)
    try:
        if peer is None:
            raise DeliveryError(f"未配置对接地区 {transfer.peer}")
        answer = send(peer, _message(transfer))
    except DeliveryError as exc:
        return record_failure(transfer.pk, str(exc))
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=pk)
        if transfer.pending == pending:
            _apply_answer(transfer, answer, peer)
    return Transfer.objects.get(pk=pk)


def deliver_now(pk: int) -> Transfer:
    """Deliver while a message is due now (a request and then its "complete"), as the
    staff page does right after the staff member starts a matter."""
    transfer = deliver(pk)
    for _ in range(2):
        if not (transfer.pending and not transfer.last_error and transfer.next_attempt_at
                and transfer.next_attempt_at <= _now()):
            break
        transfer = deliver(pk)
    return transfer


def record_answer(pk: int, answer: dict[str, Any], peer: peers.Peer) -> Transfer:
    """Apply an answer obtained otherwise than by ``deliver`` (the demo plays the peer)."""
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=pk)
        if transfer.pending:
            _apply_answer(transfer, answer, peer)
    return Transfer.objects.get(pk=pk)


def record_failure(pk: int, error: str) -> Transfer:
    """A failed attempt: count it and wait longer before the next (``rules.backoff``)."""
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=pk)
        transfer.attempts += 1
        transfer.next_attempt_at = _now() + dt.timedelta(seconds=rules.backoff(transfer.attempts))
        transfer.last_error = error[:300]
        transfer.save(update_fields=["attempts", "next_attempt_at", "last_error", "updated_at"])
    return Transfer.objects.get(pk=pk)


def _next(transfer: Transfer, pending: str, wait: int = 0) -> None:
    transfer.pending = pending
    transfer.attempts = 0
    transfer.last_error = ""
    transfer.next_attempt_at = _now() + dt.timedelta(seconds=wait) if pending else None


def _apply_answer(transfer: Transfer, answer: dict[str, Any], peer: peers.Peer) -> None:
    state = answer.get("state")
    pending = transfer.pending
    if pending in ("request", "forward") and state == State.REFUSED:
        transfer.state = State.REFUSED
        transfer.reason = str(answer.get("reason", ""))[:1000]
        _next(transfer, "")
        record(user=None, action=AuditAction.TRANSITION, obj=transfer, person=transfer.person,
               summary=f"跨省通办：{peer.name}不予接收：{transfer.reason}"[:300])
    elif pending == "request" and state in (State.ACCEPTED, State.COMPLETED):
        transfer.state = State.ACCEPTED
        _close_at_origin(transfer, peer)
        _next(transfer, "complete")
    elif pending == "complete" and state == State.COMPLETED:
        transfer.state = State.COMPLETED
        _next(transfer, "")
    elif pending == "forward" and state in (State.ACCEPTED, State.COMPLETED):
        transfer.state = State.ACCEPTED
        _next(transfer, "status", rules.STATUS_POLL)
        record(user=None, action=AuditAction.TRANSITION, obj=transfer, person=transfer.person,
               summary=f"跨省通办：{peer.name}已受理 {transfer.name} 的"
                       f"{transfer.get_subject_display()}申请"[:300])
    elif pending == "status" and state == State.COMPLETED and answer.get("decision"):
        transfer.state = State.COMPLETED
        transfer.decision = answer["decision"]
        _next(transfer, "")
        outcome = OUTCOME_ZH.get(str(transfer.decision.get("outcome")), "办结")
        record(user=None, action=AuditAction.TRANSITION, obj=transfer, person=transfer.person,
               summary=f"跨省通办：{peer.name}对 {transfer.name} 的申请决定：{outcome}"[:300])
        note = str(transfer.decision.get("note", ""))[:60]
        _notify(transfer.phone, f"【残联】您在{_deployment_name()}代办的{Subject(transfer.subject).label}"
                                f"申请，户籍地{peer.name}已{outcome}{('：' + note) if note else ''}。")
    elif pending == "status" and state == State.ACCEPTED:
        _next(transfer, "status", rules.STATUS_POLL)  # not decided yet: ask again later
    else:
        transfer.attempts += 1
        transfer.last_error = f"{peer.name}的答复无法识别：{state!r}"[:300]
        transfer.next_attempt_at = _now() + dt.timedelta(seconds=rules.backoff(transfer.attempts))
    transfer.save()


def _close_at_origin(transfer: Transfer, peer: peers.Peer) -> None:
    """The destination has registered the person: stop every grant after the move month
    (the move month is still paid here, docs/domain.md §4; a grant stopped later is brought
    back to it, so the roll recovers what was paid after), withdraw open applications, end
    the "1+X" programmes, close the to-dos and mark the certificate transferred out."""
    assert transfer.person_id is not None  # a hukou transfer is of a registered person
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    moved_on = transfer.moved_on or clock.today()
    why = f"户籍迁出至{peer.name}"
    for grant in Grant.objects.filter(person=person):
        benefits.stop_grant(grant, moved_on, why, user=transfer.created_by)
    SubsidyApplication.objects.filter(person=person, state__in=OPEN_APPLICATION_STATES).update(
        state="withdrawn", note=why, updated_at=_now())
    CertificateApplication.objects.filter(person=person, state__in=workflow.OPEN_STATES).update(
        state=workflow.State.WITHDRAWN, state_since=clock.today())
    programmes.end_for_person(person, moved_on, why)
    Todo.objects.filter(person=person, done_at=None).update(done_at=_now(), done_note=why)
    Certificate.objects.filter(person=person, status=CertificateStatus.ISSUED).update(
        status=CertificateStatus.TRANSFERRED_OUT, ended_on=clock.today())
    # no longer resident: the stored home needs follow after the commit (no event is
    # published here, so the "1+X" subscribers do not act twice)
    accessibility.refresh_after_commit([person.pk], since=clock.today())
    Person.objects.filter(pk=person.pk).update(
        category=None, grade=None, **index_values(Person, certificate_number=None))
    record(user=transfer.created_by, action=AuditAction.TRANSITION, obj=transfer, person=person,
           summary=f"跨省通办：{peer.name}已接收，残疾人证迁出，补贴发放至 {moved_on:%Y-%m}，"
                   f"未办结的申请与待办已关闭"[:300])


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled job: send every message whose time has come; forget old nonces."""
    now = now or _now()
    due = list(Transfer.objects.exclude(pending="").filter(next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:500])
    sent = failed = 0
    for pk in due:
        if deliver(pk).last_error:
            failed += 1
        else:
            sent += 1
    SeenNonce.objects.filter(seen_at__lt=now - dt.timedelta(days=2)).delete()
    return {"due": len(due), "delivered": sent, "failed": failed}


# ---- receiving (the answering side) --------------------------------------------------------

def check_nonce(peer_code: str, nonce: str) -> bool:
    """Record a peer's nonce; False if it was seen before (a replayed request)."""
    try:
        with transaction.atomic():
            SeenNonce.objects.create(peer=peer_code, nonce=nonce)
    except IntegrityError:
        return False
    return True


def _answer(transfer: Transfer) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": str(transfer.uid), "state": transfer.state}
    if transfer.reason:
        answer["reason"] = transfer.reason
    if transfer.decision:
        answer["decision"] = transfer.decision
    return answer


def _uid(message: dict[str, Any]) -> uuid.UUID:
    try:
        return uuid.UUID(str(message.get("id", "")))
    except ValueError:
        raise MessageError("id must be a UUID") from None


def receive(peer: peers.Peer, message: dict[str, Any]) -> dict[str, Any]:
    """Answer one verified message from ``peer``."""
    kind = message.get("type")
    uid = _uid(message)
    if kind in ("transfer.request", "application.forward"):
        try:
            with transaction.atomic():
                existing = Transfer.objects.select_for_update().filter(
                    peer=peer.code, direction=Direction.IN, uid=uid).first()
                if existing is not None:
                    return _answer(existing)
                take = _take_hukou if kind == "transfer.request" else _take_application
                return _answer(take(peer, uid, message))
        except IntegrityError:  # the same message, received twice at the same moment
            return _answer(Transfer.objects.get(peer=peer.code, direction=Direction.IN, uid=uid))
    if kind in ("transfer.complete", "application.status"):
        with transaction.atomic():
            transfer = Transfer.objects.select_for_update().filter(
                peer=peer.code, direction=Direction.IN, uid=uid).first()
            if transfer is None:
                raise MessageError("unknown id")
            if kind == "transfer.complete" and transfer.state == State.ACCEPTED:
                transfer.state = State.COMPLETED
                transfer.save(update_fields=["state", "updated_at"])
                record(user=None, action=AuditAction.TRANSITION, obj=transfer,
                       person=transfer.person,
                       summary=f"跨省通办：{peer.name}已停发并关闭原籍事项，迁入办结"[:300])
            elif kind == "application.status" and transfer.state == State.ACCEPTED:
                _check_decision(transfer, peer)
            return _answer(transfer)
    raise MessageError(f"unknown type {kind!r}")


def _dict(message: dict[str, Any], key: str) -> dict[str, Any]:
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def _text(data: Any, key: str, limit: int) -> str:
    value = data.get(key, "") if isinstance(data, dict) else ""
    return str(value or "").strip()[:limit]


def _refused(peer: peers.Peer, uid: uuid.UUID, message: dict[str, Any], kind: str,
             reason: str) -> Transfer:
    person = _dict(message, "person")
    transfer = Transfer.objects.create(
        uid=uid, direction=Direction.IN, kind=kind, peer=peer.code, state=State.REFUSED,
        subject=_text(message, "subject", 12) if kind == Kind.APPLICATION else "",
        village=_root(), resident_id=_text(person, "resident_id", 18),
        name=_text(person, "name", 50), reason=reason, payload=message,
        certificate_number=_text(message.get("certificate"), "number", 22),
        target_village_code=_text(message, "village_code", 12))
    record(user=None, action=AuditAction.TRANSITION, obj=transfer,
           summary=f"跨省通办：不予接收{peer.name}的{transfer.get_kind_display()}：{reason}"[:300])
    return transfer


def _date(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Refusal(f"{field} 不是日期（YYYY-MM-DD）: {value!r}") from None


def _take_hukou(peer: peers.Peer, uid: uuid.UUID, message: dict[str, Any]) -> Transfer:
    try:
        with transaction.atomic():
            return _register_arrival(peer, uid, message)
    except Refusal as exc:
        return _refused(peer, uid, message, Kind.HUKOU, exc.message)


def _register_arrival(peer: peers.Peer, uid: uuid.UUID, message: dict[str, Any]) -> Transfer:
    """Register the person who moved here, with the certificate number kept, open the
    subsidy and programme applications this deployment's rules allow, tell the worker and
    the person."""
    today = clock.today()
    root = _root()
    data = message.get("person")
    cert = message.get("certificate")
    if not isinstance(data, dict) or not isinstance(cert, dict):
        raise Refusal("报文缺少 person 或 certificate")
    try:
        resident_id = idnumber.validate(_text(data, "resident_id", 18)).number
    except idnumber.ResidentIdError as exc:
        raise Refusal(f"公民身份号码无效：{exc.message}") from None
    code = _text(message, "village_code", 12)
    village = Region.objects.filter(code=code, level="village").first()
    if village is None or not root.contains(code):
        raise Refusal(f"迁入地村（社区）代码 {code} 不在{_deployment_name()}辖区内")
    try:
        number = parse_certificate_number(_text(cert, "number", 22))
    except CertificateNumberError as exc:
        raise Refusal(f"残疾人证号无效：{exc.message}") from None
    if (number.resident_id != resident_id or int(number.category) != cert.get("category")
            or int(number.grade) != cert.get("grade")):
        raise Refusal("残疾人证号与公民身份号码、类别或等级不一致")
    valid_until = _date(cert.get("valid_until"), "valid_until")
    if valid_until < today:
        raise Refusal(f"残疾人证已于 {valid_until} 过期，请先在原籍换领")
    moved_on = _date(message.get("moved_on"), "moved_on")
    person = Person.objects.select_for_update().filter(resident_id=resident_id).first()
    if person is not None and person.is_deceased:
        raise Refusal("本地登记此人已去世")
    if person is not None and Certificate.objects.filter(
            person=person, status=CertificateStatus.ISSUED).exists():
        raise Refusal("此人已在本地登记并持有有效残疾人证")
    name = _text(data, "name", 50)
    if person is None:
        person = Person(resident_id=resident_id, name=name, village=village)
        for key in ("phone", "address", "guardian_name", "guardian_resident_id",
                    "guardian_phone", "guardian_relation"):
            setattr(person, key, _text(data, key, 200 if key == "address" else 50))
        person.ethnicity = _text(data, "ethnicity", 2) or "01"
        person.derive_from_id()
        person.save()
    else:
        Person.objects.filter(pk=person.pk).update(village=village)
        person.village = village
    certificate = Certificate.objects.create(
        person=person, number=str(number), category=int(number.category),
        grade=int(number.grade), components=cert.get("components") or [],
        issue_date=_date(cert.get("issue_date"), "issue_date"), valid_until=valid_until,
        reissue_count=number.reissue, issued_by=root)
    Person.objects.filter(pk=person.pk).update(
        category=certificate.category, grade=certificate.grade,
        **index_values(Person, certificate_number=certificate.number))
    person.refresh_from_db()
    transfer = Transfer.objects.create(
        uid=uid, direction=Direction.IN, kind=Kind.HUKOU, peer=peer.code, state=State.ACCEPTED,
        person=person, village=village, resident_id=resident_id, name=person.name,
        phone=person.phone, certificate_number=certificate.number, target_village_code=code,
        moved_on=moved_on, payload=message, local_type="person", local_id=person.pk)
    record(user=None, action=AuditAction.CREATE, obj=person, person=person,
           summary=f"跨省通办：户籍由{peer.name}迁入，残疾人证号不变"[:300])  # no ID in the log
    opened = _open_applications(person, message, today)
    programmes.reevaluate([person.pk], source="户籍迁入", on=today)
    open_todo(person, kind="transfer_arrived", days=5,
              title=f"户籍由{peer.name}迁入，证号不变；请核实登记信息"
                    f"{'与预填的' + '、'.join(opened) + '申请' if opened else ''}"[:200])
    _notify(person.phone, f"【残联】您的残疾人证已由{peer.name}迁入{_deployment_name()}，证号不变。"
                          + (f"已为您预填{'、'.join(opened)}申请，" if opened else "")
                          + "村（社区）工作人员将与您联系核实。")
    return transfer


def _open_applications(person: Person, message: dict[str, Any], today: dt.date) -> list[str]:
    """Pre-fill the subsidies this deployment's rules allow, counted from the month after
    the last month the origin pays (never a month paid twice)."""
    if not has_ruleset():
        return []
    paid = _dict(message, "paid_through")
    opened = []
    for subsidy in Subsidy.values:
        through = paid.get(subsidy)
        last = _date(f"{through}-01", "paid_through") if through else None
        on = rules.first_month_here(last, today)
        application = benefits.prefill(person, subsidy, source_event="户籍迁入", on=on)
        if application is not None:
            opened.append(str(Subsidy(subsidy).label))
    return opened


def _service_user(peer: peers.Peer) -> User:
    """The account a peer's forwarded applications are lodged under (it cannot sign in)."""
    user, made = User.objects.get_or_create(
        username=f"peer-{peer.code}"[:150],
        defaults={"role": Role.FEDERATION_STAFF, "region": _root(),
                  "organisation": f"跨省通办：{peer.name}"[:100]})
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _take_application(peer: peers.Peer, uid: uuid.UUID, message: dict[str, Any]) -> Transfer:
    try:
        with transaction.atomic():
            return _open_forwarded(peer, uid, message)
    except Refusal as exc:
        return _refused(peer, uid, message, Kind.APPLICATION, exc.message)


def _open_forwarded(peer: peers.Peer, uid: uuid.UUID, message: dict[str, Any]) -> Transfer:
    subject = _text(message, "subject", 12)
    if subject not in Subject.values:
        raise Refusal(f"不受理的申请事项：{subject}")
    data = _dict(message, "person")
    resident_id = _text(data, "resident_id", 18)
    person = Person.objects.filter(scoping.deployment_q(), resident_id=resident_id).first()
    if person is None:
        raise Refusal("户籍地未登记此人，请先到户籍地村（社区）登记")
    user = _service_user(peer)
    note = f"{peer.name}代收（{_text(message, 'lodged_at', 60)}）{_text(message, 'note', 200)}"
    try:
        if subject == Subject.CERTIFICATE:
            local: Any = certificates.apply(user, person, certificates.ApplicationInput(
                kind=workflow.Kind.NEW, reason=note[:200]))
            local_type = "certificateapplication"
        else:
            declared = _dict(message, "declared")
            local = benefits.apply(user, person, subject, {
                "needs_long_term_care": bool(declared.get("needs_long_term_care")),
                "hukou_in_region": True})
            local_type = "subsidyapplication"
    except ValidationError as exc:
        raise Refusal("；".join(exc.messages)) from None
    transfer = Transfer.objects.create(
        uid=uid, direction=Direction.IN, kind=Kind.APPLICATION, peer=peer.code,
        state=State.ACCEPTED, subject=subject, person=person, village_id=person.village_id,
        resident_id=person.resident_id, name=person.name, phone=_text(data, "phone", 20),
        payload=message, local_type=local_type, local_id=local.pk)
    open_todo(person, kind="transfer_application", days=5,
              title=f"异地代收申请（{peer.name}转来）：{Subject(subject).label}，请按本地规定办理")
    record(user=user, action=AuditAction.CREATE, obj=transfer, person=person,
           summary=f"跨省通办：受理{peer.name}代收的{Subject(subject).label}申请"[:300])
    return transfer


def _check_decision(transfer: Transfer, peer: peers.Peer) -> None:
    """Fill the decision of a forwarded application once it is taken here."""
    outcome = note = ""
    assert transfer.local_id is not None  # set when the application was opened here
    if transfer.local_type == "subsidyapplication":
        app = SubsidyApplication.objects.get(pk=transfer.local_id)
        outcome = {"approved": "approved", "rejected": "rejected",
                   "withdrawn": "withdrawn"}.get(app.state, "")
        note = app.note
    elif transfer.local_type == "certificateapplication":
        cert_app = CertificateApplication.objects.get(pk=transfer.local_id)
        outcomes: dict[str, str] = {workflow.State.ISSUED: "approved",
                                    workflow.State.REJECTED: "rejected",
                                    workflow.State.WITHDRAWN: "withdrawn"}
        outcome = outcomes.get(cert_app.state, "")
        issued = cert_app.certificate if cert_app.certificate_id else None
        if outcome == "approved" and issued is not None:
            note = f"残疾人证号 {issued.number}"
    if not outcome:
        return
    transfer.state = State.COMPLETED
    transfer.decision = {"outcome": outcome, "note": note[:300],
                         "decided_on": clock.today().isoformat()}
    transfer.save(update_fields=["state", "decision", "updated_at"])
    record(user=None, action=AuditAction.TRANSITION, obj=transfer, person=transfer.person,
           summary=f"跨省通办：代收申请决定已告知{peer.name}：{OUTCOME_ZH[outcome]}"[:300])


def transfers_for(user: Any):
    """The transfers the user may see: those belonging to a village of their region."""
    return Transfer.objects.filter(scoping.region_q(user, "village__code"))
