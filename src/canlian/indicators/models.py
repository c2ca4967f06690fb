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


class SurveyPlace(models.Model):
    """One survey row's place in every survey-based indicator of its year (调查指标归属).

    A stored read model of ``measures.survey_conditions`` (the one definition): for each
    indicator, 0 outside its denominator, 1 in the denominator only (the gap), 2 in the
    numerator too; with the household income per capita the growth indicator averages
    (NULL where the row does not count). The survey pass and the lists behind the figures
    (``drill``) read these narrow rows instead of evaluating ten conditions over the wide
    survey rows. Written only by ``places`` (set-based ``INSERT … SELECT`` of the same
    conditions): the nightly job ``survey_places`` takes a whole year, and the actions that
    change a person's place (a survey saved, a service, a placement, a register status, a
    programme settled) take that person's rows again at once. ``SurveyPlaceSet`` says which
    years are stored.
    """

    survey = models.OneToOneField("surveys.AnnualSurvey", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+", db_constraint=False)
    year = models.PositiveSmallIntegerField()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               db_constraint=False, db_index=False)
    village_code = models.CharField(max_length=12)
    medical_insurance_rate = models.PositiveSmallIntegerField(default=0)
    pension_insurance_rate = models.PositiveSmallIntegerField(default=0)
    employment_rate = models.PositiveSmallIntegerField(default=0)
    compulsory_education_enrollment = models.PositiveSmallIntegerField(default=0)
    high_school_education_rate = models.PositiveSmallIntegerField(default=0)
    rehabilitation_coverage = models.PositiveSmallIntegerField(default=0)
    assistive_device_rate = models.PositiveSmallIntegerField(default=0)
    basic_assistive_device_rate = models.PositiveSmallIntegerField(default=0)
    culture_sports_coverage = models.PositiveSmallIntegerField(default=0)
    low_income_inclusion_rate = models.PositiveSmallIntegerField(default=0)
    income = models.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["year", "village_code"], name="surveyplace_region"),
                   models.Index(fields=["person", "year"], name="surveyplace_person")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.year}"


class SurveyPlaceSet(models.Model):
    """The stored ``SurveyPlace`` rows of a year: the signature of the definitions they were
    taken with (the conditions' SQL with its parameters: the 低保 standard, the plan's
    ages and dates) and when. Rows are read only while the signature is today's; a year
    without a set, or with another signature, is computed live."""

    year = models.PositiveSmallIntegerField(unique=True)
    signature = models.CharField(max_length=64)
    refreshed_at = models.DateTimeField()
    surveys = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.year} ({self.refreshed_at:%Y-%m-%d %H:%M})"


class SurveyTally(models.Model):
    """The stored survey places of a year counted per village and combination of places
    (调查指标汇总): what the survey pass sums, a few rows per village instead of one per
    survey. Derived from ``SurveyPlace`` only, by ``places`` whenever it writes those rows
    (a village's tallies are counted again from its rows), so figure and list agree."""

    year = models.PositiveSmallIntegerField()
    village_code = models.CharField(max_length=12)
    medical_insurance_rate = models.PositiveSmallIntegerField(default=0)
    pension_insurance_rate = models.PositiveSmallIntegerField(default=0)
    employment_rate = models.PositiveSmallIntegerField(default=0)
    compulsory_education_enrollment = models.PositiveSmallIntegerField(default=0)
    high_school_education_rate = models.PositiveSmallIntegerField(default=0)
    rehabilitation_coverage = models.PositiveSmallIntegerField(default=0)
    assistive_device_rate = models.PositiveSmallIntegerField(default=0)
    basic_assistive_device_rate = models.PositiveSmallIntegerField(default=0)
    culture_sports_coverage = models.PositiveSmallIntegerField(default=0)
    low_income_inclusion_rate = models.PositiveSmallIntegerField(default=0)
    surveys = models.PositiveIntegerField()
    income_sum = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    income_n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["year", "village_code"], name="surveytally_region")]

    def __str__(self) -> str:
        return f"{self.year} {self.village_code}: {self.surveys}"


class HomeNeed(models.Model):
    """A person counted by the home-accessibility rate of a year (无障碍改造需求户): in a
    survey of the plan period so far (``period_start`` to ``year``) needing a home
    renovation and qualifying (in hardship or severely disabled), and still resident at the
    year's end (living, certified, in the deployment), with the household and village the
    person had when taken.

    A stored read model of ``measures.accessibility_rows`` (the one definition), written
    only by ``accessibility`` (set-based ``INSERT … SELECT`` of the same query): the nightly
    job ``survey_places`` takes each plan year, and the actions that take a person's survey
    places again take the person's rows too. Whether the household was renovated is not
    stored: the accepted renovations are read live. ``HomeNeedSet`` says which years are
    stored."""

    year = models.PositiveSmallIntegerField()
    period_start = models.PositiveSmallIntegerField()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+",
                               db_constraint=False, db_index=False)
    household_id = models.BigIntegerField(null=True)
    village_code = models.CharField(max_length=12)

    class Meta:
        indexes = [models.Index(fields=["year", "period_start", "village_code"],
                                name="homeneed_region"),
                   models.Index(fields=["person", "year"], name="homeneed_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period_start}–{self.year}"


class HomeNeedSet(models.Model):
    """The stored ``HomeNeed`` rows of a year and plan period: the signature of the query
    they were taken with (its SQL with its parameters, the year's end or today among them)
    and when. Rows are read only while the signature is today's: a set of this year taken
    yesterday, or with another definition, is not read (live until the next run)."""

    year = models.PositiveSmallIntegerField()
    period_start = models.PositiveSmallIntegerField()
    signature = models.CharField(max_length=64)
    refreshed_at = models.DateTimeField()
    persons = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "period_start"],
                                               name="one_home_need_set_per_period_year")]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.year} ({self.refreshed_at:%Y-%m-%d %H:%M})"
