"""Employment records: job seekers, placements, training, employers and their yearly quota
declarations (按比例就业年审). The rules (levy, credit code, quota) are in the pure modules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .levy import UNIT_KINDS

PLACEMENT_FORMS = [
    ("concentrated", _("Concentrated employment")), ("proportional", _("Quota employment")),
    ("self_employed", _("Self-employed")), ("flexible", _("Flexible employment")),
    ("public_welfare", _("Public-welfare post")),
    ("supported", _("Supported employment at a home of the disabled")),
]


class Employer(models.Model):
    """An employing unit (用人单位) with its unified social credit code (GB 32100)."""

    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    unit_kind = models.CharField(_("kind of unit"), max_length=24,
                                 choices=[(k, v[0]) for k, v in UNIT_KINDS.items()])
    is_school_or_kindergarten = models.BooleanField(_("primary/secondary school or kindergarten"),
                                                    default=False)
    posts = models.PositiveIntegerField(_("approved posts (编制)"), null=True, blank=True)
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                   related_name="employers")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JobSeeker(models.Model):
    """A person registered as seeking work (求职登记), with skills and limits."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT,
                                  related_name="job_seeker")
    registered_on = models.DateField(_("registered on"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    limits = models.CharField(_("limits and accommodations"), max_length=200, blank=True)
    wanted = models.CharField(_("work wanted"), max_length=200, blank=True)
    active = models.BooleanField(_("still seeking"), default=True)

    def __str__(self) -> str:
        return str(self.person)


class Placement(models.Model):
    """A job (就业安置): where, in what form, from when to when."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="placements")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="placements")
    form = models.CharField(_("form"), max_length=16, choices=PLACEMENT_FORMS)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["start", "end"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__isnull=True)
                                              | models.Q(end__gte=models.F("start")),
                                              name="placement_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_form_display()}"


class Course(models.Model):
    """A vocational training course (职业技能培训班)."""

    name = models.CharField(_("name"), max_length=120)
    provider = models.CharField(_("provider"), max_length=120)
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    hours = models.PositiveIntegerField(_("hours"))

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """One person on one course: each enrolment is one training person-time (人次)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="enrolments")
    attended_hours = models.PositiveIntegerField(_("hours attended"), default=0)
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "person"],
                                               name="one_enrolment_per_course")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.person_id}"


class DeclarationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, under review")
    CHECKED = "checked", _("Checked, awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


class Declaration(models.Model):
    """An employer's yearly quota declaration (按比例安排残疾人就业年审) and its levy."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="declarations")
    year = models.PositiveSmallIntegerField(_("year"))
    staff = models.DecimalField(_("average staff last year (N)"), max_digits=10, decimal_places=2)
    average_wage = models.DecimalField(_("average wage last year (yuan)"), max_digits=12,
                                       decimal_places=2)
    local_average_wage = models.DecimalField(_("local average wage (yuan)"), max_digits=12,
                                             decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=DeclarationState.choices,
                             default=DeclarationState.DRAFT)
    # Frozen when approved: what the levy was and why.
    required = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    counted = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    payable = models.DecimalField(_("levy payable (yuan)"), max_digits=14, decimal_places=2,
                                  null=True, blank=True)
    standing = models.CharField(max_length=8, blank=True)
    breakdown = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who did the first check (初审): they may not also approve (core/duties.py).
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("checked by"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-year", "employer__name"]
        constraints = [models.UniqueConstraint(fields=["employer", "year"],
                                               name="one_declaration_per_employer_year")]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}"


class DeclaredEmployee(models.Model):
    """A disabled employee on a declaration; counted only when every condition holds."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE,
                                    related_name="employees")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField()
    contract_ok = models.BooleanField(_("on the establishment or contract of a year or more"),
                                      default=True)
    wage_ok = models.BooleanField(_("paid at least the minimum wage"), default=True)
    insurance_ok = models.BooleanField(_("social insurance fully paid"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["declaration", "person"],
                                               name="declared_once_per_declaration")]

    def __str__(self) -> str:
        return f"{self.declaration_id}:{self.person_id}"

    @property
    def counted(self) -> bool:
        return self.contract_ok and self.wage_ok and self.insurance_ok
