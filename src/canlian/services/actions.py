"""Recording services and moving renovations along their workflow (each audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.certificates.forms import check_attachment
from canlian.core import clock, separation
from canlian.core.domain import DomainError
from canlian.core.duties import Workflow
from canlian.events import bus
from canlian.people.models import Person
from canlian.regions.models import Region

from .events import ServiceRecorded
from .models import (
    CaseStatus,
    Institution,
    LegalCase,
    Licence,
    Renovation,
    RenovationItem,
    RenovationPhoto,
    RenovationState,
    RequestKind,
    RequestState,
    ServiceRecord,
    ServiceRequest,
    ServiceType,
)


def _check_person(user: Any, person: Person, *, citizen_may: bool = False) -> None:
    """Staff need the editing capability; citizens (when allowed) act only for self and wards."""
    if not (citizen_may and user.role == Role.CITIZEN):
        scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")


@transaction.atomic
def record_service(user: Any, person: Person, service_type: ServiceType, *, start_date: dt.date,
                   end_date: dt.date | None = None, institution: Any = None, provider: str = "",
                   device: Any = None, outcome: str = "", cost: Decimal = Decimal(0),
                   subsidy: Decimal = Decimal(0), request: HttpRequest | None = None
                   ) -> ServiceRecord:
    _check_person(user, person)
    errors: dict[str, str] = {}
    today = clock.today()
    if start_date > today:
        errors["start_date"] = gettext("Date in the future")
    if end_date and end_date < start_date:
        errors["end_date"] = gettext("Ends before it starts")
    if person.death_date and start_date > person.death_date:
        errors["start_date"] = gettext("After the person's death")
    if service_type.age_max is not None and person.age_on(start_date) > service_type.age_max:
        errors["service_type"] = (gettext("Only for ages up to %(age)s")
                                   % {"age": service_type.age_max})
    if service_type.group == "device" and device is None:
        errors["device"] = gettext("Choose the device")
    if subsidy < 0 or cost < 0:
        errors["cost"] = gettext("Amounts cannot be negative")
    elif subsidy > cost:
        errors["subsidy"] = gettext("Subsidy above the cost")
    if errors:
        raise ValidationError(errors)
    service = ServiceRecord.objects.create(
        person=person, service_type=service_type, village_id=person.village_id,
        institution=institution, provider=provider, device=device, start_date=start_date,
        end_date=end_date, outcome=outcome, cost=cost, subsidy=subsidy, recorded_by=user)
    record(user=user, action=Action.CREATE, obj=service, person=person, request=request,
           summary=f"服务记录：{service_type.name}")
    bus.publish(ServiceRecorded(person.pk, service_id=service.pk, group=service_type.group,
                                start_date=start_date, actor_id=user.pk))
    return service


# ---- institutions (机构登记): registered, edited and closed by federation or township, dated --------

INSTITUTION_FIELDS = ("name", "kind", "township", "capacity", "opened_on", "address", "operator",
                      "staff", "professional_staff", "accessibility", "accessibility_note")


def may_register_institutions(user: Any) -> bool:
    """Federation staff register institutions anywhere in the deployment, township staff
    in their own township (its home of the disabled, 残疾人之家 / 如康家园)."""
    return user.role in (Role.FEDERATION_STAFF, Role.TOWNSHIP_STAFF) and user.region is not None


def townships_for(user: Any) -> Any:
    """The townships a user may register institutions in."""
    if user.region.level == "township":
        return Region.objects.filter(pk=user.region.pk)
    return user.region.townships()


def _check_institution(user: Any, data: dict[str, Any]) -> None:
    if not may_register_institutions(user):
        raise PermissionDenied("institutions are registered by federation and township staff")
    township = data.get("township")
    if township is not None and not user.region.contains(township.code):
        raise PermissionDenied("township outside region")


def _institutions_for(user: Any) -> Any:
    return Institution.objects.filter(scoping.region_range_q(user, "township__code"))


@transaction.atomic
def register_institution(user: Any, data: dict[str, Any], *,
                         request: HttpRequest | None = None) -> Any:
    """A new institution, operating from ``opened_on`` (the coverage rates count it from then)."""

    _check_institution(user, data)
    _check_staff(data.get("staff", 0), data.get("professional_staff", 0))
    institution = Institution.objects.create(**{f: data[f] for f in INSTITUTION_FIELDS if f in data})
    if data.get("villages_served"):
        institution.villages_served.set(_villages_served(institution, data["villages_served"]))
    record(user=user, action=Action.CREATE, obj=institution, request=request,
           summary=f"机构登记：{institution.name}（{institution.get_kind_display()}）")
    return institution


@transaction.atomic
def update_institution(user: Any, institution_id: int, data: dict[str, Any], *,
                       request: HttpRequest | None = None) -> Any:
    """Correct an institution's register entry; every changed field is audited."""
    _check_institution(user, data)
    institution = _institutions_for(user).select_for_update().filter(pk=institution_id).first()
    if institution is None:
        raise PermissionDenied("institution outside region")
    changes: dict[str, list[Any]] = {}
    for field in INSTITUTION_FIELDS:
        if field in data and getattr(institution, field) != data[field]:
            old, new = getattr(institution, field), data[field]
            changes[field] = [str(getattr(old, "pk", old)), str(getattr(new, "pk", new))]
            setattr(institution, field, new)
    if institution.closed_on and institution.closed_on < institution.opened_on:
        raise ValidationError({"opened_on": gettext("Opened after it closed")})
    _check_staff(institution.staff, institution.professional_staff)
    if "villages_served" in data:
        old = sorted(institution.villages_served.values_list("code", flat=True))
        villages = _villages_served(institution, data["villages_served"])
        if sorted(v.code for v in villages) != old:
            changes["villages_served"] = [old, sorted(v.code for v in villages)]
            institution.villages_served.set(villages)
    if changes:
        institution.save()
        record(user=user, action=Action.UPDATE, obj=institution, request=request, changes=changes,
               summary=f"机构信息修改：{institution.name}")
    return institution


