"""Writes of emergency protection (应急保护): checked, atomic and audited (see
``canlian.community.shared``).
"""

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
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.people.models import Person
from canlian.regions.models import Region

from .. import emergency_rules, shared, visit_rules
from ..models import (
    CareProfile,
    CheckIn,
    Emergency,
    RosterEntry,
    Volunteer,
)
from ..shared import CommunityError, editable_person, required
from ..volunteers import queries as volunteers_queries
from . import queries


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
                                      shared.rules().emergency)
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
    person = editable_person(user, person)
    if mobility not in emergency_rules.MOBILITY:
        raise ValidationError({"mobility": gettext("Unknown mobility")})
    if any(d not in emergency_rules.ASSISTIVE_DEVICES for d in assistive_devices):
        raise ValidationError({"assistive_devices": gettext("Unknown device")})
    if any(d not in emergency_rules.POWERED_DEVICES for d in powered_devices):
        raise ValidationError({"powered_devices": gettext("Unknown medical device")})
    today = clock.today()
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
def save_roster_entry(user: Any, person: Person | int, *, contact_name: str, contact_phone: str,
                      contact_relation: str = "", paired_volunteer: Volunteer | None = None,
                      note: str = "", request: HttpRequest | None = None) -> RosterEntry:
    """Put a person on the roster (or update the entry) with a contact person (帮包联系人)
    and, optionally, a paired volunteer (结对); the priority comes from the rules."""
    person = editable_person(user, person)
    errors = {}
    if not contact_name.strip():
        errors["contact_name"] = gettext("Name the contact person")
    if not contact_phone.strip():
        errors["contact_phone"] = gettext("Give the contact's phone")
    if paired_volunteer is not None and not volunteers_queries.volunteers_for(user).filter(
            pk=paired_volunteer.pk, active=True).exists():
        errors["paired_volunteer"] = gettext("Choose an active volunteer in your region")
    if errors:
        raise ValidationError(errors)
    today = clock.today()
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
    entry.removed_on = clock.today()
    entry.note = required(reason, "reason", "请说明移出原因", "give the reason")
    entry.save(update_fields=["removed_on", "note"])
    record(user=user, action=Action.UPDATE, obj=entry, person=entry.person, request=request,
           summary=f"移出应急保护名册：{entry.note}")
    return entry


def update_priorities(entries: Any, today: dt.date) -> int:
    """Recompute the priority of many entries (grades change with certificates), set-based:
    one read, one bulk update. Returns how many changed."""
    rules = shared.rules().emergency
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
    count = update_priorities(queries.roster_for(user).filter(removed_on__isnull=True), clock.today())
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
        name=required(name, "name", "请填写事件名称", "name the emergency"), kind=kind,
        region=area, declared_at=timezone.now(), declared_by=user, note=note)
    record(user=user, action=Action.CREATE, obj=emergency, request=request,
           summary=f"启动应急响应：{emergency.name}（{area.name}）")
    return emergency


def _scoped_emergency(user: Any, emergency_id: int, *, lock: bool = False) -> Emergency:
    rows = queries.emergencies_for(user).select_related("region")
    found = (rows.select_for_update(of=("self",)) if lock else rows).filter(pk=emergency_id).first()
    if found is None:
        raise Emergency.DoesNotExist(emergency_id)
    return found


def _supervised_emergency(user: Any, emergency_id: int) -> Emergency:
    """The emergency, locked, if the user supervises its whole area (a township cannot end
    or reopen a county-wide response)."""
    scoping.require(user, Capability.REVIEW)
    emergency = _scoped_emergency(user, emergency_id, lock=True)
    if not scoping.in_scope(user, emergency.region_id):
        raise PermissionDenied(gettext("Declared over a wider area"))
    return emergency


@transaction.atomic
def close_emergency(user: Any, emergency_id: int, *, reason: str = "", confirm: bool = False,
                    request: HttpRequest | None = None) -> Emergency:
    """End an emergency response (结束应急响应). It does not end silently while people on its
    board were never contacted: then it needs ``confirm`` and a ``reason``, and keeps both
    with the count of those never contacted (the audit log says the same)."""
    emergency = _supervised_emergency(user, emergency_id)
    if emergency.closed_at is not None:
        raise CommunityError(gettext("The emergency is already closed"))
    missing = queries.uncontacted(user, emergency).count()
    reason = reason.strip()
    if missing:
        errors = {}
        if not confirm:
            errors["confirm"] = gettext(
                "%(count)s people on the roster were never contacted: confirm that the response "
                "ends all the same") % {"count": missing}
        if not reason:
            errors["reason"] = gettext("Say why the response ends before everyone was contacted")
        if errors:
            raise ValidationError(errors)
    emergency.closed_at, emergency.closed_by = timezone.now(), user
    emergency.close_reason, emergency.uncontacted_at_close = reason, missing
    emergency.save(update_fields=["closed_at", "closed_by", "close_reason", "uncontacted_at_close"])
    left = f"（{missing} 人未联系，原因：{reason}）" if missing else ""
    record(user=user, action=Action.TRANSITION, obj=emergency, request=request,
           summary=f"结束应急响应：{emergency.name}{left}")
    return emergency


@transaction.atomic
def reopen_emergency(user: Any, emergency_id: int, request: HttpRequest | None = None) -> Emergency:
    """Reopen a closed response (重新启动应急响应) so the people still to be reached can be
    checked in; the earlier check-ins stay on the board, the closing is in the audit log."""
    emergency = _supervised_emergency(user, emergency_id)
    if emergency.closed_at is None:
        raise CommunityError(gettext("The emergency is still in progress"))
    closed_at = timezone.localtime(emergency.closed_at)
    emergency.closed_at, emergency.closed_by = None, None
    emergency.close_reason, emergency.uncontacted_at_close = "", None
    emergency.save(update_fields=["closed_at", "closed_by", "close_reason", "uncontacted_at_close"])
    record(user=user, action=Action.TRANSITION, obj=emergency, request=request,
           summary=f"重新启动应急响应：{emergency.name}（原于 {closed_at:%Y-%m-%d %H:%M} 结束）")
    return emergency


@transaction.atomic
def check_in(user: Any, emergency_id: int, person_id: int | None, *, state: str, note: str = "",
             request: HttpRequest | None = None) -> CheckIn:
    """Record that a person on the roster was reached (or not) during an emergency; a later
    check-in of the same person replaces the earlier one on the board."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    emergency = _scoped_emergency(user, emergency_id)
    if emergency.closed_at is not None:
        raise CommunityError(gettext(
            "The emergency is closed: check-ins are no longer recorded. If someone still has to "
            "be reached, township or federation staff can reopen it on its board."))
    if state not in emergency_rules.CHECKIN_STATES:
        raise ValidationError({"state": gettext("Choose the result")})
    entry = (queries.in_area(queries.roster(user), emergency).filter(person_id=person_id)
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
