"""The record of each migration import (迁移导入): who imported which file, what became
of every row, and the reconciliation counts before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import EncryptedJSONField


class ImportKind(models.TextChoices):
    CERTIFICATES = "certificates", _("Certificate holders")
    GRANTS = "grants", _("Running subsidy grants")
    SERVICES = "services", _("Service records")
    SURVEYS = "surveys", _("Survey records")
    EDUCATION = "education", _("Education status (education bureau)")
    ALLOWANCE = "allowance", _("Minimum living allowance changes (civil affairs)")
    INSURANCE = "insurance", _("Insurance enrolment confirmations")


class MigrationImport(models.Model):
    """One migration import batch (迁移导入批次) and its reconciliation report (核对表).

    ``errors`` holds every rejected row (row, column, reason, the row's values);
    ``flagged`` the rows imported but held for review (a grant the rules do not allow as
    recorded); ``before`` and ``after`` the counts per township and category (or subsidy)
    within the importer's region, as ``{township code: {key: count}}``.
    """

    kind = models.CharField(_("import kind"), max_length=12, choices=ImportKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    region_code = models.CharField(max_length=12, blank=True)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    # Rejected rows quote the file as typed (IDs, phones, bank accounts): kept encrypted.
    errors = EncryptedJSONField(default=list, blank=True)
    flags = EncryptedJSONField(default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    townships = models.JSONField(default=dict, blank=True)  # code → name, for the report
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("migration import")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class DeliveryState(models.TextChoices):
    SENT = "sent", _("Accepted by the gateway")
    DELIVERED = "delivered", _("Delivered to the phone")
    FAILED = "failed", _("Not sent")
    UNDELIVERED = "undelivered", _("Not delivered")


class SmsDelivery(models.Model):
    """One text message handed to the SMS gateway (短信发送记录): to whom (masked), when, how
    many attempts, what the gateway answered, and its delivery report when one comes.

    The text is kept with every run of four or more digits masked: a sign-in code is a
    secret, and the log is for finding why a message did not arrive, not for reading it.
    ``reference`` is the random key in the delivery-report URL given to the gateway.
    """

    reference = models.CharField(max_length=32, unique=True)
    phone = models.CharField(_("phone"), max_length=20)  # masked: 138****1234
    text = models.CharField(_("text"), max_length=500)
    state = models.CharField(_("delivery state"), max_length=12, choices=DeliveryState.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    gateway_status = models.PositiveSmallIntegerField(null=True, blank=True)  # HTTP status
    gateway_answer = models.CharField(max_length=200, blank=True)
    report_code = models.PositiveSmallIntegerField(null=True, blank=True)  # Kannel's %d
    sent_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("text message delivery")

    def __str__(self) -> str:
        return f"{self.phone} {self.state}"


class HouseholdTypeChange(models.Model):
    """A dated change of a person's household type reported by civil affairs (低保变更记录):
    joined or left 低保, 低保边缘 or 特困 on ``effective``. The register keeps only the current
    type (``people.Household``); this is its dated history from the department's batches,
    so a re-run recognises a change it has already applied and an older change arriving
    after a newer one is refused."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    previous = models.CharField(_("household type before"), max_length=12)
    household_type = models.CharField(_("household type"), max_length=12)
    effective = models.DateField(_("effective from"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective", "id"]
        verbose_name = _("household type change")
        constraints = [models.UniqueConstraint(fields=["person", "household_type", "effective"],
                                               name="exchange_one_change_a_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.household_type} {self.effective}"
