"""Write operations on the registry: create and change persons, with audit entries.

Views, the importer and (later) the API call these; nothing else writes a Person.
Each runs in one transaction together with its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.certificates import actions as certificates
from canlian.certificates.forms import MAGIC, MAX_ATTACHMENT_BYTES
from canlian.certificates.workflow import Kind
from canlian.core import clock, exports
from canlian.events import bus
from canlian.portal.models import Purpose, Upload
from canlian.regions.models import Region

from . import idnumber
from .events import BirthDateCorrected, HouseholdTypeChanged, PersonDied, ResidenceChanged
from .models import (
    ContactChange,
    ContactChangeState,
    FirstApplication,
    FirstApplicationState,
    Household,
    HouseholdType,
    LifeStatus,
    Person,
    RosterImport,
)

if TYPE_CHECKING:
    from .roster import ImportResult

# Fields a person record is compared and audited on.
AUDITED_FIELDS = (
    "resident_id", "name", "ethnicity", "phone", "address", "village_id", "household_id",
    "guardian_name", "guardian_resident_id", "guardian_phone", "guardian_relation",
    "life_status", "death_date",
)


@dataclass
class PersonData:
    """Cleaned input for a person (from a form, a roster row or the API)."""

    resident_id: str
    name: str
    village: Region
    ethnicity: str = "01"
    phone: str = ""
    address: str = ""
    household_number: str = ""
    household_type: str = HouseholdType.ORDINARY
    guardian_name: str = ""
    guardian_resident_id: str = ""
    guardian_phone: str = ""
    guardian_relation: str = ""
    death_date: Any = None


def duplicate_message(existing: Person, user: Any) -> str:
    """Name the existing record to a user whose region holds it; to others, only that it exists."""
    township = existing.village.parent.name if existing.village.parent else ""
    if scoping.in_scope(user, existing.village_id):
        return (
            f"该身份证号已登记：{existing.name}（{township}{existing.village.name}，"
            f"档案号 {existing.pk}）(already registered as record {existing.pk})"
        )
    # Outside the user's region nothing is said of where or whom: a village worker (or an
    # API key) typing IDs must not learn which township holds each.
    return (gettext("Already registered outside your region: ask the federation"))


def _check_village(user: Any, village: Region) -> None:
    if village.level != "village":
        raise ValidationError({"village": gettext("Choose a village or community")})
    if not scoping.in_scope(user, village.code):
        raise ValidationError({"village": gettext("Village outside your region")})


def household_for(number: str, household_type: str, village: Region) -> Household | None:
    if not number:
        return None
    household, created = Household.objects.get_or_create(
        number=number, defaults={"household_type": household_type, "village": village}
    )
    if not created and household.household_type != household_type:
        household.household_type = household_type
        household.save(update_fields=["household_type", "updated_at"])
    return household


def announce_household_type(household: Household | None, previous: str, user: Any = None) -> int:
    """Publish ``HouseholdTypeChanged`` for every member of a household whose type changed
    (the programmes re-evaluate them); the count of members announced."""
    if household is None or household.household_type == previous:
        return 0
    members = list(Person.objects.filter(household=household).values_list("pk", flat=True))
    for pk in members:
        bus.publish(HouseholdTypeChanged(pk, household_type=household.household_type,
                                         previous=previous, actor_id=getattr(user, "pk", None)))
    return len(members)


@transaction.atomic
def set_household_type(user: Any, person: Person, household_type: str, *, summary: str) -> bool:
    """Set the person's household type as another department reports it (民政推送); audited.

    False when it is already that type. A person without a household gets their own.
    """
    current = person.household.household_type if person.household else HouseholdType.ORDINARY
    if current == household_type:
        return False
    if person.household:
        person.household.household_type = household_type
        person.household.save(update_fields=["household_type", "updated_at"])
    else:
        person.household = household_for(f"P{person.pk}", household_type, person.village)
        person.save(update_fields=["household", "updated_at"])
    record(user=user, action=Action.UPDATE, obj=person, person=person,
           summary=f"{summary}：户类型 {current} → {household_type}",
           changes={"household_type": [current, household_type]})
    announce_household_type(person.household, current, user)
    return True


def _apply(person: Person, data: PersonData) -> None:
    person.resident_id = data.resident_id
    person.derive_from_id()
    person.name = data.name.strip()
    person.ethnicity = data.ethnicity
    person.phone = data.phone
    person.address = data.address
    person.village = data.village
    person.household = household_for(data.household_number, data.household_type, data.village)
    guardian_id = idnumber.validate(data.guardian_resident_id).number if (
        data.guardian_resident_id
    ) else ""
    if guardian_id and guardian_id == person.resident_id:
        raise ValidationError(
            {"guardian_resident_id": gettext("A person cannot be their own guardian")}
        )
    person.guardian_resident_id = guardian_id
    person.guardian_name = data.guardian_name.strip() if guardian_id else ""
    person.guardian_phone = data.guardian_phone if guardian_id else ""
    person.guardian_relation = data.guardian_relation if guardian_id else ""
    _not_future(data.death_date)
    person.death_date = data.death_date
    person.life_status = LifeStatus.DECEASED if data.death_date else LifeStatus.ALIVE


def _not_future(death_date: Any) -> None:
    if death_date and death_date > clock.today():
        raise ValidationError({"death_date": gettext("The date of death is in the future")})


def snapshot(person: Person) -> dict[str, str]:
    return {f: "" if getattr(person, f) is None else str(getattr(person, f)) for f in AUDITED_FIELDS}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    changes = {k: [before.get(k, ""), after[k]] for k in after if before.get(k, "") != after[k]}
    for key in ("resident_id", "guardian_resident_id"):  # never write full IDs into the log
        if key in changes:
            changes[key] = [idnumber.mask(v) if v else "" for v in changes[key]]
    for key in ("phone", "guardian_phone"):  # nor phones: they are encrypted at rest
        if key in changes:
            changes[key] = [mask_phone(v) if v else "" for v in changes[key]]
    return changes


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678`` (what the audit log keeps of a phone)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


@transaction.atomic
def create_person(user: Any, data: PersonData, request: HttpRequest | None = None) -> Person:
    scoping.require(user, Capability.EDIT_PEOPLE)
    _check_village(user, data.village)
    parsed = idnumber.validate(data.resident_id)
    existing = Person.objects.select_related("village__parent").filter(
        resident_id=parsed.number
    ).first()
    if existing:
        raise ValidationError({"resident_id": duplicate_message(existing, user)})
    person = Person()
    _apply(person, data)
    person.save()
    record(user=user, action=Action.CREATE, obj=person, person=person, request=request,
           summary=f"登记 {person.name}", changes=diff({}, snapshot(person)))
    return person


@transaction.atomic
def update_person(
    user: Any, person: Person, data: PersonData, request: HttpRequest | None = None
) -> Person:
    scoping.require(user, Capability.EDIT_PEOPLE)
    # Re-read under lock, through the scope: a stale or foreign object cannot be written.
    locked = scoping.people_for(user).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise PermissionDenied("person outside region")
    _check_village(user, data.village)
    parsed = idnumber.validate(data.resident_id)
    clash = Person.objects.select_related("village__parent").filter(
        resident_id=parsed.number
    ).exclude(pk=locked.pk).first()
    if clash:
        raise ValidationError({"resident_id": duplicate_message(clash, user)})
    before = snapshot(locked)
    household_before = (locked.household.household_type if locked.household
                        else HouseholdType.ORDINARY)
    was_alive = locked.life_status == LifeStatus.ALIVE
    born = locked.birth_date
    lived = (locked.village_id, locked.household_id)
    died = locked.death_date
    _apply(locked, data)
    changes = diff(before, snapshot(locked))
    if changes:
        locked.save()
        record(user=user, action=Action.UPDATE, obj=locked, person=locked, request=request,
               summary=f"修改 {locked.name}：{', '.join(changes)}", changes=changes)
    announce_household_type(locked.household, household_before, user)
    if locked.birth_date != born:
        bus.publish(BirthDateCorrected(locked.pk, birth_date=locked.birth_date,
                                       actor_id=getattr(user, "pk", None)))
    if was_alive and locked.death_date:
        announce_death(locked, user)
    announce_residence(locked, moved=(locked.village_id, locked.household_id) != lived,
                       corrected=() if was_alive else (died, locked.death_date), user=user)
    return locked


def announce_residence(person: Person, *, moved: bool, corrected: tuple[Any, ...] = (),
                       user: Any = None) -> bool:
    """Publish ``ResidenceChanged`` if the person moved (village or household) or a recorded
    date of death was corrected or withdrawn (``corrected``: the dates before and after)."""
    dates = [d for d in corrected if d is not None]
    if not moved and (len(set(corrected)) < 2 or not dates):
        return False
    return bus.publish(ResidenceChanged(person.pk, person_ids=(person.pk,),
                                        since=None if moved else min(dates),
                                        actor_id=getattr(user, "pk", None)))


def announce_death(person: Person, user: Any = None) -> bool:
    """Publish the death (once per person): certificates, payments and services stop."""
    return bus.publish(PersonDied(person.pk, death_date=person.death_date,  # type: ignore[arg-type]
                                  actor_id=getattr(user, "pk", None)))


@transaction.atomic
def record_death(user: Any, person: Person, death_date: Any, request: HttpRequest | None = None,
                 source: str = "staff") -> bool:
    """Record a death reported by staff or a feed; False if it was already recorded."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.life_status == LifeStatus.DECEASED:
        return False
    if death_date < locked.birth_date:
        raise ValidationError({"death_date": gettext("Death before birth")})
    _not_future(death_date)
    locked.life_status = LifeStatus.DECEASED
    locked.death_date = death_date
    locked.save(update_fields=["life_status", "death_date", "updated_at"])
    record(user=user, action=Action.UPDATE, obj=locked, person=locked, request=request,
           summary=f"登记死亡（{source}）：{death_date}",
           changes={"life_status": ["alive", "deceased"], "death_date": ["", str(death_date)]})
    return announce_death(locked, user)


