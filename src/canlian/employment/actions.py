"""Write operations of employment: employers, declarations (with the levy), placements,
training. Each is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock, separation, throttle
from canlian.core.duties import Workflow
from canlian.indicators import places
from canlian.people import idnumber
from canlian.people.models import Person
from canlian.regions.models import Deployment

from . import levy, uscc
from .models import Course, Declaration, DeclaredEmployee, Employer, Enrolment, JobSeeker, Placement
from .quota import quota_status


def employers_for(user: Any):
    """Employers a user may see: the employer role its own units, staff those in region."""
    if user.role == Role.EMPLOYER:
        return Employer.objects.filter(users=user)
    return Employer.objects.filter(scoping.region_range_q(user, "township__code")) \
        if user.can(Capability.VIEW_PEOPLE) else Employer.objects.none()


@transaction.atomic
def register_employer(user: Any, *, name: str, credit_code: str, unit_kind: str,
                      township: Any, posts: int | None = None,
                      is_school_or_kindergarten: bool = False, address: str = "",
                      contact: str = "") -> Employer:
    scoping.require(user, Capability.EDIT_PEOPLE)
    try:
        code = uscc.validate(credit_code)
    except uscc.CreditCodeError as exc:
        raise ValidationError({"credit_code": exc.message}) from None
    if unit_kind not in levy.UNIT_KINDS:
        raise ValidationError({"unit_kind": gettext("Unknown kind of unit")})
    if not scoping.in_scope(user, township.code):
        raise ValidationError({"township": gettext("Outside your region")})
    existing = Employer.objects.filter(credit_code=code).first()
    if existing:
        raise ValidationError({"credit_code": (gettext("This credit code is already registered: %(name)s")
                                               % {"name": existing.name})})
    employer = Employer.objects.create(name=name, credit_code=code, unit_kind=unit_kind,
                                       township=township, posts=posts,
                                       is_school_or_kindergarten=is_school_or_kindergarten,
                                       address=address, contact=contact)
    record(user=user, action=Action.CREATE, obj=employer, summary=f"登记用人单位 {name}")
    return employer


def _province() -> str:
    deployment = Deployment.current()
    return deployment.root.code[:2] if deployment else "33"


def to_levy(declaration: Declaration) -> levy.Declaration:
    employees = [levy.Employee(grade=e.grade, counted=e.counted)
                 for e in declaration.employees.all()]
    return levy.Declaration(year=declaration.year, province=_province(),
                            unit_kind=declaration.employer.unit_kind, staff=declaration.staff,
                            disabled_employees=employees,
                            average_wage=declaration.average_wage,
                            local_average_wage=declaration.local_average_wage)


def compute(declaration: Declaration) -> levy.LevyResult:
    try:
        return levy.compute(to_levy(declaration))
    except levy.LevyInputError as exc:
        raise ValidationError({exc.field: exc.message}) from None


def _may_write(user: Any) -> None:
    """Declarations are written by the employer, or by staff who edit (paper filings);
    read-only roles (auditors) may look but never change them."""
    if user.role != Role.EMPLOYER:
        scoping.require(user, Capability.EDIT_PEOPLE)


def _own(user: Any, declaration_id: int, *, for_update: bool = False) -> Declaration:
    qs = Declaration.objects.filter(employer__in=employers_for(user)).select_related("employer")
    if for_update:
        qs = qs.select_for_update()
    declaration = qs.filter(pk=declaration_id).first()
    if declaration is None:
        raise Declaration.DoesNotExist(declaration_id)
    return declaration


@transaction.atomic
def file_declaration(user: Any, employer: Employer, *, year: int, staff: Decimal,
                     average_wage: Decimal, local_average_wage: Decimal) -> Declaration:
    _may_write(user)
    if not employers_for(user).filter(pk=employer.pk).exists():
        raise PermissionDenied("not your unit")
    try:
        levy.check_amounts(staff, average_wage, local_average_wage)
    except levy.LevyInputError as exc:
        raise ValidationError({exc.field: exc.message}) from None
    declaration, created = Declaration.objects.get_or_create(
        employer=employer, year=year,
        defaults={"staff": staff, "average_wage": average_wage,
                  "local_average_wage": local_average_wage})
    if created:
        _carry_over(declaration)
    if declaration.state not in ("draft", "returned"):
        raise ValidationError(gettext("Already submitted"))
    declaration.staff, declaration.average_wage = staff, average_wage
    declaration.local_average_wage = local_average_wage
    declaration.save()
    record(user=user, action=Action.UPDATE, obj=declaration, summary=f"填报 {year} 年度按比例就业")
    return declaration


def _carry_over(declaration: Declaration) -> int:
    """A new year's declaration starts with last year's disabled staff who can still be
    counted (a valid certificate, alive, not declared by another unit this year), with
    their grade as it is now; the employer removes who has left and adds who has joined."""
    last = DeclaredEmployee.objects.filter(declaration__employer=declaration.employer,
                                           declaration__year=declaration.year - 1)
    elsewhere = DeclaredEmployee.objects.filter(declaration__year=declaration.year).values(
        "person_id")
    rows = list(last.filter(person__certificate_number__isnull=False,
                            person__grade__isnull=False, person__life_status="alive")
                .exclude(person_id__in=elsewhere)
                .values("person_id", "person__grade", "contract_ok", "wage_ok", "insurance_ok"))
    DeclaredEmployee.objects.bulk_create([
        DeclaredEmployee(declaration=declaration, person_id=r["person_id"],
                         grade=r["person__grade"] or 0,  # filtered: never None
                         contract_ok=r["contract_ok"],
                         wage_ok=r["wage_ok"], insurance_ok=r["insurance_ok"]) for r in rows])
    return len(rows)


# An employer may look a person up only by the name and ID it already holds, and learns
# only whether they match (one answer, whatever the reason); misses are limited.
LOOKUP_MISSES_PER_HOUR = 10
LOOKUPS_PER_DAY = 300
NO_MATCH = (gettext_lazy("The name and resident ID do not match a person who can be counted: check the "
                         "certificate itself, or ask the federation"))
TOO_MANY = (gettext_lazy("Too many lookups that did not match: try again in an hour"))


def _lookup_allowed(user: Any) -> bool:
    if user.role != Role.EMPLOYER:
        return True
    if throttle.count("employer-lookup-miss", str(user.pk),
                      dt.timedelta(hours=1)) >= LOOKUP_MISSES_PER_HOUR:
        return False
    return throttle.hit("employer-lookup", str(user.pk), limit=LOOKUPS_PER_DAY,
                        window=dt.timedelta(days=1))


def _employee_refusal(declaration: Declaration, person: Person | None, name: str) -> str | None:
    """Why ``person`` cannot be added (staff only see this), or None."""
    if person is None or person.name.strip() != name.strip():
        return gettext("Name and ID do not match")
    if person.certificate_number is None or person.grade is None:
        return gettext("No valid disability certificate for this ID")
    if person.life_status != "alive":
        return gettext("Deceased")
    elsewhere = DeclaredEmployee.objects.filter(person=person,
                                                declaration__year=declaration.year).exclude(
        declaration=declaration).select_related("declaration__employer").first()
    if elsewhere:
        return (gettext("Already declared this year by %(employer)s")
                % {"employer": elsewhere.declaration.employer.name})
    return None


def add_employee(user: Any, declaration_id: int, resident_id: str, name: str, *,
                 contract_ok: bool = True, wage_ok: bool = True,
                 insurance_ok: bool = True, request: Any = None) -> DeclaredEmployee:
    """Add a disabled employee by the name and ID the employer holds. Every lookup is
    audited (committed even when refused); an employer is told only "does not match"."""
    _may_write(user)
    try:
        number = idnumber.validate(resident_id).number
    except idnumber.ResidentIdError as exc:
        raise ValidationError({"resident_id": exc.message}) from None
    if not _lookup_allowed(user):
        raise ValidationError({"resident_id": TOO_MANY})
    refusal = None
    with transaction.atomic():
        declaration = _own(user, declaration_id, for_update=True)
        if declaration.state not in ("draft", "returned"):
            raise ValidationError(gettext("Submitted declarations cannot change"))
        person = Person.objects.filter(resident_id=number).first()
        refusal = _employee_refusal(declaration, person, name)
        if refusal is None:
            employee = _add(declaration, person, contract_ok, wage_ok, insurance_ok)  # type: ignore[arg-type]
            record(user=user, action=Action.VIEW, obj=declaration, person=person,
                   request=request, summary="核验申报残疾职工：相符，已加入申报")
            return employee
    # Refused: the lookup is still audited, without the ID typed, and counted as a miss.
    record(user=user, action=Action.VIEW, obj=declaration, request=request,
           summary="核验申报残疾职工：不符")
    if user.role == Role.EMPLOYER:
        throttle.hit("employer-lookup-miss", str(user.pk), limit=10**6,
                     window=dt.timedelta(hours=1))
        raise ValidationError({"resident_id": NO_MATCH})
    visible = person is not None and scoping.people_for(user).filter(pk=person.pk).exists()
    raise ValidationError({"resident_id": refusal if visible else NO_MATCH})


def _add(declaration: Declaration, person: Person, contract_ok: bool, wage_ok: bool,
         insurance_ok: bool) -> DeclaredEmployee:
    try:
        with transaction.atomic():
            employee = DeclaredEmployee.objects.create(  # type: ignore[misc]
                declaration=declaration, person=person, grade=person.grade,
                contract_ok=contract_ok, wage_ok=wage_ok, insurance_ok=insurance_ok)
            compute(declaration)  # more counted employees than staff, etc., refuse at once
    except IntegrityError:
        raise ValidationError({"resident_id": gettext("Already on this declaration")}) \
            from None
    return employee


@transaction.atomic
def submit(user: Any, declaration_id: int) -> Declaration:
    _may_write(user)
    declaration = _own(user, declaration_id, for_update=True)
    if declaration.state not in ("draft", "returned"):
        raise ValidationError(gettext("This declaration is already submitted"))
    compute(declaration)
    declaration.state = "submitted"
    declaration.submitted_at = timezone.now()
    declaration.save()
    record(user=user, action=Action.TRANSITION, obj=declaration, summary="提交按比例就业申报")
    return declaration


REVIEW_LABELS = {"check": "初审通过", "approve": "审核通过", "return": "退回"}


@transaction.atomic
def review(user: Any, declaration_id: int, decision: str, note: str = "") -> Declaration:
    """First check (初审, township or federation), then approval by another person (freezing
    the levy and its breakdown); either may return the declaration for correction."""
    if decision not in REVIEW_LABELS:
        raise ValidationError(f"未知操作 {decision!r}")
    scoping.require(user, Capability.APPROVE if decision == "approve" else Capability.REVIEW)
    declaration = _own(user, declaration_id)
    sources = {"check": ("submitted",), "approve": ("checked",),
               "return": ("submitted", "checked")}[decision]
    if declaration.state not in sources:
        raise ValidationError(gettext(
            "Only a submitted declaration can be checked, and only a checked one approved"))
    if decision == "return" and not note.strip():
        raise ValidationError({"note": gettext("Give the reason for returning it")})
    separation.check(Workflow.DECLARATION, decision, reviewer=declaration.checked_by, actor=user)
    target = {"check": "checked", "approve": "approved", "return": "returned"}[decision]
    changes: dict[str, Any] = {"state": target, "note": note}
    if decision == "check":
        changes["checked_by"] = user
    else:
        changes["reviewed_by"] = user
    if decision == "approve":
        result = compute(declaration)
        changes.update(required=result.required.quantize(Decimal("0.001")),
                       counted=result.counted, payable=result.payable,
                       standing=quota_status(to_levy(declaration)).standing.value,
                       breakdown=[list(line) for line in result.breakdown()])
    moved = Declaration.objects.filter(pk=declaration.pk, state=declaration.state,
                                       version=declaration.version).update(
        version=F("version") + 1, **changes)
    if moved != 1:
        raise ValidationError(gettext("Changed by someone else"))
    declaration.refresh_from_db()
    record(user=user, action=Action.TRANSITION, obj=declaration,
           summary=f"按比例就业申报：{REVIEW_LABELS[decision]}")
    return declaration


@transaction.atomic
def place(user: Any, person: Person, *, form: str, start: dt.date,
          employer: Employer | None = None, end: dt.date | None = None) -> Placement:
    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    if end and end < start:
        raise ValidationError({"end": gettext("Ends before it starts")})
    placement = Placement.objects.create(person=person, employer=employer, form=form,
                                         start=start, end=end)
    places.refresh_persons([person.pk])  # employed in the survey indicators
    record(user=user, action=Action.CREATE, obj=placement, person=person, summary="就业安置")
    return placement


@transaction.atomic
def enrol(user: Any, course: Any, person: Person) -> Enrolment:
    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=course, person=person)
    except IntegrityError:
        raise ValidationError(gettext("Already enrolled")) from None
    record(user=user, action=Action.CREATE, obj=enrolment, person=person,
           summary=f"报名培训：{course.name}")
    return enrolment


@transaction.atomic
def register_job_seeker(user: Any, person: Person, *, skills: str = "", limits: str = "",
                        wanted: str = "", registered_on: dt.date | None = None) -> Any:
    """Register (or update) a person as seeking work, with skills and limits (求职登记)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    if person.life_status != "alive":
        raise ValidationError(gettext("This person is deceased"))
    seeker, created = JobSeeker.objects.update_or_create(
        person=person, defaults={"skills": skills, "limits": limits, "wanted": wanted,
                                 "active": True,
                                 "registered_on": registered_on or clock.today()})
    record(user=user, action=Action.CREATE if created else Action.UPDATE, obj=seeker,
           person=person, summary="求职登记")
    return seeker


