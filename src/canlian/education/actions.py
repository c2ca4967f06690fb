"""Write operations of education support. Status changes from staff, the annual survey
and the education department's batch all go through ``apply_entries`` (set-based: a few
queries whatever the number of rows), which keeps the history, the current status and
the out-of-school cases (控辍保学) in step. Each write is one transaction with its audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action
from canlian.core import clock, exports, sheets
from canlian.indicators import places
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.surveys.models import AnnualSurvey
from canlian.todos.models import Todo

from . import rules
from .models import Assessment, DropoutCase, HomeTeachingPlan, HomeVisit, Pupil, StatusChange, StudentAid


def pupils_for(user: Any):
    """Pupils on the register a user may see (the scoping layer decides)."""
    return Pupil.objects.filter(scoping.region_q(user, "village__code"))


def dropout_cases_for(user: Any):
    return DropoutCase.objects.filter(scoping.region_q(user, "village__code"))


def _editable(user: Any, pupil_id: int) -> Pupil:
    scoping.require(user, Capability.EDIT_PEOPLE)
    pupil = pupils_for(user).select_related("person").filter(pk=pupil_id).first()
    if pupil is None:
        raise Pupil.DoesNotExist(pupil_id)
    return pupil


def _refusal(errors: list[rules.EducationRuleError]) -> ValidationError:
    result: dict[str, list[str]] = {}
    for e in errors:
        result.setdefault(e.field, []).append(e.message)
    return ValidationError(result)


def apply_entries(pairs: list[tuple[Person, rules.Entry]], source: str, user: Any = None
                  ) -> dict[str, int]:
    """Record each (person, entry) already checked: new pupils, a history entry where the
    status, level or school changed (the previous one ends the day before), the current
    status, and an out-of-school case for each child of compulsory-school age not in
    school (open cases close when the child is back in school). Set-based."""
    today = clock.today()
    by_person = {p.pk: (p, e) for p, e in pairs}  # the last row of a person wins
    existing = {p.person_id: p for p in Pupil.objects.select_for_update().filter(
        person_id__in=list(by_person))}
    new = [Pupil(person_id=pid, village_id=p.village_id, status=e.status,
                 highest_level=e.highest_level or "none", school=e.school, reason=e.reason,
                 since=e.since, registered_on=today)
           for pid, (p, e) in by_person.items() if pid not in existing]
    Pupil.objects.bulk_create(new)
    created = {p.person_id: p for p in Pupil.objects.filter(person_id__in=[n.person_id for n in new])}
    changed: list[Pupil] = []
    history: list[StatusChange] = []
    for pid, (person, e) in by_person.items():
        pupil = existing.get(pid)
        level = rules.higher_level(pupil.highest_level if pupil else "none", e.highest_level)
        if pupil is not None:
            if (pupil.status, pupil.highest_level, pupil.school) == (e.status, level, e.school) \
                    or e.since < pupil.since:
                continue  # unchanged, or older than what the register holds
            pupil.status, pupil.highest_level, pupil.school = e.status, level, e.school
            pupil.reason, pupil.since, pupil.village_id = e.reason, e.since, person.village_id
            changed.append(pupil)
        else:
            pupil = created[pid]
        history.append(StatusChange(pupil=pupil, status=e.status, highest_level=level,
                                    school=e.school, reason=e.reason, since=e.since,
                                    source=source, by=user if getattr(user, "is_authenticated",
                                                                      False) else None))
    Pupil.objects.bulk_update(changed, ["status", "highest_level", "school", "reason", "since",
                                        "village_id"])
    ended = list(StatusChange.objects.filter(pupil__in=changed, until__isnull=True))
    starts = {h.pupil_id: h.since for h in history}
    for h in ended:
        h.until = max(h.since, starts[h.pupil_id] - dt.timedelta(days=1))
    StatusChange.objects.bulk_update(ended, ["until"])
    StatusChange.objects.bulk_create(history)
    places.refresh_persons(h.pupil.person_id for h in history)  # schooling indicators
    touched = [h.pupil for h in history]
    opened = _open_dropout_cases([p for p in touched if p.status == "not_enrolled"], today)
    closed = _close_returned([p for p in touched if p.status in rules.COMPULSORY], today)
    return {"new": len(new), "changed": len(changed), "unchanged": len(by_person) - len(history),
            "cases_opened": opened, "cases_closed": closed}


def _open_dropout_cases(pupils: list[Pupil], today: dt.date) -> int:
    persons = {p.pk: p for p in Person.objects.filter(pk__in=[x.person_id for x in pupils])}
    already = set(DropoutCase.objects.filter(pupil__in=pupils, closed_on__isnull=True)
                  .values_list("pupil_id", flat=True))
    due = rules.follow_up_due(today)
    new = [p for p in pupils if p.pk not in already
           and persons[p.person_id].birth_date is not None
           and rules.compulsory_age(persons[p.person_id].birth_date, today)]
    DropoutCase.objects.bulk_create([DropoutCase(pupil=p, village_id=p.village_id, opened_on=today,
                                                 due=due, reason=p.reason) for p in new])
    Todo.objects.bulk_create([Todo(
        person_id=p.person_id, village_id=p.village_id, role=Role.TOWNSHIP_STAFF,
        kind="education_dropout", due=due,
        title=f"{persons[p.person_id].name}：义务教育阶段未入学，请于 {due} 前入户核实并制定劝返"
              "或送教方案（控辍保学）") for p in new])
    return len(new)


def _close_returned(pupils: list[Pupil], today: dt.date) -> int:
    home = [p.pk for p in pupils if p.status == "compulsory_home"]
    open_cases = DropoutCase.objects.filter(pupil__in=pupils, closed_on__isnull=True)
    n = open_cases.filter(pupil_id__in=home).update(outcome="home_teaching", closed_on=today)
    n += open_cases.exclude(pupil_id__in=home).update(outcome="returned", closed_on=today)
    return n


@transaction.atomic
def set_status(user: Any, person: Person, *, status: str, highest_level: str = "",
               school: str = "", reason: str = "", since: dt.date | None = None) -> Pupil:
    """Staff record a child's schooling status (a change joins the history)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    current = Pupil.objects.filter(person=person).values_list("highest_level", flat=True).first()
    entry = rules.Entry(status, rules.higher_level(current or "none", highest_level),
                        school.strip(), reason, since or clock.today())
    if person.birth_date is None:
        raise ValidationError(gettext("No date of birth"))
    errors = rules.check(entry, person.birth_date, clock.today())
    if errors:
        raise _refusal(errors)
    apply_entries([(person, entry)], "staff", user)
    pupil = Pupil.objects.get(person=person)
    record(user=user, action=Action.UPDATE, obj=pupil, person=person,
           summary=f"就学状况：{rules.STATUSES[status]}")
    return pupil


