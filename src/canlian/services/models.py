"""Service records, institutions and home-accessibility renovations (服务与机构).

The plan indicators count *deliveries* from these records against the *needs* of the
annual survey: rehabilitation (康复), assistive devices (辅具适配), culture and sports
(文体), renovations (无障碍改造), and institutions per township.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    REHABILITATION = "rehabilitation", _("Basic rehabilitation")
    CHILDREN_REHAB = "children_rehab", _("Children's rehabilitation assistance")
    DEVICE = "device", _("Assistive device")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PETITION = "petition", _("Petition (信访)")
    DAY_CARE = "day_care", _("Day care")
    RESIDENTIAL_CARE = "residential_care", _("Residential care")


class ServiceType(models.Model):
    """The catalogue of services (服务目录), loaded from ``data/catalogue.yaml``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices, db_index=True)
    basic = models.BooleanField(_("basic service (counts for the plan)"), default=True)
    age_max = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)

    class Meta:
        ordering = ["group", "code"]

    def __str__(self) -> str:
        return self.name


class DeviceType(models.Model):
    """Assistive devices catalogue (辅助器具目录)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)  # matches surveys.rules.DEVICE_TYPES
    # In the basic-type catalogue (基本型辅助器具目录), which Linzi's device indicator counts.
    basic = models.BooleanField(_("basic type (基本型)"), default=True)

    class Meta:
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    HOME_OF_DISABLED = "home_of_disabled", _("Home of the disabled (残疾人之家)")
    CARE = "care", _("Professional care institution (托养机构)")
    REHABILITATION = "rehabilitation", _("Rehabilitation institution")
    CHILDREN_REHAB = "children_rehab", _("Designated children's rehabilitation institution")
    TOWNSHIP_SERVICE = "township_service", _("Township disability service institution")
    TRAINING_BASE = "training_base", _("Vocational training base")
    SUPPORTED_EMPLOYMENT = "supported_employment", _("Supported-employment unit")
    BLIND_MASSAGE = "blind_massage", _("Blind-massage institution")
    SERVICE_ORGANISATION = "service_org", _("Disability service organisation")


class Accessibility(models.TextChoices):
    """How accessible the premises are (场所无障碍情况), as last checked."""

    FULL = "full", _("Accessible throughout")
    PARTIAL = "partial", _("Partly accessible")
    NONE = "none", _("Not accessible")


class Institution(models.Model):
    """An institution serving disabled persons, in a township (机构)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"level": "township"})
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    operator = models.CharField(_("operator"), max_length=100, blank=True)
    villages_served = models.ManyToManyField("regions.Region", related_name="+", blank=True,
                                             verbose_name=_("villages served"),
                                             limit_choices_to={"level": "village"})
    staff = models.PositiveIntegerField(_("staff"), default=0)
    professional_staff = models.PositiveIntegerField(_("of whom professionals"), default=0)
    accessibility = models.CharField(_("accessibility of the premises"), max_length=8,
                                     choices=Accessibility.choices, blank=True)
    accessibility_note = models.CharField(_("accessibility: what is missing"), max_length=200,
                                          blank=True)

    class Meta:
        ordering = ["township_id", "kind", "name"]
        constraints = [models.CheckConstraint(
            condition=models.Q(professional_staff__lte=models.F("staff")),
            name="institution_professionals_within_staff",
            violation_error_message=_("There cannot be more professionals than staff."))]

    def __str__(self) -> str:
        return self.name


class LicenceKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration certificate (legal person)")
    BUSINESS = "business", _("Business licence")
    MEDICAL = "medical", _("Medical institution practice licence")
    CARE_FILING = "care_filing", _("Care institution filing")
    FIRE = "fire", _("Fire safety inspection")
    FOOD = "food", _("Food business licence")
    STAFF = "staff", _("Staff qualification")
    OTHER = "other", _("Other")


class Licence(models.Model):
    """A licence or qualification of an institution or of one of its staff — 资质证照, with
    its expiry; a withdrawn one is kept with the date."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("kind"), max_length=14, choices=LicenceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    number = models.CharField(_("number"), max_length=60, blank=True)
    holder = models.CharField(_("holder (staff member; blank for the institution)"),
                              max_length=50, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["expires_on"], condition=models.Q(withdrawn_on=None),
                                name="licence_current_expiry")]
        constraints = [models.CheckConstraint(
            condition=models.Q(expires_on=None) | models.Q(expires_on__gte=models.F("issued_on")),
            name="licence_expires_after_issue",
            violation_error_message=_("The licence expires before it was issued."))]

    def __str__(self) -> str:
        return self.name

    def state_on(self, day: dt.date, warning_days: int) -> str:
        """withdrawn, expired, expiring (within ``warning_days``) or valid, on ``day``."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return "withdrawn"
        if self.expires_on is None or (self.expires_on - day).days > warning_days:
            return "valid"
        return "expired" if self.expires_on < day else "expiring"


