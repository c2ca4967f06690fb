"""What the citizens' portal itself keeps: sign-in codes, the development outbox, uploads.

Applications are not kept here: a citizen's application is the same record staff work on
(certificates, benefits, services, people), opened with ``channel="online"``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import BlindIndexField, EncryptedCharField


class SignInCode(models.Model):
    """A one-time sign-in code (短信验证码); only its keyed hash is stored."""

    resident_id = EncryptedCharField(max_length=18)
    resident_id_index = BlindIndexField(source="resident_id", purpose="resident_id")
    digest = models.CharField(max_length=64)
    sent_to = models.CharField(max_length=20, help_text=_("Masked phone number."))
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resident_id_index"], name="portal_code_resident_id")]

    def __str__(self) -> str:
        return f"{self.resident_id[:6]}… {self.created_at:%Y-%m-%d %H:%M}"  # region code only


class OutboxMessage(models.Model):
    """A message the development notifier 'sent': shown on the dev outbox page, never in production."""

    to = EncryptedCharField(max_length=20)  # a citizen's phone: encrypted at rest like the rest
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:30]}"


class ReminderText(models.Model):
    """A reminder text message already sent (提醒短信记录): the daily reminders job texts a
    citizen once per reminder, so a re-run (or the next day's run) sends nothing twice.
    ``key`` names the reminder, e.g. the certificate and the date it expires."""

    RENEWAL = "certificate_renewal"
    KINDS = [(RENEWAL, _("Certificate renewal due"))]

    kind = models.CharField(_("reminder about"), max_length=30, choices=KINDS)
    key = models.CharField(max_length=60)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"],
                                               name="portal_reminder_text_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.sent_on:%Y-%m-%d}"


class Purpose(models.TextChoices):
    ID_CARD = "id_card", _("Resident ID card")
    HUKOU = "hukou", _("Household register (hukou)")
    MEDICAL = "medical", _("Medical records")
    PHOTO = "photo", _("Photo")
    INCOME = "income", _("Proof of income or household status")
    BANK = "bank", _("Bank card")
    OTHER = "other", _("Other")


class Upload(models.Model):
    """A document a citizen sends with an application (申请材料), checked for type and size."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="uploads")
    # The application it belongs to: "certificate:12", "subsidy:5", "renovation:3", "service:7".
    application = models.CharField(max_length=30, db_index=True)
    purpose = models.CharField(_("document"), max_length=10, choices=Purpose.choices)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=4)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.original_name}"
