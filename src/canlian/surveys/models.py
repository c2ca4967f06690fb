"""The annual survey record: one per certified person per year (年度动态更新)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules

EMPLOYMENT_STATUS_CHOICES = [
    ("employed", _("Employed")), ("not_working", _("Not working")), ("retired", _("Retired")),
    ("student", _("In school")), ("not_applicable", _("Not applicable (under 16)")),
]
EMPLOYMENT_FORM_CHOICES = [
    ("concentrated", _("Concentrated employment")), ("proportional", _("Quota employment")),
    ("self_employed", _("Self-employed")), ("flexible", _("Flexible employment")),
    ("public_welfare", _("Public-welfare post")), ("supported", _("Supported employment")),
    ("farming", _("Farming")),
]
NOT_WORKING_CHOICES = [
    ("severe_disability", _("Disability too severe")), ("no_suitable_job", _("No suitable job")),
    ("caring_for_family", _("Caring for family")), ("no_willingness", _("Does not wish to work")),
    ("other", _("Other")),
]
EDUCATION_CHOICES = [
    ("not_applicable", _("Not applicable")), ("preschool", _("Pre-school")),
    ("compulsory_school", _("Compulsory education: ordinary school")),
    ("compulsory_special", _("Compulsory education: special school or class")),
    ("compulsory_home", _("Compulsory education: home tuition")),
    ("not_enrolled", _("Not enrolled")), ("upper_secondary", _("Upper-secondary school")),
    ("higher", _("Higher education")), ("finished", _("Finished schooling")),
]
# Highest level of schooling completed (最高已完成学历): the upper-secondary rate counts a
# young person who has completed it, not only one still at school.
HIGHEST_LEVEL_CHOICES = [
    ("", _("Not recorded")), ("none", _("None")), ("primary", _("Primary school")),
    ("junior_secondary", _("Junior secondary (compulsory education completed)")),
    ("upper_secondary", _("Upper secondary")), ("higher", _("Higher education")),
]
CARE_CHOICES = [("none", _("None")), ("day", _("Day care")), ("residential", _("Residential care"))]
REHAB_TYPE_CHOICES = [("training", _("Rehabilitation training")), ("medical", _("Medical rehabilitation")),
                      ("community", _("Community rehabilitation")),
                      ("children", _("Children's rehabilitation"))]
DEVICE_TYPE_CHOICES = [("mobility", _("Mobility aids")), ("visual", _("Visual aids")),
                       ("hearing", _("Hearing aids")), ("daily_living", _("Daily-living aids")),
                       ("prosthesis", _("Prosthesis or orthosis")), ("other", _("Other"))]
assert [c for c, _ in EMPLOYMENT_STATUS_CHOICES] == list(rules.EMPLOYMENT_STATUSES)


class AnnualSurvey(models.Model):
    """A certified person's status and needs in one year, filled by the village worker."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("year"))
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # The person's facts as they stood at the survey, copied when the record is made
    # (``save``; bulk writers copy them too): the indicators count a year's surveys in one
    # pass over this table without joining a million persons, and a 2021 rate does not
    # change because a household left 低保 in 2024. A corrected ID number corrects
    # ``birth_date`` here too (``surveys.subscribers``).
    birth_date = models.DateField(_("date of birth"), null=True, editable=False)
    household_type = models.CharField(_("household type at the survey"), max_length=12,
                                      blank=True, editable=False)
    # The certificate valid on the survey date (``certificates.validity``): its category and
    # grade, or none when the person held no valid certificate then. Survey-based figures
    # count only persons certified at the survey (持证), as the facts stood that year.
    category = models.PositiveSmallIntegerField(_("category at the survey"), null=True,
                                                blank=True, editable=False)
    grade = models.PositiveSmallIntegerField(_("grade at the survey"), null=True, blank=True,
                                             editable=False)
    surveyed_on = models.DateField(_("surveyed on"))
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    # social security
    pension_insured = models.BooleanField(_("in basic pension insurance"), default=False)
    medical_insured = models.BooleanField(_("in basic medical insurance"), default=False)
    receives_living_subsidy = models.BooleanField(_("receives the living subsidy"), default=False)
    receives_nursing_subsidy = models.BooleanField(_("receives the nursing subsidy"), default=False)
    household_income_per_capita = models.DecimalField(
        _("household disposable income per capita last year (yuan)"), max_digits=10,
        decimal_places=2, null=True, blank=True)
    # employment
    employment_status = models.CharField(_("employment"), max_length=16,
                                         choices=EMPLOYMENT_STATUS_CHOICES)
    employment_form = models.CharField(_("form of employment"), max_length=16, blank=True,
                                       choices=EMPLOYMENT_FORM_CHOICES)
    not_working_reason = models.CharField(_("why not working"), max_length=20, blank=True,
                                          choices=NOT_WORKING_CHOICES)
    able_to_work = models.BooleanField(_("able to work"), default=False)
    confirm_unusual = models.BooleanField(_("unusual answer confirmed"), default=False)
    # education
    education_status = models.CharField(_("education"), max_length=20, default="not_applicable",
                                        choices=EDUCATION_CHOICES)
    not_enrolled_reason = models.CharField(_("why not enrolled"), max_length=100, blank=True)
    finished_compulsory = models.BooleanField(_("finished compulsory education"), default=False)
    highest_level = models.CharField(_("highest level completed"), max_length=20, blank=True,
                                     default="", choices=HIGHEST_LEVEL_CHOICES)
    # needs
    rehab_need = models.BooleanField(_("needs rehabilitation"), default=False)
    rehab_types = models.JSONField(_("rehabilitation types"), default=list, blank=True)
    device_need = models.BooleanField(_("needs an assistive device"), default=False)
    device_types = models.JSONField(_("device types"), default=list, blank=True)
    care_need = models.CharField(_("care need"), max_length=12, default="none",
                                 choices=CARE_CHOICES)
    home_accessibility_need = models.BooleanField(_("needs home accessibility renovation"),
                                                  default=False)
    culture_sports = models.BooleanField(_("took part in culture or sports"), default=False)
    # Services received in the year according to the service records (``served``): kept
    # here so the coverage rates need no join with the year's service records. False in
    # the database too, for bulk writers that leave them out before ``served.rebuild``.
    served_rehab = models.BooleanField(_("received rehabilitation in the year"),
                                       default=False, db_default=False, editable=False)
    served_device = models.BooleanField(_("fitted with a device in the year"),
                                        default=False, db_default=False, editable=False)
    served_culture = models.BooleanField(_("took part in a culture or sports service"),
                                         default=False, db_default=False, editable=False)
    served_basic_device = models.BooleanField(_("fitted with a basic-type device in the year"),
                                              default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-year", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "year"],
                                               name="one_survey_per_person_year")]
        indexes = [models.Index(fields=["year", "village"]),
                   # The home-accessibility rate reads the few persons with that need
                   # over the plan's years, with the household type and grade that make
                   # them qualify: an index-only scan, no visit to the wide survey rows
                   # (measures.accessibility_households; its surveys read in 105 instead
                   # of 383 ms at 100,000 persons).
                   models.Index(fields=["year", "person", "household_type", "grade"],
                                name="survey_home_need_facts",
                                condition=models.Q(home_accessibility_need=True))]
        verbose_name = _("annual survey")

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"