def record_view(user: Any, person: Person, request: HttpRequest | None = None) -> None:
    record(user=user, action=Action.VIEW, obj=person, person=person, request=request,
           summary=f"查看 {person.name} 的档案")


# ---- contact changes asked for by citizens (联系方式变更) --------------------------------

@transaction.atomic
def request_contact_change(user: Any, person: Person, *, phone: str, address: str,
                           request: HttpRequest | None = None) -> ContactChange:
    """A citizen (or guardian) asks to change the phone or address on record."""
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside scope")
    phone, address = phone.strip(), address.strip()
    if phone == person.phone and address == person.address:
        raise ValidationError({"phone": gettext("Nothing would change")})
    if ContactChange.objects.filter(person=person, state=ContactChangeState.PENDING).exists():
        raise ValidationError({"phone": gettext("A change is already waiting for review")})
    change = ContactChange.objects.create(
        person=person, village_id=person.village_id, phone=phone, address=address,
        old_phone=person.phone, old_address=person.address, requested_by=user)
    record(user=user, action=Action.CREATE, obj=change, person=person, request=request,
           summary="申请变更联系方式")
    return change


def contact_changes_for(user: Any):
    return ContactChange.objects.filter(person__in=scoping.people_for(user))


@transaction.atomic
def decide_contact_change(user: Any, change_id: int, approve: bool, *, note: str = "",
                          request: HttpRequest | None = None) -> ContactChange:
    """Staff approve (the person record changes, audited) or refuse (with a reason)."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    change = (contact_changes_for(user).select_for_update().filter(pk=change_id).first())
    if change is None:
        raise ContactChange.DoesNotExist(change_id)
    if change.state != ContactChangeState.PENDING:
        raise ValidationError(gettext("Already decided"))
    if not approve and not note.strip():
        raise ValidationError({"note": gettext("Give the reason for refusing the change")})
    person = Person.objects.select_for_update().get(pk=change.person_id)
    if approve:
        changes = {k: [getattr(person, k), getattr(change, k)] for k in ("phone", "address")
                   if getattr(person, k) != getattr(change, k)}
        if "phone" in changes:
            changes["phone"] = [mask_phone(v) if v else "" for v in changes["phone"]]
        person.phone, person.address = change.phone, change.address
        person.save(update_fields=["phone", "phone_index", "address", "updated_at"])
        record(user=user, action=Action.UPDATE, obj=person, person=person, request=request,
               summary=f"按本人申请变更联系方式：{', '.join(changes)}", changes=changes)
    change.state = ContactChangeState.APPROVED if approve else ContactChangeState.REJECTED
    change.decided_by, change.decided_at, change.note = user, timezone.now(), note.strip()
    change.save(update_fields=["state", "decided_by", "decided_at", "note"])
    return change


# ---- first applications from people not yet registered (首次申请登记) ----------------------

ALREADY_REGISTERED = gettext_lazy(
    "This person is already on the registry: sign in with the usual sign-in (the code goes to "
    "the phone on record). A guardian on record can act for them; otherwise ask your village "
    "(community) worker.")


@dataclass
class FirstApplicationInput:
    """What the applicant typed in the portal. ``for_ward``: a guardian applying for a person
    in their care; the guardian is then the signed-in citizen."""

    resident_id: str
    name: str
    village: Region
    address: str
    verified_phone: str
    for_ward: bool = False
    guardian_name: str = ""
    guardian_relation: str = ""
    reason: str = ""


def check_photo(upload: Any, field: str) -> str:
    """The file's type from its first bytes; refuses anything not PDF/PNG/JPEG, empty or over 5 MB."""
    if upload is None:
        raise ValidationError({field: gettext("Attach a photo or scan")})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({field: gettext("The file is larger than 5 MB")})
    if upload.size == 0:
        raise ValidationError({field: gettext("The file is empty")})
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    raise ValidationError({field: gettext("Attach a PDF, PNG or JPEG file")})


