"""Every write of community support: checked, atomic and audited.

Views call these functions and nothing else writes the community tables (no signals).
Each function checks the role's capability (``PermissionDenied``: 403), finds the record
through the scoping layer (``DoesNotExist``: 404 outside the region, so its existence is
not disclosed), applies the plain rule modules, writes inside one transaction and records
the act in the audit log. Refusals raise ``ValidationError`` (field → message) or
:class:`CommunityError`, in Chinese with the English in brackets, like the other apps.

Capabilities: field work (volunteers, requests, hours, visits, the roster, check-ins,
watch reviews) needs ``EDIT_PEOPLE`` (village, township and federation staff); supervision
(organisations, declaring and closing emergencies, screening and closing watch cases,
places, inspections and rectification) needs ``REVIEW`` (township and federation staff).
Auditors have neither.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.domain import DomainError
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.regions.models import Region

from . import emergency_rules, inspection_rules, poverty_rules, queries, visit_rules, volunteer_rules
from .models import (
    CareProfile,
    CheckIn,
    Emergency,
    Inspection,
    LogStatus,
    Organisation,
    Place,
    Problem,
    ProblemPhoto,
    RequestStatus,
    RosterEntry,
    ServiceLog,
    ServiceRequest,
    Visit,
    Volunteer,
    WatchCase,
    WatchEvent,
    WatchReview,
)


class CommunityError(DomainError):
    """A step the record's state does not allow (e.g. checking in after an emergency ended)."""

    code = "community_refused"


def _today() -> dt.date:
    return clock.today()


def _person(user: Any, person: Person | int, capability: Capability = Capability.EDIT_PEOPLE
            ) -> Person:
    """The person, if in the user's region (else ``Person.DoesNotExist``) and alive."""
    scoping.require(user, capability)
    pk = person.pk if isinstance(person, Person) else person
    found = scoping.people_for(user).select_related("village", "household").filter(pk=pk).first()
    if found is None:
        raise Person.DoesNotExist(pk)
    if found.is_deceased:
        raise ValidationError(gettext("The person has died"))
    return found


def _village(user: Any, village: Region | str | None, field: str = "village") -> Region:
    code = village.code if isinstance(village, Region) else village
    found = queries.villages_for(user).filter(code=code).first() if code else None
    if found is None:
        raise ValidationError({field: gettext("Choose a village in your region")})
    return found


