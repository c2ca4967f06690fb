"""The education register (残疾儿童少年教育登记) and its records. Rules in ``rules``;
writes in ``actions``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules

STATUS_CHOICES = list(rules.STATUSES.items())
LEVEL_CHOICES = list(rules.LEVELS.items())


class Pupil(models.Model):
    """A disabled child or young person on the education register (残疾儿童少年教育登记):
    aged 0–17, or a student in higher education. The current status is the latest of its
    history (``StatusChange``)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT,
                                  related_name="pupil")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("schooling status"), max_length=20, choices=STATUS_CHOICES)
    highest_level = models.CharField(_("highest level completed"), max_length=20,
                                     choices=LEVEL_CHOICES, default="none")
    school = models.CharField(_("school"), max_length=100, blank=True)
    reason = models.CharField(_("reason not in school"), max_length=10, blank=True)
    since = models.DateField(_("since"))
    registered_on = models.DateField(_("registered on"))

    class Meta:
        ordering = ["village_id", "person_id"]
        indexes = [models.Index(fields=["village", "status"])]
        verbose_name = _("pupil")

    def __str__(self) -> str:
        return str(self.person)


class StatusChange(models.Model):
    """One entry of a pupil's schooling history (就学状况变更): the status from ``since``
    until the next entry (``until``, set when superseded), where it came from."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    highest_level = models.CharField(max_length=20, choices=LEVEL_CHOICES, default="none")
    school = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=10, blank=True)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=list(rules.SOURCES.items()))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil_id", "since", "id"]
        indexes = [models.Index(fields=["status", "since", "until"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.status} {self.since}"


class Assessment(models.Model):
    """Education-needs assessment and placement decision (入学评估与安置, 一人一案): the
    assessment, the recommended placement, the decision and its review date."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.CharField(_("assessed by (expert committee)"), max_length=100)
    needs = models.TextField(_("education needs"))
    recommended = models.CharField(_("recommended placement"), max_length=16,
                                   choices=list(rules.PLACEMENTS.items()))
    decision = models.CharField(_("placement decided"), max_length=16,
                                choices=list(rules.PLACEMENTS.items()), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    review_on = models.DateField(_("review by"), null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.assessed_on}"


class HomeTeachingPlan(models.Model):
    """A teaching-at-home plan (送教上门计划): teacher, frequency, content, period."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plans")
    teacher = models.CharField(_("teacher"), max_length=50)
    school = models.CharField(_("school sending the teacher"), max_length=100)
    visits_per_month = models.PositiveSmallIntegerField(_("visits a month"))
    content = models.TextField(_("content"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.teacher}"


class HomeVisit(models.Model):
    """One teaching-at-home visit (送教上门记录)."""

    plan = models.ForeignKey(HomeTeachingPlan, on_delete=models.CASCADE, related_name="visits")
    on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    done = models.TextField(_("what was done"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.on}"


class DropoutCase(models.Model):
    """An out-of-school follow-up case (控辍保学个案): a child of compulsory-school age not
    in school, with a deadline, the actions taken and the outcome."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="dropout_cases")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    due = models.DateField(_("follow up by"))
    reason = models.CharField(_("reason"), max_length=10, blank=True)
    actions_taken = models.TextField(_("actions taken"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=list(rules.OUTCOMES.items()),
                               blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["closed_on", "due", "id"]
        indexes = [models.Index(fields=["village", "closed_on"])]
        constraints = [models.UniqueConstraint(fields=["pupil"],
                                               condition=models.Q(closed_on__isnull=True),
                                               name="one_open_dropout_case_per_pupil")]

    def __str__(self) -> str:
        return f"控辍保学 {self.pupil_id}"


class StudentAid(models.Model):
    """Student aid granted (助学金/学费资助) per student and year."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="aid")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("aid"), max_length=50)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["pupil", "year", "kind"],
                                               name="one_aid_per_kind_and_year")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.year} {self.kind}"
