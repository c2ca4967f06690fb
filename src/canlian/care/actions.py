"""Every write of care (托养): checked, atomic and audited.

Views and the demo call these functions; nothing else writes the care tables (no signals).
Institution-level work (places, inspections, re-inspections) needs ``REVIEW`` (township
and federation staff) and an institution in the user's region; placements, the waiting
list and attendance need ``EDIT_PEOPLE`` and both the person and the institution in the
region. A record outside the region raises ``DoesNotExist`` (404: its existence is not
disclosed); a refusal raises ``ValidationError`` (field → message, Chinese with the
English in brackets). Capacity is checked under a row lock on the institution's places,
so two staff placing the last place at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.benefits import actions as benefits
from canlian.core import clock
from canlian.people.models import Person
from canlian.programmes import actions as programmes
from canlian.regions.models import Region
from canlian.services import actions as services
from canlian.services.models import Institution, ServiceType

from . import queries, rules
from .models import (
    Attendance,
    Contract,
    Delivery,
    Designation,
    Inspection,
    Placement,
    Places,
    Problem,
    WaitingEntry,
)


def _refuse(field: str, exc: rules.RuleError) -> ValidationError:
    return ValidationError({field: exc.message})


def _institution(user: Any, institution: Institution | int, capability: Capability,
                 *, lock: bool = False) -> Institution:
    scoping.require(user, capability)
    pk = institution.pk if isinstance(institution, Institution) else institution
    rows = queries.institutions_for(user)
    if lock:
        rows = rows.select_for_update()
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Institution.DoesNotExist(pk)
    return found


def _person(user: Any, person: Person | int) -> Person:
    scoping.require(user, Capability.EDIT_PEOPLE)
    pk = person.pk if isinstance(person, Person) else person
    found = scoping.people_for(user).select_related("household").filter(pk=pk).first()
    if found is None:
        raise Person.DoesNotExist(pk)
    return found


def _open_on(institution: Institution, day: dt.date) -> None:
    if day < institution.opened_on:
        raise ValidationError({"start_date": (gettext("The institution opened only on %(date)s")
                                              % {"date": institution.opened_on})})
    if institution.closed_on is not None and day >= institution.closed_on:
        raise ValidationError({"institution": (gettext("The institution closed on %(date)s: no placement")
                                               % {"date": institution.closed_on})})


@transaction.atomic
def set_places(user: Any, institution: Institution | int, mode: str, places: int, *,
               request: HttpRequest | None = None) -> Places:
    """The places of one care mode (a change is audited with the old and new number)."""
    found = _institution(user, institution, Capability.REVIEW, lock=True)
    try:
        rules.check_mode(mode)
    except rules.RuleError as exc:
        raise _refuse("mode", exc) from None
    if places < 0:
        raise ValidationError({"places": gettext("Places cannot be negative")})
    row, created = Places.objects.get_or_create(institution=found, mode=mode,
                                                defaults={"places": places})
    old = None if created else row.places
    if not created and row.places != places:
        row.places = places
        row.save(update_fields=["places"])
    if created or old != places:
        record(user=user, action=Action.UPDATE, obj=found, request=request,
               changes={f"places.{mode}": [old, places]},
               summary=f"托养名额：{found.name}，{rules.MODES[mode][0]} {places} 个")
    return row


@transaction.atomic
def place(user: Any, person: Person | int, institution: Institution | int, *, mode: str,
          start_date: dt.date, reason: str, payer: str, over_capacity_reason: str = "",
          end_date: dt.date | None = None, request: HttpRequest | None = None) -> Placement:
    """Place a person (托养安置). Refused: a closed or not yet open institution, a mode it
    has no places in, no free place without an override reason, a placement of the same
    person overlapping this one, a deceased person, a start in the future, a short stay
    (respite, temporary care) without its last day or longer than the rule allows, and a
    government-paid placement with an institution not designated for care on its start."""
    found = _institution(user, institution, Capability.EDIT_PEOPLE)
    who = _person(user, person)
    try:
        rules.check_mode(mode)
    except rules.RuleError as exc:
        raise _refuse("mode", exc) from None
    errors: dict[str, str] = {}
    if start_date > clock.today():
        errors["start_date"] = gettext("Start in the future")
    if who.death_date and start_date >= who.death_date:
        errors["person"] = gettext("The person is deceased and cannot be placed")
    if not reason.strip():
        errors["reason"] = gettext("Give the reason for the placement")
    if payer not in rules.PAYERS:
        errors["payer"] = gettext("Choose who pays")
    try:
        rules.check_stay(mode, start_date, end_date, queries.rules().short_stay_days)
    except rules.RuleError as exc:
        errors["end_date"] = exc.message
    if errors:
        raise ValidationError(errors)
    _open_on(found, start_date)
    if (payer == "government" and queries.rules().government_needs_designation
            and queries.designation(found, "care", start_date) is None):
        raise ValidationError({"payer": (
            gettext("%(name)s is not a designated care institution on %(date)s: "
                    "government-paid care needs a designated institution")
            % {"name": found.name, "date": start_date})})
    # The lock serialises placements into one institution's mode (capacity) …
    slot = Places.objects.select_for_update().filter(institution=found, mode=mode).first()
    if slot is None:
        raise ValidationError({"mode": (gettext("This institution has no places for %(mode)s")
                                       % {"mode": rules.MODES[mode][0]})})
    # … and the person's own rows, overlapping placements.
    list(Person.objects.select_for_update().filter(pk=who.pk).values_list("pk", flat=True))
    clash = (Placement.objects.filter(person=who)
             .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
             .filter(start_date__lte=end_date or dt.date.max)
             .select_related("institution").first())
    if clash is not None:
        raise ValidationError({"start_date": (
            gettext("Overlaps a placement at %(institution)s (%(mode)s) from %(start)s")
            % {"institution": clash.institution.name, "mode": clash.get_mode_display(),
               "start": clash.start_date})})
    occupied = queries.occupied(found, mode, start_date, end_date)
    try:
        over = rules.check_capacity(slot.places, occupied, over_capacity_reason)
    except rules.RuleError as exc:
        raise _refuse("over_capacity_reason", exc) from None
    placement = Placement.objects.create(
        person=who, village_id=who.village_id, institution=found, mode=mode,
        start_date=start_date, end_date=end_date, reason=reason.strip(), payer=payer,
        over_capacity_reason=over_capacity_reason.strip() if over else "", created_by=user)
    WaitingEntry.objects.filter(person=who, institution=found, mode=mode, state="waiting").update(
        state="placed", closed_on=start_date, placement=placement)
    record(user=user, action=Action.CREATE, obj=placement, person=who, request=request,
           summary=(f"托养安置：{found.name}，{rules.MODES[mode][0]}，自 {start_date} 起"
                    + (f"；超额安置：{over_capacity_reason.strip()}" if over else "")))
    benefits.follow_care_placement(who.pk, start_date, user=user, request=request)
    if start_date <= clock.today() and (end_date is None or end_date >= clock.today()):
        programmes.reevaluate([who.pk], source=f"托养安置开始（{found.name}）")
    return placement


def _placement(user: Any, placement_id: int) -> Placement:
    scoping.require(user, Capability.EDIT_PEOPLE)
    found = (queries.placements_for(user).select_for_update().select_related("institution", "person")
             .filter(pk=placement_id).first())
    if found is None:
        raise Placement.DoesNotExist(placement_id)
    return found


@transaction.atomic
def end_placement(user: Any, placement_id: int, *, end_date: dt.date, reason: str,
                  request: HttpRequest | None = None) -> Placement:
    """The placement ends on ``end_date`` (its last day)."""
    found = _placement(user, placement_id)
    if found.end_date is not None:
        raise ValidationError({"end_date": gettext("The placement already ended on %(date)s")
                                           % {"date": found.end_date}})
    if end_date < found.start_date:
        raise ValidationError({"end_date": gettext("Ends before it starts")})
    if end_date > clock.today():
        raise ValidationError({"end_date": gettext("The end date is in the future")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for ending")})
    found.end_date, found.end_reason = end_date, reason.strip()
    found.save(update_fields=["end_date", "end_reason"])
    record(user=user, action=Action.TRANSITION, obj=found, person=found.person, request=request,
           changes={"end_date": [None, end_date.isoformat()]},
           summary=f"托养结束：{found.institution.name}，{end_date}，{reason.strip()}")
    benefits.follow_care_placement(found.person_id, end_date + dt.timedelta(days=1), user=user,
                                   request=request)
    # eligibility resting on the placement ends the day after its last day
    programmes.reevaluate([found.person_id], on=end_date + dt.timedelta(days=1),
                          source=f"托养安置结束（{found.institution.name}）")
    return found


@transaction.atomic
def add_to_waiting_list(user: Any, person: Person | int, institution: Institution | int, *,
                        mode: str, applied_on: dt.date, lives_alone: bool = False,
                        carer_age: int | None = None, carer_ill: bool = False,
                        request: HttpRequest | None = None) -> WaitingEntry:
    """Put a person on an institution's waiting list; grade and household type come from
    the registry, the rest from the application. The points and their reasons are kept."""
    found = _institution(user, institution, Capability.EDIT_PEOPLE)
    who = _person(user, person)
    try:
        rules.check_mode(mode)
    except rules.RuleError as exc:
        raise _refuse("mode", exc) from None
    if found.closed_on is not None:
        raise ValidationError({"institution": gettext("The institution closed on %(date)s")
                                              % {"date": found.closed_on}})
    if applied_on > clock.today():
        raise ValidationError({"applied_on": gettext("The registration date is in the future")})
    if who.is_deceased:
        raise ValidationError({"person": gettext("This person is deceased")})
    if WaitingEntry.objects.filter(person=who, institution=found, mode=mode,
                                   state="waiting").exists():
        raise ValidationError({"person": gettext("Already waiting here")})
    if Placement.objects.filter(person=who, institution=found, mode=mode, end_date__isnull=True
                                ).exists():
        raise ValidationError({"person": gettext("Already placed here")})
    household_type = who.household.household_type if who.household is not None else ""
    facts = rules.Facts(grade=who.grade, lives_alone=lives_alone, carer_age=carer_age,
                        carer_ill=carer_ill, household_type=household_type or "")
    points, reasons = rules.priority(facts, queries.rules().waiting)
    entry = WaitingEntry.objects.create(
        person=who, village_id=who.village_id, institution=found, mode=mode,
        applied_on=applied_on, grade=who.grade, lives_alone=lives_alone, carer_age=carer_age,
        carer_ill=carer_ill, household_type=household_type or "", points=points,
        reasons=reasons)
    record(user=user, action=Action.CREATE, obj=entry, person=who, request=request,
           summary=f"托养轮候登记：{found.name}，{rules.MODES[mode][0]}，{points} 分")
    return entry


@transaction.atomic
def withdraw(user: Any, entry_id: int, *, reason: str,
             request: HttpRequest | None = None) -> WaitingEntry:
    scoping.require(user, Capability.EDIT_PEOPLE)
    entry = (queries.waiting_for(user).select_for_update().select_related("person")
             .filter(pk=entry_id).first())
    if entry is None:
        raise WaitingEntry.DoesNotExist(entry_id)
    if entry.state != "waiting":
        raise ValidationError({"state": gettext("No longer waiting")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for this")})
    entry.state, entry.closed_on, entry.close_reason = "withdrawn", clock.today(), reason.strip()
    entry.save(update_fields=["state", "closed_on", "close_reason"])
    record(user=user, action=Action.TRANSITION, obj=entry, person=entry.person, request=request,
           summary=f"退出托养轮候：{reason.strip()}")
    return entry


@transaction.atomic
def record_attendance(user: Any, institution: Institution | int, day: dt.date,
                      present: Iterable[int], *, scanned: Iterable[int] = (),
                      request: HttpRequest | None = None) -> dict[str, int]:
    """One day's attendance of a day-care group at once: every day-care placement open on
    ``day`` is marked present (its person in ``present`` or ``scanned``) or absent. A
    person not placed there in day care that day is refused by name; nothing is written
    then. Recording the day again replaces it."""
    found = _institution(user, institution, Capability.EDIT_PEOPLE)
    if day > clock.today():
        raise ValidationError({"day": gettext("Day in the future")})
    _open_on(found, day)
    group = {p.person_id: p for p in queries.active(Placement.objects.filter(
        institution=found, mode="day"), day).select_related("person")}
    present_ids, scanned_ids = set(present), set(scanned)
    strangers = sorted((present_ids | scanned_ids) - set(group))
    if strangers:
        names = ", ".join(Person.objects.filter(pk__in=strangers).values_list("name", flat=True)
                          .order_by("name")) or ", ".join(map(str, strangers))
        raise ValidationError({"present": (gettext("Not placed here in day care on %(day)s: %(names)s")
                                           % {"day": day, "names": names})})
    if not group:
        raise ValidationError({"day": gettext("No one in day care that day")})
    Attendance.objects.filter(placement__in=list(group.values()), day=day).delete()
    Attendance.objects.bulk_create([
        Attendance(placement=p, day=day, present=pid in present_ids or pid in scanned_ids,
                   scanned=pid in scanned_ids, recorded_by=user) for pid, p in group.items()])
    here = len(present_ids | scanned_ids)
    record(user=user, action=Action.UPDATE, obj=found, request=request,
           changes={"attendance": [day.isoformat(), here]},
           summary=f"日间照料出勤：{found.name}，{day}，到 {here} 人，缺 {len(group) - here} 人")
    return {"present": here, "absent": len(group) - here}


@transaction.atomic
def inspect(user: Any, institution: Institution | int, *, inspected_on: dt.date,
            results: Mapping[str, str], problems: Iterable[tuple[str, dt.date | None]] = (),
            note: str = "", request: HttpRequest | None = None) -> Inspection:
    """A checklist inspection with its score and grade, and the problems it found, each with
    a deadline (by default ``problem_days`` after the inspection)."""
    found = _institution(user, institution, Capability.REVIEW)
    rule = queries.rules().inspection
    if inspected_on > clock.today():
        raise ValidationError({"inspected_on": gettext("The inspection date is in the future")})
    if inspected_on < found.opened_on:
        raise ValidationError({"inspected_on": gettext("Before it opened")})
    try:
        scored = rules.score(results, rule)
    except rules.RuleError as exc:
        raise _refuse("results", exc) from None
    rows = []
    for n, (description, deadline) in enumerate(problems, start=1):
        if not description.strip():
            continue
        deadline = deadline or inspected_on + dt.timedelta(days=rule.problem_days)
        if deadline <= inspected_on:
            raise ValidationError({"problems": (gettext("Problem %(n)s: the deadline must be after the "
                                                        "inspection")
                                                % {"n": n})})
        rows.append((description.strip(), deadline))
    inspection = Inspection.objects.create(
        institution=found, inspected_on=inspected_on, inspector=user, results=dict(results),
        score=scored.score, grade=scored.grade, note=note.strip())
    Problem.objects.bulk_create([Problem(inspection=inspection, institution=found,
                                         description=d, deadline=dl) for d, dl in rows])
    record(user=user, action=Action.CREATE, obj=inspection, request=request,
           summary=(f"托养服务质量检查：{found.name}，{scored.score} 分，"
                    f"{rules.GRADES[scored.grade][0]}，问题 {len(rows)} 个"))
    return inspection


@transaction.atomic
def reinspect(user: Any, problem_id: int, *, on: dt.date, rectified: bool, note: str,
              request: HttpRequest | None = None) -> Problem:
    """A re-inspection of a problem: rectified (closed on ``on``) or not (stays open)."""
    scoping.require(user, Capability.REVIEW)
    problem = (Problem.objects.filter(institution__in=queries.institutions_for(user))
               .select_for_update().select_related("institution").filter(pk=problem_id).first())
    if problem is None:
        raise Problem.DoesNotExist(problem_id)
    if problem.rectified_on is not None:
        raise ValidationError({"on": gettext("Already rectified and closed on %(date)s")
                                     % {"date": problem.rectified_on}})
    if on > clock.today():
        raise ValidationError({"on": gettext("The date is in the future")})
    if not note.strip():
        raise ValidationError({"note": gettext("What did the re-inspection find")})
    problem.note = note.strip()
    problem.reinspected_by = user
    if rectified:
        problem.rectified_on = on
    problem.save(update_fields=["note", "reinspected_by", "rectified_on"])
    record(user=user, action=Action.TRANSITION, obj=problem, request=request,
           summary=f"整改复查：{problem.institution.name}，{'已整改' if rectified else '未整改'}")
    return problem


# ---- designation (定点准入) -----------------------------------------------------------------

@transaction.atomic
def designate(user: Any, institution: Institution | int, *, service: str, start_date: dt.date,
              end_date: dt.date, services: str, prices: Mapping[str, Any],
              request: HttpRequest | None = None) -> Designation:
    """A designation agreement (federation staff): period, services agreed, prices a day
    per care mode. Refused: an end before the start, a closed institution, a negative or
    unknown price, an agreement overlapping another for the same service."""
    found = _institution(user, institution, Capability.APPROVE, lock=True)
    errors: dict[str, str] = {}
    if service not in dict(Designation.SERVICES):
        errors["service"] = gettext("Choose the designated service category")
    if end_date < start_date:
        errors["end_date"] = gettext("The agreement ends before it starts")
    if found.closed_on is not None and found.closed_on <= end_date:
        errors["end_date"] = gettext("The institution closed on %(date)s") % {"date": found.closed_on}
    if not services.strip():
        errors["services"] = gettext("List the services agreed")
    clean: dict[str, str] = {}
    for mode, price in prices.items():
        if mode not in rules.MODES:
            errors["prices"] = f"未知的托养方式 {mode!r}"
            continue
        try:
            value = Decimal(str(price))
        except ArithmeticError:
            value = Decimal(-1)
        if value < 0:
            errors["prices"] = (gettext("Bad price for %(mode)s: %(price)s")
                                % {"mode": rules.MODES[mode][0], "price": price})
        else:
            clean[mode] = str(value)
    if errors:
        raise ValidationError(errors)
    clash = Designation.objects.filter(institution=found, service=service, ended_on=None,
                                       start_date__lte=end_date, end_date__gte=start_date).first()
    if clash is not None:
        raise ValidationError({"start_date": (
            gettext("Overlaps the agreement from %(start)s to %(end)s")
            % {"start": clash.start_date, "end": clash.end_date})})
    designation = Designation.objects.create(
        institution=found, service=service, start_date=start_date, end_date=end_date,
        services=services.strip(), prices=clean, created_by=user)
    record(user=user, action=Action.CREATE, obj=designation, request=request,
           summary=f"定点协议：{found.name}，{designation.get_service_display()}，"
                   f"{start_date} 至 {end_date}")
    return designation


@transaction.atomic
def end_designation(user: Any, designation_id: int, *, on: dt.date, reason: str,
                    request: HttpRequest | None = None) -> Designation:
    """The institution leaves the designation on ``on`` (动态退出, e.g. after failed
    inspections); government-paid placements can no longer start there from then."""
    scoping.require(user, Capability.APPROVE)
    found = (Designation.objects.filter(institution__in=queries.institutions_for(user))
             .select_for_update().select_related("institution").filter(pk=designation_id).first())
    if found is None:
        raise Designation.DoesNotExist(designation_id)
    if found.ended_on is not None:
        raise ValidationError({"on": gettext("Already left on %(date)s") % {"date": found.ended_on}})
    if not found.start_date <= on <= found.end_date:
        raise ValidationError({"on": gettext("Within the agreement's period")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for leaving")})
    found.ended_on, found.end_reason = on, reason.strip()
    found.save(update_fields=["ended_on", "end_reason"])
    record(user=user, action=Action.TRANSITION, obj=found, request=request,
           changes={"ended_on": [None, on.isoformat()]},
           summary=f"定点退出：{found.institution.name}，{on}，{reason.strip()}")
    return found


# ---- purchased services (政府购买服务) ---------------------------------------------------------

@transaction.atomic
def sign_contract(user: Any, *, service_type: ServiceType, provider: str, region: Region,
                  start_date: dt.date, end_date: dt.date, budget: Decimal, unit_price: Decimal,
                  quantity: int, deliverables: str, request: HttpRequest | None = None
                  ) -> Contract:
    """A purchase-of-services contract (federation staff, within their region)."""
    scoping.require(user, Capability.APPROVE)
    if user.region is None or not user.region.contains(region.code):
        raise PermissionDenied("region outside the user's")
    errors: dict[str, str] = {}
    if not provider.strip():
        errors["provider"] = gettext("Name the provider")
    if end_date < start_date:
        errors["end_date"] = gettext("The contract ends before it starts")
    if budget <= 0 or unit_price <= 0:
        errors["budget"] = gettext("Budget and unit price above 0")
    elif quantity < 1:
        errors["quantity"] = gettext("At least one service")
    elif unit_price * quantity > budget:
        errors["budget"] = (gettext("Unit price × quantity = %(total)s yuan, above the budget of %(budget)s "
                                    "yuan")
                             % {"total": f"{unit_price * quantity:,.2f}", "budget": f"{budget:,.2f}"})
    if not deliverables.strip():
        errors["deliverables"] = gettext("List the deliverables")
    if errors:
        raise ValidationError(errors)
    contract = Contract.objects.create(
        service_type=service_type, provider=provider.strip(), region=region,
        start_date=start_date, end_date=end_date, budget=budget, unit_price=unit_price,
        quantity=quantity, deliverables=deliverables.strip(), created_by=user)
    record(user=user, action=Action.CREATE, obj=contract, request=request,
           summary=f"购买服务合同：{service_type.name}，{contract.provider}，预算 {budget} 元")
    return contract


def _contract(user: Any, contract_id: int, capability: Capability) -> Contract:
    scoping.require(user, capability)
    found = (queries.contracts_for(user).select_for_update().select_related("service_type")
             .filter(pk=contract_id).first())
    if found is None:
        raise Contract.DoesNotExist(contract_id)
    return found


@transaction.atomic
def record_delivery(user: Any, contract_id: int, person: Person | int, *, on: dt.date,
                    satisfaction: int | None = None, outcome: str = "",
                    request: HttpRequest | None = None) -> Delivery:
    """A service delivered under a contract: a service record for the person (which the
    plan's indicators count), paid at the unit price. Refused: a day outside the contract,
    a contract already evaluated, a delivery beyond the budget, a person outside the area
    served, a satisfaction other than 1–5."""
    contract = _contract(user, contract_id, Capability.EDIT_PEOPLE)
    who = _person(user, person)
    if not contract.region.contains(who.village_id):
        raise ValidationError({"person": gettext("Outside the area served")})
    if contract.evaluated_on is not None:
        raise ValidationError({"on": gettext("Contract already evaluated")})
    if not contract.start_date <= on <= contract.end_date:
        raise ValidationError({"on": f"服务日期须在合同期内（{contract.start_date} 至 "
                                     f"{contract.end_date}）(within the contract's period)"})
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": gettext("Satisfaction is 1–5")})
    try:
        rules.check_delivery(queries.spent(contract), contract.unit_price, contract.budget)
    except rules.RuleError as exc:
        raise _refuse("on", exc) from None
    service = services.record_service(
        user, who, contract.service_type, start_date=on, provider=contract.provider,
        outcome=outcome, cost=contract.unit_price, subsidy=contract.unit_price, request=request)
    return Delivery.objects.create(contract=contract, service=service, satisfaction=satisfaction)


@transaction.atomic
def evaluate_contract(user: Any, contract_id: int, *, note: str = "",
                      request: HttpRequest | None = None) -> Contract:
    """The performance evaluation at the end (绩效评价): delivered against contracted,
    persons served, cost per person, satisfaction; stored with the contract."""
    contract = _contract(user, contract_id, Capability.APPROVE)
    if contract.evaluated_on is not None:
        raise ValidationError({"note": gettext("Already evaluated on %(date)s")
                                       % {"date": contract.evaluated_on}})
    today = clock.today()
    if today < contract.end_date:
        raise ValidationError({"note": (gettext("The contract runs to %(date)s: evaluate it once it has "
                                                "ended")
                                        % {"date": contract.end_date})})
    result = queries.performance(contract)
    contract.evaluated_on = today
    contract.evaluation = result.as_record(note.strip())
    contract.save(update_fields=["evaluated_on", "evaluation"])
    record(user=user, action=Action.TRANSITION, obj=contract, request=request,
           summary=f"购买服务绩效评价：{contract.provider}，{rules.RATINGS[result.rating][0]}")
    return contract
