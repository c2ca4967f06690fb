"""The registry of disabled persons (残疾人基础数据库): persons and households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.certificates.rules import CATEGORY_LABELS, GRADE_LABELS
from canlian.core import clock
from canlian.core.encrypted import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedJSONField,
    TailField,
)
from canlian.regions.models import Region

from . import ethnicity, idnumber
from .expressions import GivenName


class HouseholdType(models.TextChoices):
    """户类型: ordinary, 低保 (minimum living allowance), 低保边缘 (near it), 特困 (destitute)."""

    ORDINARY = "ordinary", _("Ordinary")
    DIBAO = "dibao", _("Minimum living allowance (低保)")
    DIBAO_EDGE = "dibao_edge", _("Near minimum allowance (低保边缘)")
    TEKUN = "tekun", _("Destitute support (特困)")


class LifeStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DECEASED = "deceased", _("Deceased")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


CATEGORY_CHOICES = [(int(k), v) for k, v in CATEGORY_LABELS.items()]
GRADE_CHOICES = [(int(k), v) for k, v in GRADE_LABELS.items()]


class Household(models.Model):
    """A household (户) as civil affairs knows it; its type drives the living subsidy."""

    number = models.CharField(_("household number"), max_length=32, unique=True)
    household_type = models.CharField(
        _("household type"),
        max_length=12,
        choices=HouseholdType.choices,
        default=HouseholdType.ORDINARY,
        db_index=True,
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village/community"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_income_per_capita = models.DecimalField(
        _("monthly income per capita (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        # The person list's household-type filter: a region's households of one type.
        indexes = [models.Index(fields=["household_type", "village"], name="household_type_village")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_household_type_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, and carry the type to the members' read model (``Person.household_type``)."""
        super().save(*args, **kwargs)
        self.members.exclude(household_type=self.household_type).update(
            household_type=self.household_type)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self.members.update(household_type="")
        return super().delete(*args, **kwargs)


