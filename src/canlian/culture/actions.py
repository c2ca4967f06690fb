"""Write operations of culture and sports. Attendance is recorded for a whole group at once
(``attend``, set-based): one attendance and one service record per person (the service
type of the event's kind, group culture_sports), and the year's surveys of the attendees
marked as served, so the culture-and-sports coverage indicator counts them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.certificates import ecert
from canlian.core import clock, sheets
from canlian.indicators import places
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.services.models import ServiceRecord, ServiceType
from canlian.surveys.models import AnnualSurvey

from . import rules
from .models import AthleteRecord, Attendance, Delivery, Event, Member, Team


def events_for(user: Any):
    return Event.objects.filter(scoping.region_range_q(user, "township__code")) \
        if user.can(Capability.VIEW_PEOPLE) else Event.objects.none()


def teams_for(user: Any):
    return Team.objects.filter(scoping.region_range_q(user, "township__code")) \
        if user.can(Capability.VIEW_PEOPLE) else Team.objects.none()


def deliveries_for(user: Any):
    return Delivery.objects.filter(scoping.region_q(user, "village__code"))


def _township(user: Any, township: Any) -> None:
    if township.level != "township" or not (scoping.in_scope(user, township.code)
                                            or township.contains(user.region.code)):
        raise ValidationError({"township": gettext("Outside your region")})


@transaction.atomic
def create_event(user: Any, *, kind: str, title: str, on: dt.date, place: str, organiser: str,
                 township: Any, sign_language: bool = False, captions: bool = False,
                 braille: bool = False, accessible_seating: bool = False) -> Event:
    scoping.require(user, Capability.EDIT_PEOPLE)
    errors = rules.check_event(title, on, clock.today(), kind)
    if errors:
        raise ValidationError(errors)
    _township(user, township)
    event = Event.objects.create(kind=kind, title=title.strip(), on=on, place=place,
                                 organiser=organiser, township=township,
                                 sign_language=sign_language, captions=captions,
                                 braille=braille, accessible_seating=accessible_seating)
    record(user=user, action=Action.CREATE, obj=event, summary=f"文体活动 {title}")
    return event


def _event(user: Any, event_id: int) -> Event:
    scoping.require(user, Capability.EDIT_PEOPLE)
    event = events_for(user).select_for_update().filter(pk=event_id).first()
    if event is None:
        raise Event.DoesNotExist(event_id)
    return event


def attend(user: Any, event_id: int, person_ids: list[int], how: str) -> int:
    """Record the persons (ids, already found) as attending; returns how many are new.
    Persons outside the user's region are refused; those already recorded are skipped."""
    with transaction.atomic():
        event = _event(user, event_id)
        if event.on > clock.today():
            raise ValidationError(gettext("The event has not taken place yet"))
        wanted = set(person_ids)
        people = list(scoping.people_for(user).filter(pk__in=wanted, life_status="alive")
                      .values_list("id", "village_id"))
        if len(people) != len(wanted):
            raise PermissionDenied("persons outside region or deceased")
        already = set(Attendance.objects.filter(event=event, person_id__in=wanted)
                      .values_list("person_id", flat=True))
        new = [(pid, village) for pid, village in people if pid not in already]
        if not new:
            return 0
        service_type = ServiceType.objects.get(code=rules.SERVICE_TYPE[event.kind])
        services = ServiceRecord.objects.bulk_create([ServiceRecord(
            person_id=pid, service_type=service_type, village_id=village, start_date=event.on,
            provider=event.organiser[:100], outcome=f"参加：{event.title}"[:200],
            recorded_by=user) for pid, village in new])
        Attendance.objects.bulk_create([Attendance(event=event, person_id=pid, how=how,
                                                   service=s)
                                        for (pid, _), s in zip(new, services, strict=True)])
        mark_served([pid for pid, _ in new], event.on.year)
        record_many(user=user, action=Action.CREATE, people=new,
                    summary=f"参加文体活动：{event.title}（{event.on}）")
    return len(new)


def mark_served(person_ids: list[int], year: int) -> int:
    """Mark the year's surveys of these persons as having received a culture or sports
    service (``AnnualSurvey.served_culture``, as ``surveys.served`` does for one record)."""
    marked = AnnualSurvey.objects.filter(person_id__in=person_ids, year=year,
                                         served_culture=False).update(served_culture=True)
    places.refresh_persons(person_ids)
    return marked


def attend_by_scan(user: Any, event_id: int, scanned: str) -> Person:
    """The door: the e-certificate's QR code (its verification URL) read by a scanner."""
    result = ecert.verify(rules.token_from_scan(scanned))
    if result.certificate is None:
        raise ValidationError({"scan": gettext("Not a recognised e-certificate")})
    if result.verdict != ecert.Verdict.GENUINE:
        raise ValidationError({"scan": gettext("The e-certificate is %(state)s") % {"state": result.label}})
    person = result.certificate.person
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise ValidationError({"scan": gettext("The holder lives outside your region")})
    if attend(user, event_id, [person.pk], "qr") == 0:
        raise ValidationError({"scan": gettext("%(name)s is already recorded as present")
                                       % {"name": person.name}})
    return person


