"""Satisfaction ratings (满意度评价), the text-message invitations to give one, and the
third-party evaluator's findings (第三方评估发现).

A rating names the closed item it is about by kind and id (a service record, a subsidy
decision, a certificate decision, a closed rights case) and keeps a copy of what the
results are grouped by (the person's village, the institution, the kind of service), so
the results are one aggregate query and survive later edits of the item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import EncryptedCharField


class ItemKind(models.TextChoices):
    SERVICE = "service", _("Service delivered")
    SUBSIDY = "subsidy", _("Subsidy decision")
    CERTIFICATE = "certificate", _("Certificate decision")
    CASE = "case", _("Rights case closed")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    SMS = "sms", _("Text message")


class Rating(models.Model):
    """A citizen's (or guardian's) rating of one closed item (满意度评价), 1 to 5."""

    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    object_id = models.BigIntegerField(_("item"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("services.Institution", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    # What the results are grouped by within the kind: the service group, the subsidy, the
    # certificate application's kind or the rights case's kind.
    topic = models.CharField(_("service kind"), max_length=20)
    closed_on = models.DateField(_("closed on"))
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=RatingChannel.choices)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="evaluation_one_rating"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                   name="evaluation_score_1_to_5"),
        ]
        indexes = [models.Index(fields=["closed_on", "kind"])]
        ordering = ["-rated_at"]
        verbose_name = _("satisfaction rating")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.score}"


class Invitation(models.Model):
    """A text message asking for a rating (满意度短信邀评): the reply code the citizen
    sends back, with the score, to the SMS gateway's inbound number."""

    code = models.CharField(_("reply code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    object_id = models.BigIntegerField(_("item"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    phone = EncryptedCharField(_("phone"), max_length=20)  # encrypted at rest (docs/privacy.md)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"],
                                               name="evaluation_one_invitation")]
        verbose_name = _("rating invitation")

    def __str__(self) -> str:
        return f"{self.code} {self.kind} {self.object_id}"


class FindingArea(models.TextChoices):
    INDICATORS = "indicators", _("Indicators")
    TASKS = "tasks", _("Plan tasks")
    SATISFACTION = "satisfaction", _("Satisfaction")
    SERVICES = "services", _("Services and records")
    OTHER = "other", _("Other")


class Finding(models.Model):
    """A finding of the third-party evaluator (第三方评估发现) for a plan and year, printed
    in the mid-term and final evaluation reports beside the indicators."""

    plan = models.CharField(_("plan"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.CharField(_("area"), max_length=12, choices=FindingArea.choices)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("finding"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    organisation = models.CharField(_("evaluator"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["plan", "year", "area", "id"]
        indexes = [models.Index(fields=["plan", "year"])]
        verbose_name = _("evaluation finding")

    def __str__(self) -> str:
        return f"{self.plan} {self.year} {self.title}"