def _not_future(day: dt.date | None, field: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise ValidationError({field: gettext("The date is in the future")})


def _required(value: str, field: str, zh: str, en: str) -> str:
    if not (value or "").strip():
        raise ValidationError({field: f"{zh} ({en})"})
    return value.strip()


# ==== volunteers (助残志愿者) =====================================================================


@transaction.atomic
def register_organisation(user: Any, *, name: str, kind: str, village: Region | str,
                          credit_code: str = "", contact_name: str = "", phone: str = "",
                          services: str = "", registered_on: dt.date | None = None,
                          request: HttpRequest | None = None) -> Organisation:
    scoping.require(user, Capability.REVIEW)
    place = _village(user, village)
    today = _today()
    _not_future(registered_on, "registered_on", today)
    if credit_code:
        from canlian.employment import uscc

        try:
            credit_code = uscc.validate(credit_code)
        except ValueError as exc:
            raise ValidationError({"credit_code": str(exc)}) from None
    org = Organisation.objects.create(
        name=_required(name, "name", "请填写名称", "give the name"), kind=kind, village=place,
        credit_code=credit_code, contact_name=contact_name, phone=phone, services=services,
        registered_on=registered_on or today)
    record(user=user, action=Action.CREATE, obj=org, request=request, summary=f"助残社会组织：{org.name}")
    return org


def _check_volunteer_data(user: Any, data: dict[str, Any], current: Volunteer | None) -> dict:
    errors: dict[str, str] = {}
    skills = list(dict.fromkeys(data.get("skills") or []))
    if not skills:
        errors["skills"] = gettext("Choose at least one skill")
    elif any(s not in volunteer_rules.SKILLS for s in skills):
        errors["skills"] = gettext("Unknown skill")
    availability = list(dict.fromkeys(data.get("availability") or []))
    if any(a not in volunteer_rules.AVAILABILITY for a in availability):
        errors["availability"] = gettext("Unknown availability")
    rid = (data.get("resident_id") or "").strip().upper()
    if rid:
        try:
            rid = idnumber.validate(rid).number
        except ValueError as exc:
            errors["resident_id"] = str(exc)
        else:
            clash = Volunteer.objects.filter(resident_id=rid)
            if current is not None:
                clash = clash.exclude(pk=current.pk)
            if clash.filter(pk__in=queries.volunteers_for(user)).exists():
                errors["resident_id"] = gettext("Already registered as a volunteer")
            elif clash.exists():  # held elsewhere: say nothing of who or where
                errors["resident_id"] = (gettext("This ID cannot be registered here: ask the federation"))
    if not (data.get("phone") or "").strip():
        errors["phone"] = gettext("Give a phone number")
    org = data.get("organisation")
    if org is not None and not queries.organisations_for(user).filter(pk=org.pk).exists():
        errors["organisation"] = gettext("Choose an organisation in your region")
    if errors:
        raise ValidationError(errors)
    return {"skills": skills, "availability": availability, "resident_id": rid}


@transaction.atomic
def save_volunteer(user: Any, data: dict[str, Any], volunteer: Volunteer | int | None = None,
                   request: HttpRequest | None = None) -> Volunteer:
    """Register a volunteer (志愿者注册) or change one's data."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    current = None
    if volunteer is not None:
        pk = volunteer.pk if isinstance(volunteer, Volunteer) else volunteer
        current = queries.volunteers_for(user).select_for_update().filter(pk=pk).first()
        if current is None:
            raise Volunteer.DoesNotExist(pk)
    village = _village(user, data.get("village"))
    today = _today()
    _not_future(data.get("registered_on"), "registered_on", today)
    checked = _check_volunteer_data(user, data, current)
    fields = {"name": _required(data.get("name", ""), "name", "请填写姓名", "give the name"),
              "phone": data["phone"].strip(), "village": village,
              "organisation": data.get("organisation"), "note": data.get("note", ""),
              "active": data.get("active", True), **checked}
    if current is None:
        current = Volunteer.objects.create(registered_on=data.get("registered_on") or today, **fields)
        record(user=user, action=Action.CREATE, obj=current, request=request,
               summary=f"志愿者注册：{current.name}")
    else:
        for key, value in fields.items():
            setattr(current, key, value)
        current.save()
        record(user=user, action=Action.UPDATE, obj=current, request=request,
               summary=f"志愿者信息变更：{current.name}")
    return current


@transaction.atomic
def create_request(user: Any, person: Person | int, *, source: str, skill: str,
                   description: str, slot: str = "", wanted_on: dt.date | None = None,
                   request: HttpRequest | None = None) -> ServiceRequest:
    """A request for volunteer help (服务需求) for a person in the user's region."""
    person = _person(user, person)
    if skill not in volunteer_rules.SKILLS:
        raise ValidationError({"skill": gettext("Unknown kind of help")})
    if slot and slot not in volunteer_rules.AVAILABILITY:
        raise ValidationError({"slot": gettext("Unknown time")})
    if source not in ("person", "worker"):
        raise ValidationError({"source": gettext("Unknown source")})
    today = _today()
    if wanted_on is not None and wanted_on < today:
        raise ValidationError({"wanted_on": gettext("The wanted date has passed")})
    made = ServiceRequest.objects.create(
        person=person, source=source, skill=skill, slot=slot, wanted_on=wanted_on,
        description=_required(description, "description", "请描述需求", "describe the need"),
        created_by=user, created_on=today)
    record(user=user, action=Action.CREATE, obj=made, person=person, request=request,
           summary=f"志愿服务需求：{volunteer_rules.SKILLS[skill][0]}")
    return made


def _scoped_request(user: Any, request_id: int) -> ServiceRequest:
    found = (queries.requests_for(user).select_related("person__village", "volunteer")
             .filter(pk=request_id).first())
    if found is None:
        raise ServiceRequest.DoesNotExist(request_id)
    return found


@transaction.atomic
def assign(user: Any, request_id: int, volunteer_id: int | None,
           request: HttpRequest | None = None) -> ServiceRequest:
    """Assign (or re-assign) a volunteer with the skill to an open request (派单)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    found = _scoped_request(user, request_id)
    if found.status not in (RequestStatus.OPEN, RequestStatus.ASSIGNED):
        raise CommunityError(gettext("The request is %(status)s; it cannot be assigned")
                             % {"status": found.get_status_display()})
    volunteer = queries.volunteers_for(user).filter(pk=volunteer_id).first() if volunteer_id else None
    if volunteer is None:
        raise ValidationError({"volunteer": gettext("Choose a volunteer in your region")})
    if not volunteer.active:
        raise ValidationError({"volunteer": gettext("The volunteer is not active")})
    if found.skill not in (volunteer.skills or []):
        raise ValidationError({"volunteer": (gettext("The volunteer lacks the skill “%(skill)s”")
                                             % {"skill": volunteer_rules.SKILLS[found.skill][0]})})
    moved = ServiceRequest.objects.filter(pk=found.pk, version=found.version).update(
        volunteer=volunteer, status=RequestStatus.ASSIGNED, assigned_on=_today(),
        version=F("version") + 1)
    if moved != 1:
        raise CommunityError(gettext("Changed by someone else; reload"))
    found.refresh_from_db()
    record(user=user, action=Action.TRANSITION, obj=found, person=found.person, request=request,
           summary=f"志愿服务派单：{volunteer.name}", changes={"volunteer": volunteer.pk})
    return found


@transaction.atomic
def close_request(user: Any, request_id: int, outcome: str,
                  request: HttpRequest | None = None) -> ServiceRequest:
    """Mark a request done (needs a service log) or cancelled."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    found = _scoped_request(user, request_id)
    if found.status in (RequestStatus.DONE, RequestStatus.CANCELLED):
        raise CommunityError(gettext("The request is already %(status)s")
                             % {"status": found.get_status_display()})
    if outcome == RequestStatus.DONE:
        if not found.logs.exists():
            raise CommunityError(gettext("Record the service first"))
    elif outcome != RequestStatus.CANCELLED:
        raise ValidationError({"outcome": gettext("Unknown outcome")})
    moved = ServiceRequest.objects.filter(pk=found.pk, version=found.version).update(
        status=outcome, closed_on=_today(), version=F("version") + 1)
    if moved != 1:
        raise CommunityError(gettext("Changed by someone else; reload"))
    found.refresh_from_db()
    record(user=user, action=Action.TRANSITION, obj=found, person=found.person, request=request,
           summary=f"志愿服务需求：{found.get_status_display()}")
    return found


@transaction.atomic
def log_service(user: Any, request_id: int, *, served_on: dt.date, hours: Decimal | str,
                description: str, request: HttpRequest | None = None) -> ServiceLog:
    """Record a volunteer's service on an assigned request (服务记录), pending confirmation."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    found = _scoped_request(user, request_id)
    if found.volunteer is None or found.status == RequestStatus.CANCELLED:
        raise CommunityError(gettext("Assign a volunteer first"))
    rules = queries.rules().volunteers
    today = _today()
    try:
        value = volunteer_rules.check_hours(hours, served_on, today, rules)
    except volunteer_rules.HoursError as exc:
        field = "served_on" if served_on > today else "hours"
        raise ValidationError({field: exc.message}) from None
    if served_on < found.created_on:
        raise ValidationError({"served_on": gettext("Before the request was made")})
    log = ServiceLog.objects.create(
        volunteer=found.volunteer, request=found, person=found.person, served_on=served_on,
        hours=value, description=_required(description, "description", "请填写服务内容",
                                           "say what was done"),
        recorded_by=user)
    record(user=user, action=Action.CREATE, obj=log, person=found.person, request=request,
           summary=f"志愿服务记录：{found.volunteer.name} {value} 小时")
    return log


@transaction.atomic
def confirm_log(user: Any, log_id: int, *, kind: str, accept: bool = True, note: str = "",
                request: HttpRequest | None = None) -> ServiceLog:
    """Confirm (or refuse) the hours of a log: by the person served, recorded by a worker
    with a note of how (e.g. a signature), or by a worker other than the one who logged it."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    log = (queries.logs_for(user).select_for_update().select_related("person", "volunteer")
           .filter(pk=log_id).first())
    if log is None:
        raise ServiceLog.DoesNotExist(log_id)
    if log.status != LogStatus.PENDING:
        raise CommunityError(gettext("The record is already %(status)s")
                             % {"status": log.get_status_display()})
    if kind not in ("person", "worker"):
        raise ValidationError({"kind": gettext("Say who confirms")})
    if kind == "person" and not note.strip():
        raise ValidationError({"note": gettext("Say how the person confirmed, e.g. signed")})
    if kind == "worker" and accept and log.recorded_by_id == user.pk:
        raise CommunityError(gettext("The worker who logged the hours cannot confirm them"))
    if not accept and not note.strip():
        raise ValidationError({"note": gettext("Give the reason")})
    log.status = LogStatus.CONFIRMED if accept else LogStatus.REJECTED
    log.confirmed_kind, log.confirmed_by, log.confirmed_on = kind, user, _today()
    log.confirm_note = note.strip()
    log.save()
    record(user=user, action=Action.TRANSITION, obj=log, person=log.person, request=request,
           summary=f"服务时长{'确认' if accept else '不予确认'}：{log.volunteer.name} {log.hours} 小时",
           changes={"status": ["pending", log.status]})
    return log


