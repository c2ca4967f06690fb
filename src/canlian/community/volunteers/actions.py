"""Writes of volunteers (助残志愿者): checked, atomic and audited (see ``canlian.community.shared``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.employment import uscc
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.regions.models import Region

from .. import shared, volunteer_rules
from ..models import (
    LogStatus,
    Organisation,
    RequestStatus,
    ServiceLog,
    ServiceRequest,
    Volunteer,
)
from ..shared import CommunityError, editable_person, not_future, required, village_in_region
from . import queries


@transaction.atomic
def register_organisation(user: Any, *, name: str, kind: str, village: Region | str,
                          credit_code: str = "", contact_name: str = "", phone: str = "",
                          services: str = "", registered_on: dt.date | None = None,
                          request: HttpRequest | None = None) -> Organisation:
    scoping.require(user, Capability.REVIEW)
    place = village_in_region(user, village)
    today = clock.today()
    not_future(registered_on, "registered_on", today)
    if credit_code:
        try:
            credit_code = uscc.validate(credit_code)
        except uscc.CreditCodeError as exc:
            raise ValidationError({"credit_code": exc.message}) from None
    org = Organisation.objects.create(
        name=required(name, "name", "请填写名称", "give the name"), kind=kind, village=place,
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
    village = village_in_region(user, data.get("village"))
    today = clock.today()
    not_future(data.get("registered_on"), "registered_on", today)
    checked = _check_volunteer_data(user, data, current)
    fields = {"name": required(data.get("name", ""), "name", "请填写姓名", "give the name"),
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
    person = editable_person(user, person)
    if skill not in volunteer_rules.SKILLS:
        raise ValidationError({"skill": gettext("Unknown kind of help")})
    if slot and slot not in volunteer_rules.AVAILABILITY:
        raise ValidationError({"slot": gettext("Unknown time")})
    if source not in ("person", "worker"):
        raise ValidationError({"source": gettext("Unknown source")})
    today = clock.today()
    if wanted_on is not None and wanted_on < today:
        raise ValidationError({"wanted_on": gettext("The wanted date has passed")})
    made = ServiceRequest.objects.create(
        person=person, source=source, skill=skill, slot=slot, wanted_on=wanted_on,
        description=required(description, "description", "请描述需求", "describe the need"),
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
        volunteer=volunteer, status=RequestStatus.ASSIGNED, assigned_on=clock.today(),
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
        status=outcome, closed_on=clock.today(), version=F("version") + 1)
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
    rules = shared.rules().volunteers
    today = clock.today()
    try:
        value = volunteer_rules.check_hours(hours, served_on, today, rules)
    except volunteer_rules.HoursError as exc:
        field = "served_on" if served_on > today else "hours"
        raise ValidationError({field: exc.message}) from None
    if served_on < found.created_on:
        raise ValidationError({"served_on": gettext("Before the request was made")})
    log = ServiceLog.objects.create(
        volunteer=found.volunteer, request=found, person=found.person, served_on=served_on,
        hours=value, description=required(description, "description", "请填写服务内容",
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
    log.confirmed_kind, log.confirmed_by, log.confirmed_on = kind, user, clock.today()
    log.confirm_note = note.strip()
    log.save()
    record(user=user, action=Action.TRANSITION, obj=log, person=log.person, request=request,
           summary=f"服务时长{'确认' if accept else '不予确认'}：{log.volunteer.name} {log.hours} 小时",
           changes={"status": ["pending", log.status]})
    return log
