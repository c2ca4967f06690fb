"""Records of emergency protection (应急保护): the person's circumstances (照护状况),
the roster, emergencies and check-ins.

The app is ``community`` (its label and migrations are unchanged): ``community.models``
imports this module so Django registers the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import EncryptedCharField

from ..volunteers.models import Volunteer

# Choices in English msgids (translated in locale/); their codes are those of the rule
# modules, which must not import Django.
MOBILITY_CHOICES = [("independent", _("Moves independently")),
                    ("aided", _("Walks with help or a stick")),
                    ("wheelchair", _("Uses a wheelchair")), ("bedridden", _("Bedridden"))]
ASSISTIVE_DEVICE_CHOICES = [
    ("wheelchair", _("Wheelchair")), ("walker", _("Walker")), ("crutches", _("Crutches")),
    ("hearing_aid", _("Hearing aid")), ("white_cane", _("White cane")),
    ("prosthesis", _("Prosthesis or orthosis")), ("other", _("Other device")),
]
POWERED_DEVICE_CHOICES = [
    ("oxygen", _("Oxygen concentrator")), ("ventilator", _("Ventilator")),
    ("suction", _("Suction device")), ("dialysis", _("Home dialysis")),
    ("electric_bed", _("Powered bed or air mattress")), ("other", _("Other powered device")),
]
CHECKIN_CHOICES = [("safe", _("Reached, safe")), ("helped", _("Reached, helped")),
                   ("evacuated", _("Evacuated")), ("needs_help", _("Reached, needs help")),
                   ("unreachable", _("Not reachable"))]


class CareProfile(models.Model):
    """What visits and the emergency roster need to know of a person — 照护状况."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE,
                                  related_name="care_profile")
    lives_alone = models.BooleanField(_("lives alone (独居)"), default=False)
    mobility = models.CharField(_("mobility"), max_length=12, default="independent",
                                choices=MOBILITY_CHOICES)
    assistive_devices = models.JSONField(_("assistive devices used"), default=list, blank=True)
    powered_devices = models.JSONField(_("medical devices needing power"), default=list,
                                       blank=True)
    needs_power = models.BooleanField(default=False, editable=False)  # powered_devices != []
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_on = models.DateField(_("updated on"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    class Meta:
        verbose_name = _("care profile")

    def __str__(self) -> str:
        return f"{self.person_id}"


class RosterEntry(models.Model):
    """A person on the emergency protection roster — 应急保护名册, with the contact person
    (帮包联系人) and the pairing (结对). Removed entries are kept, with the date."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT,
                                  related_name="roster_entry")
    contact_name = models.CharField(_("contact person (帮包联系人)"), max_length=50)
    contact_phone = EncryptedCharField(_("contact's phone"), max_length=20)
    contact_relation = models.CharField(_("contact's relation"), max_length=30, blank=True)
    paired_volunteer = models.ForeignKey(Volunteer, verbose_name=_("paired volunteer (结对)"),
                                         on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="pairings")
    paired_since = models.DateField(_("paired since"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority points"), default=0)
    powered = models.BooleanField(_("medical device needing power"), default=False)
    level = models.CharField(_("priority level"), max_length=20, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_on = models.DateField(_("added on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    class Meta:
        ordering = ["-priority", "-powered", "person__birth_date", "person__name", "person_id"]
        indexes = [models.Index(fields=["-priority", "-powered"], name="roster_priority")]
        verbose_name = _("emergency roster entry")

    def __str__(self) -> str:
        return f"{self.person_id} ({self.priority})"


class EmergencyKind(models.TextChoices):
    TYPHOON = "typhoon", _("Typhoon (台风)")
    FLOOD = "flood", _("Flood or heavy rain")
    HEAT_COLD = "heat_cold", _("Heat wave or cold spell")
    POWER_CUT = "power_cut", _("Power cut")
    EARTHQUAKE = "earthquake", _("Earthquake")
    EPIDEMIC = "epidemic", _("Epidemic")
    OTHER = "other", _("Other")


class Emergency(models.Model):
    """A declared emergency — 突发事件应急响应; its check-in board covers its region."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=EmergencyKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("area"), on_delete=models.PROTECT,
                               related_name="+")
    declared_at = models.DateTimeField(_("declared at"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    # Why the response ended while people on the roster were never contacted, and how many
    # they were (confirmed by the person closing it); empty when everyone was reached.
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    uncontacted_at_close = models.PositiveIntegerField(_("never contacted at closing"), null=True,
                                                       blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("emergency")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CheckIn(models.Model):
    """That a person on the roster was reached during an emergency — 应急联络签到."""

    emergency = models.ForeignKey(Emergency, on_delete=models.PROTECT, related_name="checkins")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("result"), max_length=12,
                             choices=CHECKIN_CHOICES)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["emergency", "person"],
                                               name="one_checkin_per_person")]
        verbose_name = _("emergency check-in")

    def __str__(self) -> str:
        return f"{self.emergency_id} {self.person_id} {self.state}"