# ==== care profile and visits (照护状况、走访探视) ==================================================


def _emergency_facts(person: Person, profile: CareProfile | None, today: dt.date
                     ) -> emergency_rules.EmergencyFacts:
    return emergency_rules.EmergencyFacts(
        age=visit_rules.age_on(person.birth_date, today), grade=person.grade,
        category=person.category, mobility=profile.mobility if profile else "independent",
        lives_alone=bool(profile and profile.lives_alone),
        assistive_devices=tuple(profile.assistive_devices if profile else ()),
        powered_devices=tuple(profile.powered_devices if profile else ()))


def _apply_priority(entry: RosterEntry, person: Person, profile: CareProfile | None,
                    today: dt.date) -> None:
    result = emergency_rules.priority(_emergency_facts(person, profile, today),
                                      queries.rules().emergency)
    entry.priority = result.points
    entry.level = result.level.name
    entry.powered = bool(profile and profile.powered_devices)
    entry.reasons = [{"code": r.code, "points": r.points, "zh": r.zh, "en": r.en}
                     for r in result.reasons]


@transaction.atomic
def save_profile(user: Any, person: Person | int, *, lives_alone: bool, mobility: str,
                 assistive_devices: list[str], powered_devices: list[str], note: str = "",
                 request: HttpRequest | None = None) -> CareProfile:
    """A person's circumstances (照护状况); a roster entry's priority follows at once."""
    person = _person(user, person)
    if mobility not in emergency_rules.MOBILITY:
        raise ValidationError({"mobility": gettext("Unknown mobility")})
    if any(d not in emergency_rules.ASSISTIVE_DEVICES for d in assistive_devices):
        raise ValidationError({"assistive_devices": gettext("Unknown device")})
    if any(d not in emergency_rules.POWERED_DEVICES for d in powered_devices):
        raise ValidationError({"powered_devices": gettext("Unknown medical device")})
    today = _today()
    profile, _created = CareProfile.objects.update_or_create(person=person, defaults={
        "lives_alone": lives_alone, "mobility": mobility,
        "assistive_devices": list(dict.fromkeys(assistive_devices)),
        "powered_devices": list(dict.fromkeys(powered_devices)),
        "needs_power": bool(powered_devices), "note": note, "updated_on": today,
        "updated_by": user})
    entry = RosterEntry.objects.filter(person=person).first()
    if entry is not None:
        _apply_priority(entry, person, profile, today)
        entry.save(update_fields=["priority", "level", "powered", "reasons"])
    record(user=user, action=Action.UPDATE, obj=profile, person=person, request=request,
           summary="照护状况更新")
    return profile