class Person(models.Model):
    """A disabled person (残疾人) in the registry, identified by the resident ID number.

    Birth date and sex are derived from the ID and never typed. ``category``, ``grade``
    and ``certificate_number`` are a read model of the person's current certificate,
    written only by ``canlian.certificates.actions``: they let the staff list filter a
    million persons by category and grade without a join. ``household_type`` is likewise
    a read model of the household's type (blank without a household), kept by
    ``Person.save`` and ``Household.save`` and, for bulk writes, by whoever writes in bulk
    (the roster import, the seeders): the list's commonest filter, 低保 members of one
    category in a township, and the indicators' subsidy pass read it without a join.
    """

    # Encrypted at rest (core/encrypted.py): the blind index is the unique key and answers
    # ``resident_id=…``; the last four characters stay in clear for the masked lists' search.
    resident_id = EncryptedCharField(_("resident ID number"), max_length=18)
    resident_id_index = BlindIndexField(source="resident_id", purpose="resident_id")
    resident_id_tail = TailField(source="resident_id", max_length=4)
    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("date of birth"), editable=False)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=ethnicity.CHOICES, default="01"
    )
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_index = BlindIndexField(source="phone", purpose="phone")
    address = models.CharField(_("address"), max_length=200, blank=True)
    village = models.ForeignKey(
        Region,
        verbose_name=_("village/community"),
        on_delete=models.PROTECT,
        related_name="residents",
        limit_choices_to={"level": "village"},
        db_index=False,  # the Meta indexes below all lead with the village
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    # The guardian (监护人) need not be a disabled person, so not a link to a Person:
    # a name and a resident ID, by which the guardian signs in to the citizens' portal.
    guardian_name = models.CharField(_("guardian's name"), max_length=50, blank=True)
    guardian_resident_id = EncryptedCharField(_("guardian's resident ID"), max_length=18,
                                              blank=True)
    guardian_resident_id_index = BlindIndexField(source="guardian_resident_id",
                                                 purpose="resident_id")
    guardian_phone = EncryptedCharField(_("guardian's phone"), max_length=20, blank=True)
    guardian_phone_index = BlindIndexField(source="guardian_phone", purpose="phone")
    guardian_relation = models.CharField(_("relation of guardian"), max_length=20, blank=True)
    life_status = models.CharField(
        _("life status"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ALIVE
    )
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    category = models.PositiveSmallIntegerField(
        _("disability category"), choices=CATEGORY_CHOICES, null=True, blank=True, editable=False
    )
    grade = models.PositiveSmallIntegerField(
        _("disability grade"), choices=GRADE_CHOICES, null=True, blank=True, editable=False
    )
    # The number embeds the resident ID, so it is encrypted too (docs/privacy.md).
    certificate_number = EncryptedCharField(
        _("certificate number"), max_length=22, null=True, blank=True, editable=False
    )
    certificate_number_index = BlindIndexField(source="certificate_number",
                                               purpose="certificate_number", null=True)
    household_type = models.CharField(
        _("household type"), max_length=12, choices=HouseholdType.choices, blank=True,
        default="", editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["village_id", "name", "id"]
        indexes = [
            models.Index(fields=["village", "name", "id"], name="person_village_name"),
            models.Index(fields=["village", "category", "grade"], name="person_village_cat"),
            models.Index(fields=["village", "household_type", "category"],
                         name="person_village_htype"),
            # Search by what the masked lists show (the ID's last four characters) and by
            # a given name typed without the surname; see people/queries.search_q.
            models.Index(GivenName(), name="person_given_name"),
            models.Index(fields=["resident_id_tail"], name="person_resident_id_tail"),
            # Exact search by keyed hash (core/encrypted.py): declared here rather than with
            # db_index on the field, so PostgreSQL gets no pattern-ops twin of each (nobody
            # searches a hash by prefix; each twin slowed the roster import's COPY).
            models.Index(fields=["phone_index"], name="person_phone_index"),
            models.Index(fields=["guardian_resident_id_index"],
                         name="person_guardian_rid_index"),
            models.Index(fields=["guardian_phone_index"], name="person_guardian_phone_index"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["resident_id_index"],
                                    name="person_resident_id_index_key"),
            models.UniqueConstraint(fields=["certificate_number_index"],
                                    name="person_certificate_number_key"),
            models.CheckConstraint(
                condition=models.Q(life_status="alive", death_date__isnull=True)
                | models.Q(life_status="deceased", death_date__isnull=False),
                name="person_death_date_iff_deceased",
            ),
            models.CheckConstraint(
                condition=~models.Q(guardian_resident_id_index=models.F("resident_id_index")),
                name="person_not_own_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with ``household_type`` read from the household whenever it may change."""
        fields = kwargs.get("update_fields")
        if fields is None or "household" in fields or "household_id" in fields:
            self.household_type = self.household.household_type if self.household_id else ""  # type: ignore[union-attr]
            if fields is not None:
                kwargs["update_fields"] = {*fields, "household_type"}
        super().save(*args, **kwargs)

    def derive_from_id(self) -> None:
        parsed = idnumber.validate(self.resident_id)
        self.resident_id = parsed.number
        self.birth_date = parsed.birth_date
        self.sex = parsed.sex

    @property
    def masked_id(self) -> str:
        return idnumber.mask(self.resident_id)

    @property
    def masked_guardian_id(self) -> str:
        return idnumber.mask(self.guardian_resident_id) if self.guardian_resident_id else ""

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int:
        return self.age_on(clock.today())

    @property
    def is_deceased(self) -> bool:
        return self.life_status == LifeStatus.DECEASED

    @property
    def needs_guardian(self) -> bool:
        """Minors and persons with intellectual or mental disability should have one."""
        return self.age < 18 or self.category in (5, 6)


class RosterImport(models.Model):
    """A roster import's outcome, kept so its error workbook can be downloaded later."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Rejected rows quote the file as typed (IDs, phones, bank accounts): kept encrypted.
    errors = EncryptedJSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("roster import")

    def __str__(self) -> str:
        return f"{self.filename} ({self.at:%Y-%m-%d %H:%M})"


class ContactChangeState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class ContactChange(models.Model):
    """A citizen's request to change phone or address (联系方式变更申请), reviewed by staff.

    The registry is the federation's record: a citizen's own change only takes effect when
    a worker of the person's village or township has checked it.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_changes")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    phone = EncryptedCharField(_("new phone"), max_length=20, blank=True)
    address = models.CharField(_("new address"), max_length=200, blank=True)
    old_phone = EncryptedCharField(_("phone before"), max_length=20, blank=True)
    old_address = models.CharField(_("address before"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ContactChangeState.choices,
                             default=ContactChangeState.PENDING, db_index=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(state="pending"),
                                               name="one_pending_contact_change")]
        verbose_name = _("contact change request")

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_state_display()}"


class FirstApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the village or township to check")
    REGISTERED = "registered", _("Registered; the assessment comes next")
    REJECTED = "rejected", _("Not accepted")
    # closed by the retention job (保存期限) after waiting unchecked past its period
    EXPIRED = "expired", _("Closed: not checked in time; apply again if still needed")


class IdentityMethod(models.TextChoices):
    """How the applicant proved who they are. ``sms``: the one-time code to their own phone
    plus photos of the ID card and 户口本; ``provincial`` is kept for the provincial sign-on
    (浙里办 / 爱山东 OIDC), which another change adds."""

    SMS = "sms", _("Code to own phone, with photos of ID card and hukou")
    PROVINCIAL = "provincial", _("Provincial sign-on")


class FirstApplication(models.Model):
    """A first certificate application from someone not yet on the registry (首次申请登记).

    The applicant (the person or their guardian) fills it in the portal; a worker of the
    village or township of the hukou address checks the photos and registers the person
    from it (no retyping), which opens the certificate application for the assessment.
    Until then no ``Person`` exists, so nothing here counts in any statistic.
    """

    applicant = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    identity_method = models.CharField(max_length=10, choices=IdentityMethod.choices,
                                       default=IdentityMethod.SMS)
    verified_phone = EncryptedCharField(_("phone proven by code"), max_length=20)
    resident_id = EncryptedCharField(_("resident ID number"), max_length=18)
    resident_id_index = BlindIndexField(source="resident_id", purpose="resident_id")
    name = models.CharField(_("name"), max_length=50)
    village = models.ForeignKey(Region, verbose_name=_("village/community of the hukou"),
                                on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=200)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    guardian_name = models.CharField(_("guardian's name"), max_length=50, blank=True)
    guardian_resident_id = EncryptedCharField(_("guardian's resident ID"), max_length=18,
                                              blank=True)
    guardian_phone = EncryptedCharField(_("guardian's phone"), max_length=20, blank=True)
    guardian_relation = models.CharField(_("relation of guardian"), max_length=20, blank=True)
    reason = models.CharField(_("what the applicant told us"), max_length=500, blank=True)
    # Photos are kept through the project's storage under generated names, never served
    # publicly: only the applicant and the staff of the hukou area open them, audited.
    id_card_file = models.FileField(upload_to="applicants/%Y/%m/")
    id_card_kind = models.CharField(max_length=4)
    hukou_file = models.FileField(upload_to="applicants/%Y/%m/")
    hukou_kind = models.CharField(max_length=4)
    state = models.CharField(_("state"), max_length=10, choices=FirstApplicationState.choices,
                             default=FirstApplicationState.SUBMITTED, db_index=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    certificate_application_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resident_id_index"], name="first_resident_id_index")]
        constraints = [models.UniqueConstraint(fields=["resident_id_index"],
                                               condition=models.Q(state="submitted"),
                                               name="one_open_first_application")]
        verbose_name = _("first application")

    def __str__(self) -> str:
        return f"{self.resident_id[:6]}… {self.get_state_display()}"

    @property
    def masked_id(self) -> str:
        return idnumber.mask(self.resident_id)

    @property
    def for_ward(self) -> bool:
        return bool(self.guardian_resident_id)
