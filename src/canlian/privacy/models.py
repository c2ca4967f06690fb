"""What the privacy app keeps: consents (单独同意) and which department account a consent governs.

A consent is one row per grant: given on a day, to a version of a purpose's notice, and
withdrawn on a later day (the row is kept, so the history of what was agreed stays).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """A separate consent (单独同意) of a person to one sharing purpose, with its notice version."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30)
    notice_version = models.DateField(_("notice version"))
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["person", "purpose"], condition=models.Q(withdrawn_at__isnull=True),
            name="privacy_one_active_consent")]
        indexes = [models.Index(fields=["purpose", "person"])]
        verbose_name = _("consent")

    def __str__(self) -> str:
        return f"{self.person_id} {self.purpose} {self.given_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class SharingAccount(models.Model):
    """The service account (API user) of a department that receives data only by consent.

    Keyed on the account, not on an API key, so rotating the department's key keeps the rule.
    Every API list and feed this account calls is limited to persons with an active consent
    to ``purpose``; an account without a row shares as the law requires (unaffected).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="sharing_purpose")
    purpose = models.CharField(_("purpose"), max_length=30)

    class Meta:
        verbose_name = _("consent-based sharing account")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.purpose}"


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Not corrected")


class CorrectionRequest(models.Model):
    """A citizen's request to correct their record (更正申请, 个保法 art. 46), reviewed by staff.

    The registry is the federation's record: a worker of the person's area checks the request
    against documents, corrects the record through the usual (audited) edit, and closes the
    request with a note the citizen sees."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="correction_requests")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("what is wrong"), max_length=100)
    correct_value = models.CharField(_("what it should be"), max_length=200)
    reason = models.CharField(_("explanation"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=CorrectionState.choices,
                             default=CorrectionState.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("reply"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("correction request")

    def __str__(self) -> str:
        return f"{self.person_id} {self.what}"


class LegalHold(models.Model):
    """A legal hold (依法保全): while active, retention leaves the person's records alone
    (a dispute, an audit, a court's or a disciplinary body's request)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(_("reason"), max_length=200)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    placed_at = models.DateTimeField(_("placed at"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("legal hold")

    def __str__(self) -> str:
        return f"{self.person_id} {self.reason[:20]}"


class RetentionRecord(models.Model):
    """What the retention job did to one person's records of one kind (保存期限处理记录);
    also what keeps a second run from doing it again."""

    person_id = models.BigIntegerField(db_index=True)  # a plain id, like the audit log's
    kind = models.CharField(_("record kind"), max_length=30)
    period_years = models.PositiveSmallIntegerField(_("period (years)"))
    done_at = models.DateTimeField(_("done at"))
    fields = models.JSONField(_("fields cleared"), default=list)

    class Meta:
        ordering = ["-done_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person_id", "kind"],
                                               name="privacy_retention_once")]
        verbose_name = _("retention record")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"