def first_applications_of(user: Any):
    """The applications the signed-in citizen sent (their own or for a ward)."""
    if not user.is_authenticated or user.role != Role.CITIZEN:
        return FirstApplication.objects.none()
    return FirstApplication.objects.filter(applicant=user)


def first_applications_for(user: Any):
    """Staff: the first applications whose hukou village is in the user's region."""
    return FirstApplication.objects.filter(scoping.region_q(user, "village__code"))


@transaction.atomic
def submit_first_application(user: Any, data: FirstApplicationInput, *, id_card: Any,
                             hukou: Any, request: HttpRequest | None = None) -> FirstApplication:
    """A signed-in citizen who proved their phone sends a first certificate application.

    Refused when the person is already registered (they are told to sign in instead) or
    already has an application waiting. The photos are checked by their first bytes.
    """
    if not user.is_authenticated or user.role != Role.CITIZEN or not user.resident_id:
        raise PermissionDenied("first applications are sent by citizens")
    if not data.verified_phone:
        raise PermissionDenied("no phone proven in this session")
    if data.for_ward:
        try:
            number = idnumber.validate(data.resident_id).number
        except idnumber.ResidentIdError as exc:
            raise ValidationError({"resident_id": exc.message}) from None
        if number == user.resident_id:
            raise ValidationError({"resident_id": gettext("A person cannot be their own guardian")})
        if not data.guardian_name.strip():
            raise ValidationError({"guardian_name": gettext("Enter your name")})
    else:
        number = user.resident_id
    if not data.name.strip():
        raise ValidationError({"name": gettext("Enter the name as on the ID card")})
    if data.village.level != "village" or not Region.objects.filter(
            scoping.deployment_q("code"), pk=data.village.pk).exists():
        raise ValidationError({"village": gettext("Choose a village or community")})
    if Person.objects.filter(resident_id=number).exists():
        raise ValidationError({"resident_id" if data.for_ward else NON_FIELD_ERRORS: ALREADY_REGISTERED})
    if FirstApplication.objects.filter(resident_id=number,
                                       state=FirstApplicationState.SUBMITTED).exists():
        raise ValidationError({"resident_id" if data.for_ward else NON_FIELD_ERRORS: gettext(
            "An application for this person is already waiting to be checked")})
    id_kind = check_photo(id_card, "id_card")
    hukou_kind = check_photo(hukou, "hukou")
    guardian = {"guardian_name": data.guardian_name.strip(), "guardian_resident_id": user.resident_id,
                "guardian_phone": data.verified_phone,
                "guardian_relation": data.guardian_relation.strip()} if data.for_ward else {}
    try:
        with transaction.atomic():
            application = FirstApplication.objects.create(
                applicant=user, verified_phone=data.verified_phone, resident_id=number,
                name=data.name.strip(), village=data.village, address=data.address.strip(),
                phone="" if data.for_ward else data.verified_phone, reason=data.reason.strip(),
                id_card_file=id_card, id_card_kind=id_kind, hukou_file=hukou,
                hukou_kind=hukou_kind, **guardian)
    except OSError as exc:  # a full disk: the storage removed its partial file
        raise ValidationError({"id_card": exports.disk_message(exc)}) from None
    record(user=user, action=Action.CREATE, obj=application, request=request,
           summary=f"网上首次申请登记：{idnumber.mask(number)}")
    return application