@transaction.atomic
def record_visit(user: Any, person: Person | int, *, visited_on: dt.date, kind: str,
                 findings: str, follow_up: str = "", follow_up_due: dt.date | None = None,
                 request: HttpRequest | None = None) -> Visit:
    """A visit (走访探视) with its findings and, if any, the follow-up it calls for."""
    person = _person(user, person)
    today = _today()
    _not_future(visited_on, "visited_on", today)
    if visited_on < person.birth_date:
        raise ValidationError({"visited_on": gettext("Before the person was born")})
    if kind not in dict(Visit.KINDS):
        raise ValidationError({"kind": gettext("Unknown kind of visit")})
    if follow_up_due is not None and not follow_up.strip():
        raise ValidationError({"follow_up": gettext("A due date needs the follow-up action")})
    if follow_up_due is not None and follow_up_due < visited_on:
        raise ValidationError({"follow_up_due": gettext("Due before the visit")})
    visit = Visit.objects.create(
        person=person, visited_on=visited_on, kind=kind, visitor=user,
        findings=_required(findings, "findings", "请填写走访发现", "record what was found"),
        follow_up=follow_up.strip(), follow_up_due=follow_up_due)
    record(user=user, action=Action.CREATE, obj=visit, person=person, request=request,
           summary=f"走访探视 {visited_on}")
    return visit


@transaction.atomic
def complete_follow_up(user: Any, visit_id: int, *, note: str, on: dt.date | None = None,
                       request: HttpRequest | None = None) -> Visit:
    scoping.require(user, Capability.EDIT_PEOPLE)
    visit = queries.visits_for(user).select_for_update().select_related("person").filter(
        pk=visit_id).first()
    if visit is None:
        raise Visit.DoesNotExist(visit_id)
    if not visit.follow_up:
        raise CommunityError(gettext("The visit has no follow-up"))
    if visit.follow_up_done_on is not None:
        raise CommunityError(gettext("The follow-up is already done"))
    on = on or _today()
    _not_future(on, "on", _today())
    if on < visit.visited_on:
        raise ValidationError({"on": gettext("Before the visit")})
    visit.follow_up_done_on = on
    visit.follow_up_note = _required(note, "note", "请填写落实情况", "say what was done")
    visit.save(update_fields=["follow_up_done_on", "follow_up_note"])
    record(user=user, action=Action.UPDATE, obj=visit, person=visit.person, request=request,
           summary="走访后续措施已落实")
    return visit


# ==== emergency protection (应急保护) ===========================================================


@transaction.atomic
def save_roster_entry(user: Any, person: Person | int, *, contact_name: str, contact_phone: str,
                      contact_relation: str = "", paired_volunteer: Volunteer | None = None,
                      note: str = "", request: HttpRequest | None = None) -> RosterEntry:
    """Put a person on the roster (or update the entry) with a contact person (帮包联系人)
    and, optionally, a paired volunteer (结对); the priority comes from the rules."""
    person = _person(user, person)
    errors = {}
    if not contact_name.strip():
        errors["contact_name"] = gettext("Name the contact person")
    if not contact_phone.strip():
        errors["contact_phone"] = gettext("Give the contact's phone")
    if paired_volunteer is not None and not queries.volunteers_for(user).filter(
            pk=paired_volunteer.pk, active=True).exists():
        errors["paired_volunteer"] = gettext("Choose an active volunteer in your region")
    if errors:
        raise ValidationError(errors)
    today = _today()
    entry = RosterEntry.objects.select_for_update().filter(person=person).first()
    created = entry is None or entry.removed_on is not None
    entry = entry or RosterEntry(person=person, added_on=today)
    if entry.removed_on is not None:
        entry.removed_on, entry.added_on = None, today
    if paired_volunteer is not None and entry.paired_volunteer_id != paired_volunteer.pk:
        entry.paired_since = today
    elif paired_volunteer is None:
        entry.paired_since = None
    entry.contact_name, entry.contact_phone = contact_name.strip(), contact_phone.strip()
    entry.contact_relation, entry.paired_volunteer, entry.note = contact_relation, paired_volunteer, note
    _apply_priority(entry, person, CareProfile.objects.filter(person=person).first(), today)
    entry.save()
    record(user=user, action=Action.CREATE if created else Action.UPDATE, obj=entry, person=person,
           request=request, summary=f"应急保护名册：{entry.level}（{entry.priority} 分）")
    return entry


@transaction.atomic
def remove_from_roster(user: Any, entry_id: int, *, reason: str,
                       request: HttpRequest | None = None) -> RosterEntry:
    scoping.require(user, Capability.EDIT_PEOPLE)
    entry = queries.roster_for(user).select_for_update().select_related("person").filter(
        pk=entry_id).first()
    if entry is None:
        raise RosterEntry.DoesNotExist(entry_id)
    if entry.removed_on is not None:
        raise CommunityError(gettext("Already removed from the roster"))
    entry.removed_on = _today()
    entry.note = _required(reason, "reason", "请说明移出原因", "give the reason")
    entry.save(update_fields=["removed_on", "note"])
    record(user=user, action=Action.UPDATE, obj=entry, person=entry.person, request=request,
           summary=f"移出应急保护名册：{entry.note}")
    return entry


