"""What the province has collected from its cities (docs/scaling.md "A province")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CityExport(models.Model):
    """一次汇聚采集 — one collection of one city's aggregates for one plan year.

    Every attempt is kept, failed or not, with the time it was made: the dashboard shows
    the latest good document of each city and year, and flags a city whose last good one
    is older than ``CANLIAN_PROVINCE_LATE_HOURS``. ``problems`` are the consistency
    checks' findings (``checks.py``) at collection. Counts only: the cities send no
    personal data."""

    city = models.CharField(_("city"), max_length=40)
    plan = models.CharField(_("plan"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    collected_at = models.DateTimeField(_("collected at"))
    ok = models.BooleanField(_("received"), default=False)
    error = models.CharField(_("error"), max_length=300, blank=True)
    document = models.JSONField(_("document"), null=True, blank=True)
    frozen = models.BooleanField(_("frozen year"), default=False)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("city export")
        ordering = ["city", "year", "-collected_at"]
        indexes = [models.Index(fields=["city", "year", "collected_at"],
                                name="province_export_latest")]

    def __str__(self) -> str:
        return f"{self.city} {self.plan} {self.year} {self.collected_at:%Y-%m-%d %H:%M}"
