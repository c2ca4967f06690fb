"""What the shared web layer keeps: hits counted by rate limits (``throttle.py``); the
shared fields of public notices (公示, ``PublicNoticeBase``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleHit(models.Model):
    """One counted attempt: a scope (what is limited) and a keyed digest of who/what, so
    resident IDs and addresses are not kept in clear. Rows older than a day are pruned."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M:%S}"


class PublicNoticeBase(models.Model):
    """A public notice (公示) in one village, with its dates (``core.notice_rules``): the
    shared fields of the notices of the workflows that post one before approval (the two
    subsidies' ``benefits.PublicNotice``, the certificate's ``certificates.PublicNotice``)."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("village"))
    starts_on = models.DateField(_("posted from"))
    ends_on = models.DateField(_("posted until"), db_index=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.village_id} {self.starts_on}–{self.ends_on}"