@transaction.atomic
def create_course(user: Any, *, name: str, provider: str, township: Any, start: dt.date,
                  end: dt.date, hours: int) -> Any:

    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.in_scope(user, township.code) and not township.contains(user.region.code):
        raise ValidationError({"township": gettext("Outside your region")})
    if end < start:
        raise ValidationError({"end": gettext("Ends before it starts")})
    course = Course.objects.create(name=name, provider=provider, township=township, start=start,
                                   end=end, hours=hours)
    record(user=user, action=Action.CREATE, obj=course, summary=f"开设培训班 {name}")
    return course


@transaction.atomic
def record_attendance(user: Any, enrolment_id: int, *, attended_hours: int,
                      completed: bool) -> Enrolment:
    scoping.require(user, Capability.EDIT_PEOPLE)
    enrolment = (Enrolment.objects.select_for_update().select_related("course", "person")
                 .filter(pk=enrolment_id, person__in=scoping.people_for(user)).first())
    if enrolment is None:
        raise Enrolment.DoesNotExist(enrolment_id)
    if attended_hours < 0 or attended_hours > enrolment.course.hours:
        raise ValidationError({"attended_hours": gettext("The hours attended must be between 0 "
                                                         "and %(hours)s")
                               % {"hours": enrolment.course.hours}})
    enrolment.attended_hours, enrolment.completed = attended_hours, completed
    enrolment.save(update_fields=["attended_hours", "completed"])
    record(user=user, action=Action.UPDATE, obj=enrolment, person=enrolment.person,
           summary=f"培训出勤 {attended_hours} 课时{'，已结业' if completed else ''}")
    return enrolment


@transaction.atomic
def end_placement(user: Any, placement_id: int, end: dt.date) -> Placement:
    scoping.require(user, Capability.EDIT_PEOPLE)
    placement = Placement.objects.select_for_update().filter(
        pk=placement_id, person__in=scoping.people_for(user)).first()
    if placement is None:
        raise Placement.DoesNotExist(placement_id)
    if end < placement.start:
        raise ValidationError({"end": gettext("Ends before it starts")})
    placement.end = end
    placement.save(update_fields=["end"])
    places.refresh_persons([placement.person_id])
    record(user=user, action=Action.UPDATE, obj=placement, person=placement.person,
           summary=f"就业安置结束 {end}")
    return placement