def update_priorities(entries: Any, today: dt.date) -> int:
    """Recompute the priority of many entries (grades change with certificates), set-based:
    one read, one bulk update. Returns how many changed."""
    rules = queries.rules().emergency
    rows = entries.values("id", "priority", "level", "reasons", "powered", "person__birth_date",
                          "person__grade", "person__category", "person__care_profile__mobility",
                          "person__care_profile__lives_alone",
                          "person__care_profile__assistive_devices",
                          "person__care_profile__powered_devices")
    changed = []
    for r in rows:
        facts = emergency_rules.EmergencyFacts(
            age=visit_rules.age_on(r["person__birth_date"], today), grade=r["person__grade"],
            category=r["person__category"],
            mobility=r["person__care_profile__mobility"] or "independent",
            lives_alone=bool(r["person__care_profile__lives_alone"]),
            assistive_devices=tuple(r["person__care_profile__assistive_devices"] or ()),
            powered_devices=tuple(r["person__care_profile__powered_devices"] or ()))
        result = emergency_rules.priority(facts, rules)
        reasons = [{"code": x.code, "points": x.points, "zh": x.zh, "en": x.en}
                   for x in result.reasons]
        if (result.points, result.level.name, reasons) != (r["priority"], r["level"], r["reasons"]):
            changed.append(RosterEntry(id=r["id"], priority=result.points, level=result.level.name,
                                       reasons=reasons, powered=bool(facts.powered_devices)))
    RosterEntry.objects.bulk_update(changed, ["priority", "level", "reasons", "powered"],
                                    batch_size=1000)
    return len(changed)


@transaction.atomic
def recompute_priorities(user: Any, request: HttpRequest | None = None) -> int:
    scoping.require(user, Capability.EDIT_PEOPLE)
    count = update_priorities(queries.roster_for(user).filter(removed_on__isnull=True), _today())
    record(user=user, action=Action.UPDATE, object_type="rosterentry", request=request,
           summary=f"重新计算应急名册优先级：{count} 人变化")
    return count


@transaction.atomic
def declare_emergency(user: Any, *, name: str, kind: str, region: Region | str, note: str = "",
                      request: HttpRequest | None = None) -> Emergency:
    """Declare an emergency (启动应急响应) over the user's region or a part of it."""
    scoping.require(user, Capability.REVIEW)
    code = region.code if isinstance(region, Region) else region
    area = Region.objects.filter(code=code).first() if code else None
    if area is None or not scoping.in_scope(user, area.code):
        raise ValidationError({"region": gettext("Choose an area in your region")})
    emergency = Emergency.objects.create(
        name=_required(name, "name", "请填写事件名称", "name the emergency"), kind=kind,
        region=area, declared_at=timezone.now(), declared_by=user, note=note)
    record(user=user, action=Action.CREATE, obj=emergency, request=request,
           summary=f"启动应急响应：{emergency.name}（{area.name}）")
    return emergency


def _scoped_emergency(user: Any, emergency_id: int) -> Emergency:
    found = queries.emergencies_for(user).select_related("region").filter(pk=emergency_id).first()
    if found is None:
        raise Emergency.DoesNotExist(emergency_id)
    return found


@transaction.atomic
def close_emergency(user: Any, emergency_id: int, request: HttpRequest | None = None) -> Emergency:
    scoping.require(user, Capability.REVIEW)
    emergency = _scoped_emergency(user, emergency_id)
    if not scoping.in_scope(user, emergency.region_id):
        raise PermissionDenied(gettext("Declared over a wider area"))
    if emergency.closed_at is not None:
        raise CommunityError(gettext("The emergency is already closed"))
    emergency.closed_at = timezone.now()
    emergency.save(update_fields=["closed_at"])
    record(user=user, action=Action.TRANSITION, obj=emergency, request=request,
           summary=f"结束应急响应：{emergency.name}")
    return emergency