class ServiceRecord(models.Model):
    """One service delivered to one person (服务记录)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="service_records")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="records")
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    device = models.ForeignKey(DeviceType, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    start_date = models.DateField(_("date"), db_index=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=10, decimal_places=2, default=0)
    subsidy = models.DecimalField(_("subsidy (yuan)"), max_digits=10, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        # The indicators ask who was served by a group of types in a year: with the person
        # in the key that is an index-only scan (the survey pass at 1 M: 5.1 s → 3.5 s).
        indexes = [models.Index(fields=["service_type", "start_date", "person"],
                                name="service_type_date_person"),
                   models.Index(fields=["person", "start_date"])]
        constraints = [models.CheckConstraint(condition=models.Q(subsidy__lte=models.F("cost")),
                                              name="service_subsidy_within_cost")]

    def __str__(self) -> str:
        return f"{self.service_type} · {self.person_id} · {self.start_date}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class LegalCase(models.Model):
    """Legal aid (法律援助) and petitions (信访) with their status."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=10,
                            choices=[("legal_aid", _("Legal aid")), ("petition", _("Petition"))])
    subject = models.CharField(_("subject"), max_length=200)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["status", "-opened_on"]

    def __str__(self) -> str:
        return self.subject


class RenovationState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ASSESSED = "assessed", _("Assessed on site")
    CONTRACTED = "contracted", _("Contractor engaged")
    COMPLETED = "completed", _("Works completed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not approved")


class Renovation(models.Model):
    """A home-accessibility renovation of one household (家庭无障碍改造)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="renovations")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="renovations")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=RenovationState.choices,
                             default=RenovationState.APPLIED, db_index=True)
    applied_on = models.DateField(_("applied on"))
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessment_notes = models.TextField(_("on-site assessment"), blank=True)
    # Who did the on-site assessment: they may not also accept the works (core/duties.py).
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("assessed by"))
    contractor = models.CharField(_("contractor"), max_length=100, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, db_index=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=10, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-applied_on", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["person"], condition=~models.Q(state__in=["accepted", "rejected"]),
            name="one_open_renovation_per_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_state_display()}"


class RenovationItem(models.Model):
    """A work item of a renovation: ramp, handrails, bathroom, kitchen, alarm…"""

    KINDS = [("ramp", _("Ramp")), ("handrail", _("Handrails")), ("bathroom", _("Bathroom")),
             ("kitchen", _("Kitchen")), ("alarm", _("Alarm / doorbell light")),
             ("door", _("Door widening")), ("floor", _("Non-slip floor")), ("other", _("Other"))]
    renovation = models.ForeignKey(Renovation, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("item"), max_length=10, choices=KINDS)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=10, decimal_places=2, default=0)

    def __str__(self) -> str:
        return self.get_kind_display()


class RenovationPhoto(models.Model):
    renovation = models.ForeignKey(Renovation, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=10, choices=[("before", _("Before")), ("after", _("After"))])
    image = models.FileField(upload_to="renovations/%Y/%m/")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name or ""


class RequestKind(models.TextChoices):
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    DEVICE = "device", _("Assistive device")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for township staff")
    ACCEPTED = "accepted", _("Being arranged")
    DONE = "done", _("Given")
    DECLINED = "declined", _("Not approved")


class ServiceRequest(models.Model):
    """A citizen's request for rehabilitation or an assistive device (康复/辅具服务申请).

    Township staff accept it (arranging the service), decline it with a reason, or mark it
    given once the service record exists. It is the "online" door into the same services
    staff record at the counter.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="service_requests")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("service"), max_length=16, choices=RequestKind.choices)
    device = models.ForeignKey(DeviceType, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("device"))
    note = models.TextField(_("what is needed"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices,
                             default=RequestState.SUBMITTED, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, default="online",
                               choices=[("staff", _("At the counter")), ("online", _("Online"))])
    submitted_on = models.DateField(_("submitted on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    decision_note = models.CharField(_("reason / note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["person", "kind"], condition=models.Q(state__in=["submitted", "accepted"]),
            name="one_open_service_request_per_kind")]
        verbose_name = _("service request")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person_id}"
