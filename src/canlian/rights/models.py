"""Rights cases (维权案件), their steps (办理记录) and 代办 with consent. The rules (time
limits, allowed steps) are in ``rules``; the writes in ``actions``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    XINFANG = "xinfang", _("Petition (信访)")
    LEGAL_AID = "legal_aid", _("Legal aid (法律援助)")
    COMPLAINT = "complaint", _("Rights complaint (维权投诉)")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    HOTLINE = "hotline", _("12385 hotline")
    WALK_IN = "walk_in", _("Walk-in visit")
    LETTER = "letter", _("Letter")


class State(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ASSIGNED = "assigned", _("Assigned")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    NOT_SUPPORTED = "not_supported", _("Request not supported")
    EXPLAINED = "explained", _("Explained and advised")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DUPLICATE = "duplicate", _("Duplicate of another case")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RightsCase(models.Model):
    """A rights case (维权案件): a 信访事项, a legal-aid request (法律援助申请) or a rights
    complaint (维权投诉) about one disabled person."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="rights_cases")
    # Where the person lived when the case came in: scoping reads it like a person's.
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what happened and what is asked"))
    submitter_name = models.CharField(_("submitted by"), max_length=50, blank=True)
    submitter_relation = models.CharField(_("relation to the person"), max_length=20, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    received_on = models.DateField(_("received on"), db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.RECEIVED)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accept_due = models.DateField(_("decide on acceptance by"), null=True, blank=True)
    assign_due = models.DateField(_("assign by"), null=True, blank=True)
    reply_due = models.DateField(_("reply by"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    escalated_on = models.DateField(_("supervised (督办) since"), null=True, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="duplicates")
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("reply to the person"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, db_index=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12,
                                    choices=Satisfaction.choices, blank=True)
    satisfaction_channel = models.CharField(_("asked through"), max_length=8, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened on appeal"), default=0)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["village", "state"]),
                   models.Index(fields=["state", "reply_due"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(duplicate_of=models.F("id")),
                                   name="rights_case_not_its_own_duplicate"),
            models.CheckConstraint(condition=models.Q(state="closed", closed_on__isnull=False)
                                   | ~models.Q(state="closed"),
                                   name="rights_closed_case_has_a_date"),
        ]
        verbose_name = _("rights case")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return f"WQ{self.received_on:%Y}-{self.pk:06d}"

    @property
    def next_due(self):
        if self.state == State.RECEIVED:
            return self.accept_due
        if self.state in (State.ACCEPTED, State.ASSIGNED, State.REFERRED):
            return self.reply_due
        return None


class Step(models.Model):
    """One step of handling (办理记录): who did what when, and the note given."""

    case = models.ForeignKey(RightsCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=16)
    label = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.label}"


class ConsentHow(models.TextChoices):
    SIGNED = "signed", _("Signed consent form")
    PORTAL = "portal", _("Given on the portal")
    PHONE = "phone", _("Given by phone, recorded")


class Proxy(models.Model):
    """代办 (信访代办制): a worker acts on the person's behalf, with the person's consent
    (or the guardian's) recorded: how, when, and any limits the person set."""

    case = models.OneToOneField(RightsCase, on_delete=models.CASCADE, related_name="proxy")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    consent_how = models.CharField(_("consent given"), max_length=8, choices=ConsentHow.choices)
    consent_on = models.DateField(_("consent given on"))
    consent_by = models.CharField(_("consent given by"), max_length=50)
    scope = models.CharField(_("what the worker may do"), max_length=200, blank=True)
    withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)

    def __str__(self) -> str:
        return f"代办 {self.case_id}"