@transaction.atomic
def check_in(user: Any, emergency_id: int, person_id: int | None, *, state: str, note: str = "",
             request: HttpRequest | None = None) -> CheckIn:
    """Record that a person on the roster was reached (or not) during an emergency; a later
    check-in of the same person replaces the earlier one on the board."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    emergency = _scoped_emergency(user, emergency_id)
    if emergency.closed_at is not None:
        raise CommunityError(gettext("The emergency is closed"))
    if state not in emergency_rules.CHECKIN_STATES:
        raise ValidationError({"state": gettext("Choose the result")})
    low, high = emergency.region.code_range
    entry = (queries.roster(user).filter(person_id=person_id, person__village__code__range=(low, high))
             .select_related("person").first() if person_id else None)
    if entry is None:
        raise ValidationError({"person": gettext("The person is not on the roster of this emergency's area")})
    if state in ("unreachable", "needs_help") and not note.strip():
        raise ValidationError({"note": gettext("Say what happens next")})
    checkin, _created = CheckIn.objects.update_or_create(
        emergency=emergency, person=entry.person,
        defaults={"state": state, "note": note.strip(), "at": timezone.now(), "by": user})
    record(user=user, action=Action.UPDATE, obj=checkin, person=entry.person, request=request,
           summary=f"应急联络：{emergency_rules.CHECKIN_STATES[state][0]}（{emergency.name}）")
    return checkin


# ==== poverty-return watch (防止返贫动态监测) ======================================================


@transaction.atomic
def record_event(user: Any, person: Person | int, *, kind: str, occurred_on: dt.date,
                 amount: Decimal = Decimal(0), note: str = "",
                 request: HttpRequest | None = None) -> WatchEvent:
    """A shock to the household (风险事件): medical costs, a job lost, a disaster."""
    person = _person(user, person)
    if kind not in dict(WatchEvent.KINDS):
        raise ValidationError({"kind": gettext("Unknown kind")})
    _not_future(occurred_on, "occurred_on", _today())
    if amount < 0:
        raise ValidationError({"amount": gettext("The amount cannot be negative")})
    if kind == "medical_costs" and amount <= 0:
        raise ValidationError({"amount": gettext("Give the amount paid")})
    event = WatchEvent.objects.create(person=person, household=person.household, kind=kind,
                                      occurred_on=occurred_on, amount=amount, note=note,
                                      recorded_by=user)
    record(user=user, action=Action.CREATE, obj=event, person=person, request=request,
           summary=f"返贫风险事件：{event.get_kind_display()}")
    return event


def _max_by(rows: Any) -> dict:
    out: dict = {}
    for key, value in rows:
        if key is not None and (key not in out or value > out[key]):
            out[key] = value
    return out


def screen_people(people: Any, today: dt.date, *, user: Any = None,
                  request: HttpRequest | None = None) -> dict[str, int]:
    """Screen ``people`` (already scoped) with the watch rules, set-based: a handful of
    grouped queries for the facts, the pure rules per candidate, one bulk insert of new
    cases and one bulk update of the others. Open cases no longer flagged keep their
    history but lose their flags (the monthly review decides to close them)."""
    from canlian.certificates.models import Certificate
    from canlian.employment.models import Placement

    rules = queries.rules().poverty
    line = queries.dibao_standard(today)
    people = people.filter(life_status="alive")
    in_scope = people.values("pk")
    households = people.exclude(household=None).values("household_id")

    since = poverty_rules.months_before(today, 12)
    medical = WatchEvent.objects.filter(kind="medical_costs", occurred_on__range=(since, today),
                                        person__in=in_scope).order_by()
    medical_household = dict(medical.exclude(household=None).values_list("household_id")
                             .annotate(total=Sum("amount")))
    medical_person = dict(medical.filter(household=None).values_list("person_id")
                          .annotate(total=Sum("amount")))

    since = poverty_rules.months_before(today, rules.job_loss_months)
    events = WatchEvent.objects.filter(kind="job_loss", occurred_on__range=(since, today),
                                       person__in=in_scope).order_by()
    working = Placement.objects.filter(person=OuterRef("person_id"), start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gt=today))
    ended = (Placement.objects.filter(person__in=in_scope, end__range=(since, today))
             .exclude(Exists(working)).order_by())
    job_household = _max_by([*events.exclude(household=None).values_list("household_id")
                              .annotate(last=Max("occurred_on")),
                              *ended.exclude(person__household=None)
                              .values_list("person__household_id").annotate(last=Max("end"))])
    job_person = _max_by([*events.filter(household=None).values_list("person_id")
                          .annotate(last=Max("occurred_on")),
                          *ended.filter(person__household=None).values_list("person_id")
                          .annotate(last=Max("end"))])

    since = poverty_rules.months_before(today, rules.new_severe_months)
    earlier = Certificate.objects.filter(person=OuterRef("person_id"), grade__in=rules.severe_grades,
                                         issue_date__lt=OuterRef("issue_date"))
    severe = dict(Certificate.objects.filter(
        grade__in=rules.severe_grades, issue_date__range=(since, today),
        person__household_id__in=households).exclude(Exists(earlier)).order_by()
        .values_list("person__household_id").annotate(last=Max("issue_date")))

    candidates = Q(household_id__in=[*medical_household, *job_household, *severe]) | Q(
        pk__in=[*medical_person, *job_person])
    if line is not None:
        candidates |= (Q(household__monthly_income_per_capita__lt=line * rules.near_line_multiple)
                       & ~Q(household__household_type__in=rules.covered_household_types))
    flagged: dict[int, list[dict]] = {}
    villages: dict[int, str] = {}
    for r in people.filter(candidates).values("id", "village_id", "household_id",
                                              "household__household_type",
                                              "household__monthly_income_per_capita"):
        hh = r["household_id"]
        facts = poverty_rules.HouseholdFacts(
            today=today, household_type=r["household__household_type"] or "",
            income_per_capita=r["household__monthly_income_per_capita"], dibao_standard=line,
            last_job_loss=job_household.get(hh) if hh else job_person.get(r["id"]),
            medical_costs_12m=(medical_household.get(hh) if hh else medical_person.get(r["id"]))
            or Decimal(0),
            new_severe_on=severe.get(hh) if hh else None)
        found = poverty_rules.flags(facts, rules)
        if found:
            flagged[r["id"]] = [{"code": f.code, "zh": f.zh, "en": f.en} for f in found]
            villages[r["id"]] = r["village_id"]

    open_cases = WatchCase.objects.filter(status="open", person__in=in_scope)
    existing = dict(open_cases.filter(person_id__in=list(flagged)).values_list("person_id", "id"))
    WatchCase.objects.bulk_update(
        [WatchCase(id=case_id, flags=flagged[pid], screened_on=today)
         for pid, case_id in existing.items()], ["flags", "screened_on"], batch_size=1000)
    cleared = open_cases.exclude(person_id__in=list(flagged)).update(flags=[], screened_on=today)
    new = [pid for pid in flagged if pid not in existing]
    WatchCase.objects.bulk_create([WatchCase(person_id=pid, opened_on=today, flags=flagged[pid],
                                             screened_on=today) for pid in new], batch_size=1000)
    record_many(user=user, action=Action.CREATE, request=request,
                people=[(pid, villages[pid]) for pid in new], summary="纳入防止返贫监测")
    return {"flagged": len(flagged), "opened": len(new), "updated": len(existing),
            "cleared": cleared}


@transaction.atomic
def screen(user: Any, request: HttpRequest | None = None) -> dict[str, int]:
    """Screen the user's region for the poverty-return watch (动态监测筛查)."""
    scoping.require(user, Capability.REVIEW)
    result = screen_people(scoping.people_for(user), _today(), user=user, request=request)
    record(user=user, action=Action.UPDATE, object_type="watchcase", request=request,
           summary=f"防止返贫监测筛查：{result['flagged']} 人有风险，新纳入 {result['opened']} 人")
    return result