@transaction.atomic
def close_institution(user: Any, institution_id: int, closed_on: dt.date, reason: str, *,
                      request: HttpRequest | None = None) -> Any:
    """The institution stopped operating on ``closed_on``: from then it no longer counts
    for its township's coverage (years before keep it). Closing moves a plan indicator,
    so it is the federation's, not the township's."""
    _check_institution(user, {})
    if user.role != Role.FEDERATION_STAFF:
        raise PermissionDenied("institutions are closed by the federation")
    institution = _institutions_for(user).select_for_update().filter(pk=institution_id).first()
    if institution is None:
        raise PermissionDenied("institution outside region")
    if institution.closed_on is not None:
        raise ValidationError({"closed_on": gettext("The institution closed on %(date)s")
                                            % {"date": institution.closed_on}})
    if closed_on < institution.opened_on:
        raise ValidationError({"closed_on": gettext("Closed before it opened")})
    if closed_on > clock.today():
        raise ValidationError({"closed_on": gettext("The closing date is in the future")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for closing")})
    institution.closed_on = closed_on
    institution.save(update_fields=["closed_on"])
    record(user=user, action=Action.TRANSITION, obj=institution, request=request,
           changes={"closed_on": [None, closed_on.isoformat()]},
           summary=f"机构关闭：{institution.name}，{closed_on}，{reason.strip()}")
    return institution


# ---- home-accessibility renovation ---------------------------------------------------------

NEXT = {
    "assess": (RenovationState.APPLIED, RenovationState.ASSESSED),
    "contract": (RenovationState.ASSESSED, RenovationState.CONTRACTED),
    "complete": (RenovationState.CONTRACTED, RenovationState.COMPLETED),
    "accept": (RenovationState.COMPLETED, RenovationState.ACCEPTED),
}
LABELS = {"assess": "完成入户评估", "contract": "确定施工单位", "complete": "施工完成",
          "accept": "验收通过", "reject": "不予改造"}


class RenovationError(DomainError):
    """A renovation step its state does not allow."""

    code = "renovation_refused"


@transaction.atomic
def apply_renovation(user: Any, person: Person, *, note: str = "",
                     today: dt.date | None = None) -> Renovation:
    _check_person(user, person, citizen_may=True)
    if person.is_deceased:
        raise ValidationError(gettext("The person is deceased and cannot apply"))
    if Renovation.objects.filter(person=person).exclude(
            state__in=[RenovationState.ACCEPTED, RenovationState.REJECTED]).exists():
        raise ValidationError(gettext("A renovation is already under way"))
    renovation = Renovation.objects.create(person=person, household=person.household,
                                           village_id=person.village_id,
                                           applied_on=today or clock.today(),
                                           note=note)
    record(user=user, action=Action.CREATE, obj=renovation, person=person,
           summary="家庭无障碍改造申请")
    return renovation


@transaction.atomic
def advance_renovation(user: Any, renovation_id: int, step: str, *, on: dt.date | None = None,
                       notes: str = "", contractor: str = "",
                       items: list[tuple[str, int, Decimal]] | None = None,
                       request: HttpRequest | None = None) -> Renovation:
    """assess (with work items) → contract (contractor) → complete → accept; or reject."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    renovation = (Renovation.objects.filter(scoping.region_q(user, "village__code"))
                  .select_related("person", "assessed_by").filter(pk=renovation_id).first())
    if renovation is None:
        raise Renovation.DoesNotExist(renovation_id)
    on = on or clock.today()
    separation.check(Workflow.RENOVATION, step, reviewer=renovation.assessed_by, actor=user)
    if step == "reject":
        source, target = renovation.state, RenovationState.REJECTED
        if source in (RenovationState.ACCEPTED, RenovationState.REJECTED):
            raise RenovationError(gettext("The renovation is closed"))
        if not notes.strip():
            raise ValidationError({"notes": gettext("Give a reason")})
    elif step in NEXT:
        source, target = NEXT[step]
        if renovation.state != source:
            raise RenovationError(gettext("The renovation is “%(state)s”: it cannot be %(step)s now")
                                   % {"state": renovation.get_state_display(), "step": LABELS[step]})
    else:
        raise RenovationError(f"未知步骤 {step!r}")
    changes: dict[str, Any] = {"state": target}
    if step == "assess":
        if not items:
            raise ValidationError({"items": gettext("List at least one work item")})
        for kind, quantity, cost in items:
            if kind not in dict(RenovationItem.KINDS):
                raise ValidationError({"items": f"未知的改造项目 {kind!r}"})
            if quantity < 1 or cost < 0:
                raise ValidationError({"items": gettext("Bad quantity or cost")})
        changes.update(assessed_on=on, assessment_notes=notes, assessed_by=user,
                       cost=sum((c for _, _, c in items), Decimal(0)))
    elif step == "contract":
        if not contractor.strip():
            raise ValidationError({"contractor": gettext("Name the contractor")})
        changes["contractor"] = contractor
    elif step == "complete":
        changes["completed_on"] = on
    elif step == "accept":
        if not renovation.photos.filter(stage="after").exists():
            raise ValidationError({"photos": gettext("Upload a photo of the finished works first")})
        changes["accepted_on"] = on
    elif step == "reject":
        changes["note"] = notes
    moved = Renovation.objects.filter(pk=renovation.pk, version=renovation.version,
                                      state=renovation.state).update(
        version=F("version") + 1, **changes)
    if moved != 1:
        raise RenovationError(gettext("Changed by someone else; reload"))
    if step == "assess":
        RenovationItem.objects.bulk_create([RenovationItem(renovation=renovation, kind=k,
                                                           quantity=q, cost=c)
                                            for k, q, c in items or []])
    renovation.refresh_from_db()
    record(user=user, action=Action.TRANSITION, obj=renovation, person=renovation.person,
           request=request, summary=f"无障碍改造：{LABELS[step]}",
           changes={"state": [source, target]})
    return renovation


@transaction.atomic
def add_photo(user: Any, renovation_id: int, stage: str, upload: Any) -> Any:
    scoping.require(user, Capability.EDIT_PEOPLE)
    renovation = Renovation.objects.filter(scoping.region_q(user, "village__code"),
                                           pk=renovation_id).first()
    if renovation is None:
        raise Renovation.DoesNotExist(renovation_id)
    if stage not in ("before", "after"):
        raise ValidationError({"stage": "stage must be before or after"})
    check_attachment(upload)
    return RenovationPhoto.objects.create(renovation=renovation, stage=stage, image=upload)


@transaction.atomic
def open_case(user: Any, person: Person, kind: str, subject: str, opened_on: dt.date) -> Any:
    _check_person(user, person)
    case = LegalCase.objects.create(person=person, kind=kind, subject=subject, opened_on=opened_on)
    record(user=user, action=Action.CREATE, obj=case, person=person, summary=f"立案：{subject}")
    return case


@transaction.atomic
def update_case(user: Any, case_id: int, status: str, outcome: str = "") -> Any:
    scoping.require(user, Capability.EDIT_PEOPLE)
    case = LegalCase.objects.filter(person__in=scoping.people_for(user), pk=case_id).first()
    if case is None:
        raise LegalCase.DoesNotExist(case_id)
    if status not in CaseStatus.values:
        raise ValidationError({"status": "未知状态"})
    if status == CaseStatus.CLOSED and not outcome.strip():
        raise ValidationError({"outcome": gettext("Give the outcome")})
    case.status = status
    case.outcome = outcome or case.outcome
    case.closed_on = clock.today() if status == CaseStatus.CLOSED else None
    case.save()
    record(user=user, action=Action.UPDATE, obj=case, person=case.person,
           summary=f"案件状态：{case.get_status_display()}")
    return case


# ---- requests for rehabilitation and devices (康复/辅具服务申请) ---------------------------

def requests_for(user: Any):
    return ServiceRequest.objects.filter(person__in=scoping.people_for(user))


@transaction.atomic
def request_service(user: Any, person: Person, kind: str, *, device: Any = None, note: str = "",
                    channel: str = "online", today: dt.date | None = None) -> ServiceRequest:
    """A citizen (or a worker for them) asks for rehabilitation or an assistive device."""
    _check_person(user, person, citizen_may=True)
    if kind not in RequestKind.values:
        raise ValidationError({"kind": gettext("Choose the service")})
    if person.is_deceased:
        raise ValidationError(gettext("The person is deceased and cannot apply"))
    if kind == RequestKind.DEVICE and device is None:
        raise ValidationError({"device": gettext("Choose the device needed")})
    if requests_for(user).filter(person=person, kind=kind,
                                 state__in=[RequestState.SUBMITTED, RequestState.ACCEPTED]).exists():
        raise ValidationError({"kind": gettext("A request is already open")})
    service_request = ServiceRequest.objects.create(
        person=person, village_id=person.village_id, kind=kind,
        device=device if kind == RequestKind.DEVICE else None, note=note.strip(), channel=channel,
        submitted_on=today or clock.today())
    record(user=user, action=Action.CREATE, obj=service_request, person=person,
           summary=f"服务申请：{service_request.get_kind_display()}")
    return service_request


REQUEST_MOVES = {"accept": ([RequestState.SUBMITTED], RequestState.ACCEPTED),
                 "done": ([RequestState.SUBMITTED, RequestState.ACCEPTED], RequestState.DONE),
                 "decline": ([RequestState.SUBMITTED, RequestState.ACCEPTED], RequestState.DECLINED)}


@transaction.atomic
def decide_request(user: Any, request_id: int, move: str, *, note: str = "",
                   today: dt.date | None = None) -> ServiceRequest:
    """Staff accept, mark given, or decline (with a reason) a service request."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    if move not in REQUEST_MOVES:
        raise ValidationError(f"unknown step {move!r}")
    sources, target = REQUEST_MOVES[move]
    service_request = requests_for(user).select_for_update().filter(pk=request_id).first()
    if service_request is None:
        raise ServiceRequest.DoesNotExist(request_id)
    if service_request.state not in sources:
        raise ValidationError(gettext("The request is “%(state)s”: this step cannot be taken now")
                               % {"state": service_request.get_state_display()})
    if move == "decline" and not note.strip():
        raise ValidationError({"note": gettext("Give the reason for refusing")})
    moved = ServiceRequest.objects.filter(pk=service_request.pk, version=service_request.version
                                          ).update(state=target, version=F("version") + 1,
                                                   decided_on=today or clock.today(),
                                                   decided_by=user, decision_note=note.strip())
    if moved != 1:
        raise ValidationError(gettext("This application was changed by someone else; reload"))
    service_request.refresh_from_db()
    record(user=user, action=Action.TRANSITION, obj=service_request, person=service_request.person,
           summary=f"服务申请：{service_request.get_state_display()}",
           changes={"state": [sources[0], target]})
    return service_request


def _check_staff(staff: int, professionals: int) -> None:
    if professionals > staff:
        raise ValidationError({"professional_staff": gettext(
            "The professionals (%(pro)d) cannot outnumber the staff (%(staff)d).")
            % {"pro": professionals, "staff": staff}})


def _villages_served(institution: Any, villages: Any) -> list[Any]:
    """The villages an institution serves lie in its own township."""
    villages = list(villages)
    outside = [v.name for v in villages
               if v.level != "village" or not institution.township.contains(v.code)]
    if outside:
        raise ValidationError({"villages_served": gettext(
            "Not villages of %(township)s: %(names)s.")
            % {"township": institution.township.name, "names": "、".join(outside)}})
    return villages


# ---- licences and qualifications (资质证照) -----------------------------------------------------

LICENCE_FIELDS = ("kind", "name", "number", "holder", "issuer", "issued_on", "expires_on")
LICENCE_WARNING_DAYS = 60


@transaction.atomic
def add_licence(user: Any, institution_id: int, data: dict[str, Any], *,
                request: HttpRequest | None = None) -> Any:
    """Record a licence of the institution, or a qualification of one of its staff, with its
    expiry (a renewal is a new licence; the old one is withdrawn)."""
    _check_institution(user, {})
    institution = _institutions_for(user).filter(pk=institution_id).first()
    if institution is None:
        raise PermissionDenied("institution outside region")
    issued, expires = data["issued_on"], data.get("expires_on")
    if issued > clock.today():
        raise ValidationError({"issued_on": gettext("The issue date is in the future.")})
    if expires is not None and expires < issued:
        raise ValidationError({"expires_on": gettext("The licence expires before it was issued.")})
    licence = Licence.objects.create(institution=institution,
                                     **{f: data[f] for f in LICENCE_FIELDS if f in data})
    record(user=user, action=Action.CREATE, obj=institution, request=request,
           changes={"licence": [None, licence.name]},
           summary=f"资质登记：{institution.name}，{licence.name}"
                   + (f"（{licence.holder}）" if licence.holder else "")
                   + (f"，有效期至 {expires}" if expires else "，长期有效"))
    return licence


@transaction.atomic
def withdraw_licence(user: Any, licence_id: int, on: dt.date, *,
                     request: HttpRequest | None = None) -> Any:
    """The licence no longer holds from ``on`` (replaced, revoked or the holder left)."""

    _check_institution(user, {})
    licence = (Licence.objects.select_for_update().select_related("institution")
               .filter(institution__in=_institutions_for(user), pk=licence_id).first())
    if licence is None:
        raise PermissionDenied("licence outside region")
    if licence.withdrawn_on is not None:
        raise ValidationError({"on": gettext("Already withdrawn on %(day)s.")
                               % {"day": licence.withdrawn_on}})
    if on < licence.issued_on:
        raise ValidationError({"on": gettext("The licence was issued after that date.")})
    licence.withdrawn_on = on
    licence.save(update_fields=["withdrawn_on"])
    record(user=user, action=Action.UPDATE, obj=licence.institution, request=request,
           changes={"licence": [licence.name, None]},
           summary=f"资质注销：{licence.institution.name}，{licence.name}，{on}")
    return licence


def expiring_licences(institutions: Any, today: dt.date, days: int = LICENCE_WARNING_DAYS) -> Any:
    """Current licences of open institutions that expire within ``days`` or have expired."""
    return (Licence.objects.filter(institution__in=institutions, withdrawn_on=None,
                                   institution__closed_on=None,
                                   expires_on__lte=today + dt.timedelta(days=days))
            .select_related("institution").order_by("expires_on"))
