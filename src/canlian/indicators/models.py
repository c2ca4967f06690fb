"""External series entered by staff, with their source (e.g. the city's GDP growth).

Indicators that track an outside figure (Yueqing's household income "keeps pace with
GDP") or that no record in Canlian can count (the share of disabled staff in the
federation) read their comparison value here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalValue(models.Model):
    """One year's value of an external series for a region (外部数据)."""

    series = models.SlugField(_("series"), max_length=60)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    source = models.CharField(_("source"), max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["series", "year"]
        constraints = [models.UniqueConstraint(fields=["series", "region", "year"],
                                               name="one_external_value_per_year")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.value}"


class FrozenYear(models.Model):
    """A reported year's figures (年度报送数据), frozen when the federation closes the year.

    ``figures`` is the computation as reported (``engine.as_json`` for the deployment, with
    every township). Later recomputation is shown beside it with the difference and its
    reason (records entered after the freeze); it never replaces it. The mid-term and final
    evaluation reports read these."""

    plan = models.CharField(_("plan"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(_("figures as reported"))
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    frozen_at = models.DateTimeField(_("frozen at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "region"],
                                               name="one_frozen_year_per_plan")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"