def _scoped_case(user: Any, case_id: int) -> WatchCase:
    found = (queries.watch_cases_for(user).select_for_update().select_related("person")
             .filter(pk=case_id).first())
    if found is None:
        raise WatchCase.DoesNotExist(case_id)
    return found


@transaction.atomic
def review_case(user: Any, case_id: int, *, situation: str, help_kinds: list[str],
                help_amount: Decimal = Decimal(0), note: str = "", on: dt.date | None = None,
                request: HttpRequest | None = None) -> WatchReview:
    """This month's review (月度研判) of an open case, with the help given (帮扶措施)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    case = _scoped_case(user, case_id)
    if case.status != "open":
        raise CommunityError(gettext("The case is closed"))
    on = on or _today()
    _not_future(on, "on", _today())
    if situation not in poverty_rules.SITUATIONS:
        raise ValidationError({"situation": gettext("Choose the situation")})
    if any(k not in poverty_rules.HELP_KINDS for k in help_kinds):
        raise ValidationError({"help_kinds": gettext("Unknown kind of assistance")})
    if help_amount < 0:
        raise ValidationError({"help_amount": gettext("The amount cannot be negative")})
    if situation == "worse" and not help_kinds:
        raise ValidationError({"help_kinds": gettext("A worse situation needs help")})
    month = poverty_rules.month_start(on)
    if WatchReview.objects.filter(case=case, month=month).exists():
        raise CommunityError(gettext("The review of %(month)s is already done") % {"month": f"{month:%Y-%m}"})
    review = WatchReview.objects.create(case=case, month=month, reviewed_on=on, reviewer=user,
                                        situation=situation, help_kinds=list(dict.fromkeys(help_kinds)),
                                        help_amount=help_amount, note=note)
    record(user=user, action=Action.CREATE, obj=review, person=case.person, request=request,
           summary=f"返贫监测月度研判 {month:%Y-%m}：{poverty_rules.SITUATIONS[situation][0]}")
    return review


@transaction.atomic
def close_case(user: Any, case_id: int, *, reason: str,
               request: HttpRequest | None = None) -> WatchCase:
    """Remove the risk (风险消除): the case leaves the watch list, with the reason."""
    scoping.require(user, Capability.REVIEW)
    case = _scoped_case(user, case_id)
    if case.status != "open":
        raise CommunityError(gettext("The case is already closed"))
    case.close_reason = _required(reason, "reason", "请说明风险消除的依据", "give the reason")
    case.status, case.closed_on = "closed", _today()
    case.save(update_fields=["status", "closed_on", "close_reason"])
    record(user=user, action=Action.TRANSITION, obj=case, person=case.person, request=request,
           summary=f"解除返贫监测：{case.close_reason}")
    return case


# ==== accessibility supervision (无障碍监督) =====================================================


@transaction.atomic
def register_place(user: Any, *, name: str, kind: str, village: Region | str, manager: str,
                   address: str = "", manager_phone: str = "",
                   request: HttpRequest | None = None) -> Place:
    scoping.require(user, Capability.REVIEW)
    area = _village(user, village)
    if kind not in inspection_rules.PLACE_KINDS:
        raise ValidationError({"kind": gettext("Unknown kind of place")})
    place = Place.objects.create(
        name=_required(name, "name", "请填写名称", "give the name"), kind=kind, village=area,
        manager=_required(manager, "manager", "请填写管理单位", "name the managing unit"),
        address=address, manager_phone=manager_phone, registered_on=_today())
    record(user=user, action=Action.CREATE, obj=place, request=request,
           summary=f"无障碍监督点位：{place.name}")
    return place


@transaction.atomic
def inspect(user: Any, place_id: int, *, inspected_on: dt.date, results: dict[str, str],
            severities: dict[str, str] | None = None, descriptions: dict[str, str] | None = None,
            note: str = "", request: HttpRequest | None = None) -> Inspection:
    """An inspection against the place's checklist; each failed item becomes a problem
    with a rectification deadline by its severity (``inspection_rules.deadline``)."""
    from . import ruleset

    scoping.require(user, Capability.REVIEW)
    place = queries.places_for(user).filter(pk=place_id).first()
    if place is None:
        raise Place.DoesNotExist(place_id)
    if not place.active:
        raise CommunityError(gettext("The place is no longer supervised"))
    _not_future(inspected_on, "inspected_on", _today())
    items = {i.code: i for i in inspection_rules.items_for(place.kind, ruleset.checklist())}
    try:
        summary = inspection_rules.check_results(results, items.values())
    except inspection_rules.RuleError as exc:
        raise ValidationError({"results": exc.message}) from None
    severities, descriptions = severities or {}, descriptions or {}
    rules = queries.rules().inspections
    problems = []
    for code, result in results.items():
        if result != "fail":
            continue
        severity = severities.get(code) or items[code].severity
        if severity not in inspection_rules.SEVERITIES:
            raise ValidationError({"results": gettext("Unknown severity: %(value)s") % {"value": severity}})
        problems.append((code, severity, (descriptions.get(code) or "").strip() or items[code].zh))
    inspection = Inspection.objects.create(place=place, inspected_on=inspected_on, inspector=user,
                                           results=dict(results), passed=summary.passed,
                                           failed=summary.failed, note=note)
    Problem.objects.bulk_create([
        Problem(inspection=inspection, place=place, item=code, description=text[:300],
                severity=severity, found_on=inspected_on,
                deadline=inspection_rules.deadline(inspected_on, severity, rules))
        for code, severity, text in problems])
    record(user=user, action=Action.CREATE, obj=inspection, request=request,
           summary=f"无障碍检查：{place.name}，{summary.failed} 项不符合")
    return inspection


def _scoped_problem(user: Any, problem_id: int) -> Problem:
    found = (queries.problems_for(user).select_for_update().select_related("place")
             .filter(pk=problem_id).first())
    if found is None:
        raise Problem.DoesNotExist(problem_id)
    return found


@transaction.atomic
def add_problem_photo(user: Any, problem_id: int, stage: str, upload: Any) -> ProblemPhoto:
    """A photo of the problem before or after rectification (same checks as renovations)."""
    from canlian.certificates.forms import check_attachment

    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if stage not in ("before", "after"):
        raise ValidationError({"stage": gettext("Choose before or after")})
    if upload is None:
        raise ValidationError({"image": gettext("Choose a photo")})
    check_attachment(upload)
    photo = ProblemPhoto.objects.create(problem=problem, stage=stage, image=upload)
    record(user=user, action=Action.CREATE, obj=photo, summary=f"整改照片：{problem.place.name}")
    return photo


def _move(problem: Problem, **changes: Any) -> None:
    moved = Problem.objects.filter(pk=problem.pk, version=problem.version).update(
        version=F("version") + 1, **changes)
    if moved != 1:
        raise CommunityError(gettext("Changed by someone else; reload"))
    problem.refresh_from_db()


@transaction.atomic
def rectify(user: Any, problem_id: int, *, on: dt.date, note: str,
            request: HttpRequest | None = None) -> Problem:
    """The managing unit reports the problem rectified (整改完成), awaiting verification."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if problem.rectified_on is not None:
        raise CommunityError(gettext("Already rectified"))
    _not_future(on, "on", _today())
    if on < problem.found_on:
        raise ValidationError({"on": gettext("Before the problem was found")})
    _move(problem, rectified_on=on,
          rectification_note=_required(note, "note", "请填写整改情况", "say what was done"))
    record(user=user, action=Action.TRANSITION, obj=problem, request=request,
           summary=f"无障碍问题整改完成：{problem.place.name}"
                   f"{'（逾期）' if on > problem.deadline else ''}")
    return problem