def _open_first_application(user: Any, pk: int) -> FirstApplication:
    scoping.require(user, Capability.EDIT_PEOPLE)
    application = first_applications_for(user).select_for_update().filter(pk=pk).first()
    if application is None:
        raise FirstApplication.DoesNotExist(pk)
    if application.state != FirstApplicationState.SUBMITTED:
        raise ValidationError(gettext("Already decided"))
    return application


@transaction.atomic
def register_from_application(user: Any, pk: int, *, household_number: str = "",
                              request: HttpRequest | None = None) -> FirstApplication:
    """The worker of the hukou area registers the person from the application, as typed by
    the applicant (no retyping), and opens the new-certificate application for the
    assessment; the photos go with it as its documents."""
    application = _open_first_application(user, pk)
    person = create_person(user, PersonData(
        resident_id=application.resident_id, name=application.name, village=application.village,
        phone=application.phone, address=application.address, household_number=household_number,
        guardian_name=application.guardian_name,
        guardian_resident_id=application.guardian_resident_id,
        guardian_phone=application.guardian_phone,
        guardian_relation=application.guardian_relation), request)
    certificate_application = certificates.apply(user, person, certificates.ApplicationInput(
        kind=Kind.NEW, reason=application.reason, channel="online"), request)
    tag = f"certificate:{certificate_application.pk}"
    Upload.objects.bulk_create([
        Upload(person=person, application=tag, purpose=purpose, file=file.name,
               original_name=f"{purpose}.{kind}", kind=kind, size=file.size,
               uploaded_by=application.applicant)
        for purpose, file, kind in ((Purpose.ID_CARD, application.id_card_file,
                                     application.id_card_kind),
                                    (Purpose.HUKOU, application.hukou_file,
                                     application.hukou_kind))])
    if not application.for_ward and application.applicant.person_id is None:
        application.applicant.person = person
        application.applicant.save(update_fields=["person"])
    application.state = FirstApplicationState.REGISTERED
    application.person = person
    application.certificate_application_id = certificate_application.pk
    application.decided_by, application.decided_at = user, timezone.now()
    application.save(update_fields=["state", "person", "certificate_application_id",
                                    "decided_by", "decided_at"])
    record(user=user, action=Action.UPDATE, obj=application, person=person, request=request,
           summary=f"按网上首次申请登记 {person.name}，受理新办残疾人证")
    return application


