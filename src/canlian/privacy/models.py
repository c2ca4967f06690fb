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