@transaction.atomic
def verify(user: Any, problem_id: int, *, on: dt.date | None = None,
           request: HttpRequest | None = None) -> Problem:
    """Check the rectification on site and close the problem (复核销号); needs a photo of
    the result."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if problem.rectified_on is None:
        raise CommunityError(gettext("Not rectified yet"))
    if problem.verified_on is not None:
        raise CommunityError(gettext("Already verified"))
    if not problem.photos.filter(stage="after").exists():
        raise ValidationError({"photos": gettext("Upload a photo of the result first")})
    on = on or _today()
    _not_future(on, "on", _today())
    if on < problem.rectified_on:
        raise ValidationError({"on": gettext("Before the rectification")})
    _move(problem, verified_on=on, verified_by=user)
    record(user=user, action=Action.TRANSITION, obj=problem, request=request,
           summary=f"无障碍问题复核销号：{problem.place.name}")
    return problem


@transaction.atomic
def extend(user: Any, problem_id: int, *, reason: str,
           request: HttpRequest | None = None) -> Problem:
    """Extend the deadline (延期整改) once more, within the deployment's limit."""
    scoping.require(user, Capability.REVIEW)
    problem = _scoped_problem(user, problem_id)
    if problem.rectified_on is not None:
        raise CommunityError(gettext("Already rectified; no extension needed"))
    reason = _required(reason, "reason", "请说明延期原因", "give the reason")
    try:
        new = inspection_rules.extend(problem.deadline, problem.extensions, queries.rules().inspections)
    except inspection_rules.RuleError as exc:
        raise CommunityError(exc.message) from None
    old = problem.deadline
    _move(problem, deadline=new, extensions=F("extensions") + 1)
    record(user=user, action=Action.UPDATE, obj=problem, request=request,
           summary=f"无障碍问题延期整改：{reason}",
           changes={"deadline": [old.isoformat(), new.isoformat()]})
    return problem
