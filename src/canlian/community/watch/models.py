"""Records of the poverty-return watch (防止返贫动态监测): shocks, cases and reviews.

The app is ``community`` (its label and migrations are unchanged): ``community.models``
imports this module so Django registers the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Choices in English msgids (translated in locale/); their codes are those of the rule
# modules, which must not import Django.
SITUATION_CHOICES = [("improved", _("Improved")), ("stable", _("Stable")), ("worse", _("Worse"))]
HELP_CHOICES = [
    ("dibao", _("Helped to apply for dibao")), ("temporary_assistance", _("Temporary assistance")),
    ("medical_assistance", _("Medical assistance")), ("employment", _("Employment help")),
    ("subsidy", _("Disability subsidies")), ("industry", _("Support for a family business")),
    ("education", _("Education support")), ("other", _("Other")),
]
FLAG_CHOICES = [
    ("income_below_line", _("Income below the dibao line, not in dibao")),
    ("income_near_line", _("Income near the dibao line")),
    ("job_loss", _("A household member lost a job")),
    ("medical_costs", _("Large medical costs")),
    ("new_severe_disability", _("A new severe disability in the household")),
]


class WatchEvent(models.Model):
    """A shock to a household reported by a worker — 风险事件: a job lost, medical costs."""

    KINDS = [("medical_costs", _("Medical costs (out of pocket)")),
             ("job_loss", _("Job lost")), ("disaster", _("Disaster or accident")),
             ("other", _("Other"))]
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="watch_events")
    household = models.ForeignKey("people.Household", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_on"])]
        verbose_name = _("watch event")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_on}"


class WatchCase(models.Model):
    """A person on the poverty-return watch list — 防止返贫监测对象."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="watch_cases")
    status = models.CharField(_("status"), max_length=8, default="open", db_index=True,
                              choices=[("open", _("Under watch")), ("closed", _("Risk removed"))])
    opened_on = models.DateField(_("opened on"))
    flags = models.JSONField(_("flags"), default=list)
    screened_on = models.DateField(_("last screened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("why closed"), max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(status="open"),
                                               name="one_open_watch_case_per_person")]
        verbose_name = _("poverty-return watch case")

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


class WatchReview(models.Model):
    """The monthly review of a watch case and the help given — 月度研判与帮扶措施."""

    case = models.ForeignKey(WatchCase, on_delete=models.CASCADE, related_name="reviews")
    month = models.DateField(_("month"))  # first day of the month
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    situation = models.CharField(_("situation"), max_length=10,
                                 choices=SITUATION_CHOICES)
    help_kinds = models.JSONField(_("help given"), default=list, blank=True)
    help_amount = models.DecimalField(_("amount of help (yuan)"), max_digits=10,
                                      decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["case", "month"],
                                               name="one_review_per_case_month")]
        verbose_name = _("watch review")

    def __str__(self) -> str:
        return f"{self.case_id} {self.month:%Y-%m}"
