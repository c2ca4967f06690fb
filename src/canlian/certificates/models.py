"""Disability certificates (残疾人证) and the applications that issue and change them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.encrypted import BlindIndexField, EncryptedCharField
from canlian.core.models import PublicNoticeBase

from .rules import CATEGORY_LABELS, GRADE_LABELS
from .workflow import KIND_LABELS, STATE_LABELS, STEP_LABELS, Kind, State

CATEGORY_CHOICES = [(int(k), v) for k, v in CATEGORY_LABELS.items()]
GRADE_CHOICES = [(int(k), v) for k, v in GRADE_LABELS.items()]


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", _("Valid")
    EXPIRED = "expired", _("Expired")
    REPLACED = "replaced", _("Replaced")  # by a renewal, change or reissue
    CANCELLED = "cancelled", _("Cancelled")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")


class CancelReason(models.TextChoices):
    DEATH = "death", _("Death")
    EMIGRATION = "emigration", _("Emigration / hukou moved out")
    RECOVERED = "recovered", _("No longer meets the standard")
    VOLUNTARY = "voluntary", _("Voluntary request")
    FRAUD = "fraud", _("Obtained by fraud")


class Certificate(models.Model):
    """One physical certificate (第二代残疾人证). A renewal, change or reissue makes a new
    row and marks the old one replaced, so the history of numbers is kept."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="certificates")
    # Unique among valid certificates only: a renewal reuses the number of the card it
    # replaces, and a person re-certified after a cancellation may get the same number.
    # Encrypted at rest: the number embeds the resident ID. ``number=…`` is answered by the
    # blind index (core/encrypted.py), which is also the unique key of valid certificates.
    number = EncryptedCharField(_("certificate number"), max_length=22)
    number_index = BlindIndexField(source="number", purpose="certificate_number")
    category = models.PositiveSmallIntegerField(_("category"), choices=CATEGORY_CHOICES)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADE_CHOICES)
    components = models.JSONField(_("components of a multiple disability"), default=list,
                                  blank=True)
    issue_date = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    reissue_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=16, choices=CertificateStatus.choices,
                              default=CertificateStatus.ISSUED, db_index=True)
    issued_by = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=12, blank=True,
                                     choices=CancelReason.choices)
    application = models.ForeignKey("Application", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    # The e-certificate's QR token: random, meaningless, made when first shown (ecert.py).
    verify_token = models.CharField(max_length=32, unique=True, null=True, blank=True,
                                    editable=False)

    class Meta:
        ordering = ["-issue_date", "-id"]
        # A keyed hash's index is declared here, not with db_index, so that PostgreSQL
        # builds no pattern-ops twin (nobody searches a hash by prefix).
        indexes = [models.Index(fields=["number_index"], name="certificate_number_index")]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="issued"),
                                    name="one_valid_certificate_per_person"),
            models.UniqueConstraint(fields=["number_index"], condition=models.Q(status="issued"),
                                    name="valid_certificate_number_unique"),
        ]
        verbose_name = _("disability certificate")

    def __str__(self) -> str:
        return self.number

    def is_current(self, today: dt.date | None = None) -> bool:
        today = today or clock.today()
        return self.status == CertificateStatus.ISSUED and self.valid_until >= today

    def effective_status(self, today: dt.date | None = None) -> str:
        today = today or clock.today()
        if self.status == CertificateStatus.ISSUED and self.valid_until < today:
            return CertificateStatus.EXPIRED
        return self.status


class PublicNotice(PublicNoticeBase):
    """A public notice (公示) of certificate applicants in one village, with its dates: posted
    by the township after its review; the federation approves only after it has run
    (``core.notice_rules``, ``workflow.NEEDS_NOTICE``)."""

    class Meta(PublicNoticeBase.Meta):
        verbose_name = _("certificate public notice")


class Application(models.Model):
    """An application (办证申请) for a new certificate or a change to one."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="certificate_applications")
    kind = models.CharField(_("kind"), max_length=14,
                            choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    state = models.CharField(_("state"), max_length=10,
                             choices=[(s.value, v) for s, v in STATE_LABELS.items()],
                             db_index=True)
    # The region the application is handled in (the person's village when applying).
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="applications",
                                    help_text=_("The certificate this application changes."))
    reason = models.TextField(_("reason / notes"), blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=12, blank=True,
                                     choices=CancelReason.choices)
    target_village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("transfer to"))
    channel = models.CharField(_("channel"), max_length=10, default="staff",
                               choices=[("staff", _("At the counter")), ("online", _("Online"))])
    applied_on = models.DateField(_("applied on"))
    state_since = models.DateField(_("in this state since"))
    due = models.DateField(_("due"), null=True, blank=True, db_index=True)
    # The public notice (公示) the application was posted on, after the township review.
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="applications", verbose_name=_("public notice"))
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["state", "village"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state__in=["applied", "assessed", "reviewed", "approved"]),
                name="one_open_certificate_application_per_person",
            ),
        ]
        verbose_name = _("certificate application")

    def __str__(self) -> str:
        return f"{KIND_LABELS[Kind(self.kind)]} · {self.person_id}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Kind(self.kind)]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or clock.today()
        return self.due is not None and self.due < today


class Assessment(models.Model):
    """The disability assessment (残疾评定) by a designated hospital's assessor."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE,
                                       related_name="assessment")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    hospital = models.CharField(_("designated hospital"), max_length=100)
    assessed_on = models.DateField(_("assessed on"))
    category = models.PositiveSmallIntegerField(_("category"), choices=CATEGORY_CHOICES)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADE_CHOICES)
    components = models.JSONField(_("components"), default=list, blank=True)
    findings = models.TextField(_("findings"), blank=True)

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.get_grade_display()}"

    @property
    def component_labels(self) -> list[str]:
        """The components of a multiple disability by name ("视力残疾三级"), not as codes."""
        return [f"{CATEGORY_LABELS.get(c['category'], '')}{GRADE_LABELS.get(c['grade'], '')}"
                for c in self.components]


def _state_label(code: str) -> str:
    """A recorded state code in words; blank for the empty state before the application."""
    try:
        return STATE_LABELS[State(code)]
    except ValueError:
        return ""


class Step(models.Model):
    """One recorded transition of an application: who, when, why, attachments."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=10)
    source = models.CharField(_("from"), max_length=10, blank=True)
    target = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="certificates/%Y/%m/", blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.source}→{self.target}"

    @property
    def action_label(self) -> str:
        """The step in words (提交申请, 镇街审核通过, …), not its code."""
        return STEP_LABELS.get(self.action, self.action)

    @property
    def source_label(self) -> str:
        return _state_label(self.source)

    @property
    def target_label(self) -> str:
        return _state_label(self.target)