@transaction.atomic
def reject_first_application(user: Any, pk: int, *, note: str,
                             request: HttpRequest | None = None) -> FirstApplication:
    """Staff refuse an application (photos unreadable, not this area…), with the reason the
    applicant reads in the portal."""
    application = _open_first_application(user, pk)
    if not note.strip():
        raise ValidationError({"note": gettext("Give the reason, for the applicant")})
    application.state = FirstApplicationState.REJECTED
    application.note = note.strip()[:200]
    application.decided_by, application.decided_at = user, timezone.now()
    application.save(update_fields=["state", "note", "decided_by", "decided_at"])
    record(user=user, action=Action.UPDATE, obj=application, request=request,
           summary=f"退回网上首次申请：{application.masked_id}")
    return application


def record_first_application_view(user: Any, application: FirstApplication, what: str,
                                  request: HttpRequest | None = None) -> None:
    """Opening an application or its photos is a read of personal information: audited."""
    record(user=user, action=Action.VIEW, obj=application, person=application.person,
           request=request, summary=f"查看网上首次申请{what}：{application.masked_id}")
def record_roster_import(user: Any, filename: str, result: ImportResult) -> RosterImport:
    """Keep the summary of one roster import (花名册导入) with its rejected rows, for the
    import's result page; the persons it created or changed were audited row by row by
    ``roster.import_persons`` itself."""
    errors = [{"row": e.row, "column": e.column, "reason": e.reason, "values": e.values}
              for e in result.errors]
    return RosterImport.objects.create(
        user=user, filename=filename[:200], rows=result.rows, created=result.created,
        updated=result.updated, unchanged=result.unchanged, rejected=result.rejected,
        errors=errors)
