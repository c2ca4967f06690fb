"""Records of volunteers (助残志愿者): organisations, volunteers, help requests and service logs.

The app is ``community`` (its label and migrations are unchanged): ``community.models``
imports this module so Django registers the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from canlian.core.encrypted import BlindIndexField, EncryptedCharField
from canlian.people.idnumber import mask

# Choices in English msgids (translated in locale/); their codes are those of the rule
# modules, which must not import Django.
SKILL_CHOICES = [
    ("companionship", _("Companionship")), ("daily_care", _("Daily care")),
    ("escort", _("Escort on outings")), ("errands", _("Errands")),
    ("rehab_assist", _("Rehabilitation help")), ("sign_language", _("Sign language")),
    ("reading", _("Reading aloud")), ("repairs", _("Household repairs")),
    ("tutoring", _("Tutoring")), ("legal", _("Legal advice")), ("medical", _("Health care")),
    ("psychological", _("Emotional support")),
]
AVAILABILITY_CHOICES = [("weekday_day", _("Weekdays, daytime")),
                        ("weekday_evening", _("Weekday evenings")), ("weekend", _("Weekends"))]


class OrganisationKind(models.TextChoices):
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation (社会团体)")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit (民办非企业单位)")
    FOUNDATION = "foundation", _("Foundation (基金会)")
    SELF_HELP = "self_help", _("Self-help group of disabled persons (自助组织)")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team (志愿服务队)")


class Organisation(models.Model):
    """A social organisation serving disabled persons — 助残社会组织."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    village = models.ForeignKey("regions.Region", verbose_name=_("village/community"),
                                on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    services = models.CharField(_("services offered"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["village_id", "name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A registered volunteer for disabled persons — 助残志愿者."""

    name = models.CharField(_("name"), max_length=50)
    # Encrypted at rest; ``resident_id=…`` is answered by the blind index (core/encrypted.py).
    resident_id = EncryptedCharField(_("resident ID number"), max_length=18, blank=True)
    resident_id_index = BlindIndexField(source="resident_id", purpose="resident_id")
    phone = EncryptedCharField(_("phone"), max_length=20)
    village = models.ForeignKey("regions.Region", verbose_name=_("village/community"),
                                on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="volunteers")
    skills = models.JSONField(_("skills"), default=list)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["village_id", "name", "id"]
        verbose_name = _("volunteer")
        indexes = [models.Index(fields=["resident_id_index"], name="volunteer_resident_id_index")]
        constraints = [models.UniqueConstraint(fields=["resident_id_index"],
                                               condition=~models.Q(resident_id_index=""),
                                               name="volunteer_resident_id_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return mask(self.resident_id) if self.resident_id else ""


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a volunteer")
    ASSIGNED = "assigned", _("Volunteer assigned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("volunteer request", "Cancelled")


class ServiceRequest(models.Model):
    """A request for volunteer help, from a disabled person or a worker — 志愿服务需求."""

    SOURCES = [("person", _("The person or the guardian")), ("worker", _("A worker"))]
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="volunteer_requests")
    source = models.CharField(_("requested by"), max_length=8, choices=SOURCES)
    skill = models.CharField(_("help needed"), max_length=20,
                             choices=SKILL_CHOICES)
    slot = models.CharField(_("preferred time"), max_length=16, blank=True,
                            choices=AVAILABILITY_CHOICES)
    description = models.CharField(_("description"), max_length=300)
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN, db_index=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="requests")
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_on = models.DateField(_("created on"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("volunteer service request")

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_skill_display()}"


class LogStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class ServiceLog(models.Model):
    """Hours a volunteer served a person — 志愿服务记录; counted once confirmed."""

    CONFIRMERS = [("person", _("The person served (signed)")), ("worker", _("A worker"))]
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="logs")
    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="logs")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="volunteer_logs")
    served_on = models.DateField(_("served on"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    description = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=LogStatus.choices,
                              default=LogStatus.PENDING, db_index=True)
    confirmed_kind = models.CharField(_("confirmed by"), max_length=8, choices=CONFIRMERS,
                                      blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirm_note = models.CharField(_("confirmation note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["volunteer", "status", "served_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0),
                                              name="service_log_hours_positive")]
        verbose_name = _("volunteer service log")

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours}h"