# ---- the education department's batch ---------------------------------------------------

COLUMNS = ["身份证号", "姓名", "就学状况", "学校", "最高完成学历", "未入学原因", "日期"]
STATUS_BY_LABEL = {**{v: k for k, v in rules.STATUSES.items()}, **{k: k for k in rules.STATUSES}}
LEVEL_BY_LABEL = {**{v: k for k, v in rules.LEVELS.items()}, **{k: k for k in rules.LEVELS}}
REASON_BY_LABEL = {**{v: k for k, v in rules.REASONS.items()}, **{k: k for k in rules.REASONS}}


@dataclass
class BatchResult:
    rows: int
    errors: list[dict[str, Any]]
    counts: dict[str, int]


def import_batch(user: Any, stream: IO[bytes] | str) -> BatchResult:
    """Read the education department's workbook (columns ``COLUMNS``, first row headers).
    Every row is checked; the accepted rows are written in one transaction, and every
    rejected row is reported with its row number, column and reason (nothing is lost:
    fix those rows and import the file again; rows already recorded report unchanged)."""
    scoping.require(user, Capability.IMPORT_PEOPLE)
    try:
        col, rows = sheets.table(stream, COLUMNS, max_bytes=50_000_000, max_rows=200_000)
    except sheets.SheetError as exc:
        raise ValidationError({"file": str(exc)}) from None
    parsed: list[tuple[int, str, str, rules.Entry | None, str]] = []
    errors: list[dict[str, Any]] = []
    today = clock.today()

    originals = {number: [sheets.cell(values, col[c]) for c in COLUMNS] for number, values in rows}

    def err(row: int, column: str, reason: str) -> None:
        errors.append({"row": row, "column": column, "reason": reason,
                       "values": originals.get(row, [])})

    for number, values in rows:
        def get(name: str) -> str:
            return sheets.cell(values, col[name]).strip()  # noqa: B023 - used at once

        try:
            rid = idnumber.validate(get("身份证号")).number
        except idnumber.ResidentIdError as exc:
            err(number, "身份证号", exc.message)
            continue
        status = STATUS_BY_LABEL.get(get("就学状况"))
        level = LEVEL_BY_LABEL.get(get("最高完成学历") or "none")
        reason = REASON_BY_LABEL.get(get("未入学原因"), "") if get("未入学原因") else ""
        try:
            since = dt.date.fromisoformat(get("日期")[:10]) if get("日期") else today
        except ValueError:
            err(number, "日期", gettext("Not a date: %(value)s (write it as 2025-09-01)")
                              % {"value": get("日期")})
            continue
        if status is None:
            err(number, "就学状况", f"未知的就学状况：{get('就学状况')!r}")
            continue
        if level is None:
            err(number, "最高完成学历", f"未知的学历：{get('最高完成学历')!r}")
            continue
        parsed.append((number, rid, get("姓名"),
                       rules.Entry(status, level, get("学校"), reason, since), ""))
    people = {p.resident_id: p for p in scoping.people_for(user).filter(
        resident_id__in=[r[1] for r in parsed])}
    pairs: list[tuple[Person, rules.Entry]] = []
    for number, rid, name, entry, _ in parsed:
        person = people.get(rid)
        if person is None:
            err(number, "身份证号", gettext("No certificate holder with this ID number in your region"))
            continue
        if name and name != person.name:
            err(number, "姓名", gettext("The name does not match the ID (registered as %(name)s)")
                              % {"name": person.name})
            continue
        assert entry is not None
        problems = rules.check(entry, person.birth_date, today) if person.birth_date else []
        for p in problems:
            err(number, {"status": "就学状况", "highest_level": "最高完成学历", "school": "学校",
                         "reason": "未入学原因", "since": "日期"}[p.field], p.message)
        if not problems:
            pairs.append((person, entry))
    with transaction.atomic():
        counts = apply_entries(pairs, "education_batch", user) if pairs else {}
        record_many(user=user, action=Action.IMPORT,
                    people=[(p.pk, p.village_id) for p, _ in pairs],
                    summary="教育部门学籍数据批量导入")
    errors.sort(key=lambda e: e["row"])
    return BatchResult(rows=len(rows), errors=errors, counts=counts)