@dataclass
class SheetResult:
    rows: int
    added: int
    errors: list[dict[str, Any]]


def attend_by_sheet(user: Any, event_id: int, stream: IO[bytes] | str) -> SheetResult:
    """A sign-in sheet (签到表): columns 身份证号 and 姓名. Rejected rows are reported with
    their row number, column and reason; the others are recorded."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    try:
        col, rows = sheets.table(stream, ["身份证号", "姓名"], max_bytes=10_000_000,
                                 max_rows=20_000)
    except sheets.SheetError as exc:
        raise ValidationError({"file": str(exc)}) from None
    id_col, name_col = col["身份证号"], col["姓名"]
    errors: list[dict[str, Any]] = []
    wanted: dict[str, tuple[int, str]] = {}
    for number, values in rows:
        try:
            rid = idnumber.validate(sheets.cell(values, id_col)).number
        except idnumber.ResidentIdError as exc:
            errors.append({"row": number, "column": "身份证号", "reason": exc.message})
            continue
        wanted[rid] = (number, sheets.cell(values, name_col).strip())
    people = {p.resident_id: p for p in scoping.people_for(user).filter(
        resident_id__in=list(wanted), life_status="alive")}
    ids = []
    for rid, (number, name) in wanted.items():
        person = people.get(rid)
        if person is None:
            errors.append({"row": number, "column": "身份证号",
                           "reason": gettext("No such person in your region")})
        elif name and name != person.name:
            errors.append({"row": number, "column": "姓名",
                           "reason": gettext("The name does not match the ID (registered as %(name)s)")
                                     % {"name": person.name}})
        else:
            ids.append(person.pk)
    added = attend(user, event_id, ids, "sheet") if ids else 0
    errors.sort(key=lambda e: e["row"])
    return SheetResult(rows=len(rows), added=added, errors=errors)


@transaction.atomic
def create_team(user: Any, *, name: str, kind: str, township: Any, coach: str = "") -> Team:
    scoping.require(user, Capability.EDIT_PEOPLE)
    if kind not in rules.TEAM_KINDS:
        raise ValidationError({"kind": gettext("Choose the kind")})
    if not name.strip():
        raise ValidationError({"name": gettext("Name the team")})
    _township(user, township)
    team = Team.objects.create(name=name.strip(), kind=kind, township=township, coach=coach)
    record(user=user, action=Action.CREATE, obj=team, summary=f"文体队伍 {name}")
    return team


@transaction.atomic
def add_member(user: Any, team_id: int, person: Person, *, role: str = "",
               joined: dt.date | None = None) -> Member:
    scoping.require(user, Capability.EDIT_PEOPLE)
    team = teams_for(user).filter(pk=team_id).first()
    if team is None:
        raise Team.DoesNotExist(team_id)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    try:
        with transaction.atomic():
            member = Member.objects.create(team=team, person=person, role=role,
                                           joined=joined or clock.today())
    except IntegrityError:
        raise ValidationError({"resident_id": gettext("Already in the team")}) from None
    record(user=user, action=Action.CREATE, obj=member, person=person, summary=f"加入 {team.name}")
    return member


@transaction.atomic
def log_athlete(user: Any, member_id: int, *, kind: str, name: str, on: dt.date,
                result: str = "") -> AthleteRecord:
    scoping.require(user, Capability.EDIT_PEOPLE)
    member = Member.objects.select_related("person").filter(
        pk=member_id, team__in=teams_for(user)).first()
    if member is None:
        raise Member.DoesNotExist(member_id)
    if kind not in rules.ATHLETE_RECORDS or not name.strip():
        raise ValidationError({"name": gettext("Kind and name")})
    if on > clock.today():
        raise ValidationError({"on": gettext("The date is in the future")})
    entry = AthleteRecord.objects.create(member=member, kind=kind, name=name.strip(), on=on,
                                         result=result)
    record(user=user, action=Action.CREATE, obj=entry, person=member.person,
           summary=f"运动员{rules.ATHLETE_RECORDS[kind]}：{name}")
    return entry


@transaction.atomic
def deliver(user: Any, person: Person, *, item: str, delivered_on: dt.date) -> Delivery:
    """A delivery to the person's household; one per household, item and year."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    refusal = rules.delivery_refusal(item, person.grade, person.category)
    if refusal:
        raise ValidationError({"item": refusal})
    if delivered_on > clock.today():
        raise ValidationError({"delivered_on": gettext("The date is in the future")})
    year = delivered_on.year
    same = Delivery.objects.filter(item=item, year=year)
    same = same.filter(household_id=person.household_id) if person.household_id else \
        same.filter(person=person)
    if same.exists():
        raise ValidationError({"item": gettext("Already delivered to this household in %(year)s")
                                       % {"year": year}})
    delivery = Delivery.objects.create(person=person, household_id=person.household_id,
                                       village_id=person.village_id, item=item, year=year,
                                       delivered_on=delivered_on, by=user)
    record(user=user, action=Action.CREATE, obj=delivery, person=person,
           summary=f"配送：{rules.DELIVERY_ITEMS[item][:12]}")
    return delivery
