"""The record of every domain event published, kept for tracing and for the "once" rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventRecord(models.Model):
    """One published domain event (e.g. ``certificate.issued``) and its payload."""

    name = models.CharField(_("event"), max_length=60, db_index=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    person_id = models.BigIntegerField(_("person"), null=True, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    # Unique per fact (e.g. "person.died:123"): a fact published twice is refused.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("domain event")

    def __str__(self) -> str:
        return f"{self.name} {self.payload}"