def sync_from_surveys(year: int, region_range: tuple[str, str]) -> dict[str, int]:
    """Take the year's survey answers (children 0–17 and students in higher education)
    into the register, where they are newer than what it holds."""
    rows = (AnnualSurvey.objects.filter(scoping.within(region_range, "village__code"), year=year)
            .exclude(education_status__in=["not_applicable", ""])
            .select_related("person"))
    pairs = []
    for s in rows.iterator(chunk_size=2000):
        person = s.person
        if person.birth_date is None:
            continue
        if rules.age_on(person.birth_date, s.surveyed_on) > 17 and s.education_status != "higher":
            continue
        status = s.education_status if s.education_status in rules.STATUSES else "finished"
        entry = rules.Entry(status, s.highest_level or "none", "（调查）" if status in rules.IN_SCHOOL
                            and status != "compulsory_home" else "",
                            "other" if status == "not_enrolled" else "", s.surveyed_on)
        if not rules.check(entry, person.birth_date, clock.today()):
            pairs.append((person, entry))
    with transaction.atomic():
        return apply_entries(pairs, "survey")


# ---- 一人一案, 送教上门, 控辍保学, aid ---------------------------------------------------------

@transaction.atomic
def assess(user: Any, pupil_id: int, *, assessed_on: dt.date, assessed_by: str, needs: str,
           recommended: str, decision: str = "", decided_on: dt.date | None = None,
           review_on: dt.date | None = None) -> Assessment:
    pupil = _editable(user, pupil_id)
    errors = {}
    if recommended not in rules.PLACEMENTS:
        errors["recommended"] = gettext("Choose the placement")
    if decision and decision not in rules.PLACEMENTS:
        errors["decision"] = gettext("Unknown placement")
    if decision and not decided_on:
        errors["decided_on"] = gettext("Date the decision")
    if decision and not review_on:
        errors["review_on"] = gettext("Set the review date")
    if review_on and decided_on and review_on <= decided_on:
        errors["review_on"] = gettext("Review after the decision")
    if assessed_on > clock.today():
        errors["assessed_on"] = gettext("The assessment date is in the future")
    if not needs.strip() or not assessed_by.strip():
        errors["needs"] = gettext("Needs and assessor")
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(pupil=pupil, assessed_on=assessed_on,
                                           assessed_by=assessed_by.strip(), needs=needs.strip(),
                                           recommended=recommended, decision=decision,
                                           decided_on=decided_on, review_on=review_on)
    record(user=user, action=Action.CREATE, obj=assessment, person=pupil.person,
           summary=f"入学评估与安置（一人一案）：{rules.PLACEMENTS[decision or recommended]}")
    return assessment


@transaction.atomic
def plan_home_teaching(user: Any, pupil_id: int, *, teacher: str, school: str,
                       visits_per_month: int, content: str, start: dt.date,
                       end: dt.date | None = None) -> HomeTeachingPlan:
    pupil = _editable(user, pupil_id)
    minimum = int(rules.data()["home_teaching"]["min_visits_per_month"])
    errors = {}
    if visits_per_month < minimum:
        errors["visits_per_month"] = gettext("At least %(n)s home-teaching visits a month") % {"n": minimum}
    if end and end < start:
        errors["end"] = gettext("Ends before it starts")
    if not teacher.strip() or not school.strip():
        errors["teacher"] = gettext("Teacher and school")
    if not content.strip():
        errors["content"] = gettext("What is taught")
    if errors:
        raise ValidationError(errors)
    HomeTeachingPlan.objects.filter(pupil=pupil, end__isnull=True, start__lt=start).update(
        end=start - dt.timedelta(days=1))
    plan = HomeTeachingPlan.objects.create(pupil=pupil, teacher=teacher.strip(),
                                           school=school.strip(),
                                           visits_per_month=visits_per_month,
                                           content=content.strip(), start=start, end=end)
    record(user=user, action=Action.CREATE, obj=plan, person=pupil.person, summary="送教上门计划")
    return plan


@transaction.atomic
def log_visit(user: Any, plan_id: int, *, on: dt.date, minutes: int, done: str) -> HomeVisit:
    scoping.require(user, Capability.EDIT_PEOPLE)
    plan = HomeTeachingPlan.objects.select_related("pupil__person").filter(
        pk=plan_id, pupil__in=pupils_for(user)).first()
    if plan is None:
        raise HomeTeachingPlan.DoesNotExist(plan_id)
    errors = {}
    if on > clock.today():
        errors["on"] = gettext("The home-teaching date is in the future")
    if on < plan.start or (plan.end and on > plan.end):
        errors["on"] = gettext("Outside the plan")
    if not 10 <= minutes <= 600:
        errors["minutes"] = gettext("Duration 10–600 minutes")
    if not done.strip():
        errors["done"] = gettext("What was done")
    if errors:
        raise ValidationError(errors)
    visit = HomeVisit.objects.create(plan=plan, on=on, minutes=minutes, done=done.strip(),
                                     by=user)
    record(user=user, action=Action.CREATE, obj=visit, person=plan.pupil.person,
           summary=f"送教上门 {on} {minutes} 分钟")
    return visit


@transaction.atomic
def follow_up(user: Any, case_id: int, *, note: str, outcome: str = "") -> DropoutCase:
    """Log an action on an out-of-school case (家访、劝返、评估…) and, with an outcome,
    close it."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    case = dropout_cases_for(user).select_for_update().select_related("pupil__person").filter(
        pk=case_id).first()
    if case is None:
        raise DropoutCase.DoesNotExist(case_id)
    if case.closed_on:
        raise ValidationError(gettext("The case file is closed"))
    if not note.strip():
        raise ValidationError({"note": gettext("Say what measures were taken")})
    if outcome and outcome not in rules.OUTCOMES:
        raise ValidationError({"outcome": gettext("Unknown outcome")})
    today = clock.today()
    case.actions_taken = (case.actions_taken + "\n" if case.actions_taken else "") + \
        f"{today} {note.strip()}"
    if outcome:
        case.outcome, case.closed_on = outcome, today
        Todo.objects.filter(person_id=case.pupil.person_id, kind="education_dropout",
                            done_at__isnull=True).update(done_at=clock.now(), done_by=user)
    case.save(update_fields=["actions_taken", "outcome", "closed_on"])
    record(user=user, action=Action.UPDATE, obj=case, person=case.pupil.person,
           summary=f"控辍保学：{note.strip()[:60]}{'（结案）' if outcome else ''}")
    return case


@transaction.atomic
def grant_aid(user: Any, pupil_id: int, *, year: int, kind: str, amount: Any) -> StudentAid:
    pupil = _editable(user, pupil_id)
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValidationError({"amount": gettext("Not a number")}) from None
    if not Decimal(0) < value <= Decimal(100000):
        raise ValidationError({"amount": gettext("Out of range")})
    if not kind.strip():
        raise ValidationError({"kind": gettext("Name the aid")})
    if not 2015 <= year <= clock.today().year:
        raise ValidationError({"year": gettext("Year out of range")})
    try:
        with transaction.atomic():
            aid = StudentAid.objects.create(pupil=pupil, year=year, kind=kind.strip(),
                                            amount=value)
    except IntegrityError:
        raise ValidationError({"kind": gettext("Already granted this year")}) \
            from None
    record(user=user, action=Action.CREATE, obj=aid, person=pupil.person,
           summary=f"助学 {year} {kind} {value} 元")
    return aid


def error_workbook(errors: list[dict[str, Any]]) -> Any:
    """The rejected rows with their original values and the reason, ready to fix and import
    again (the roster import's discipline)."""
    def write(book: Any) -> None:
        sheet = book.create_sheet("未导入的行")
        sheet.header(["原行号", "出错列", "原因", *COLUMNS])
        for e in errors:
            sheet.append([e["row"], e["column"], e["reason"], *e.get("values", [])])

    return exports.build(write)
