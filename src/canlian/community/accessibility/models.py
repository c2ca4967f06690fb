"""Records of accessibility supervision (无障碍监督): places, inspections, problems.

The app is ``community`` (its label and migrations are unchanged): ``community.models``
imports this module so Django registers the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from canlian.core.encrypted import EncryptedCharField

# Choices in English msgids (translated in locale/); their codes are those of the rule
# modules, which must not import Django.
PLACE_KIND_CHOICES = [
    ("road", _("Road or pavement")), ("transport", _("Public transport")),
    ("hospital", _("Hospital or clinic")), ("service_hall", _("Government service hall")),
    ("park", _("Park or square")), ("other", _("Other public place")),
]
SEVERITY_CHOICES = [("critical", _("Critical")), ("major", _("Major")), ("minor", _("Minor"))]
RESULT_CHOICES = [("pass", _("Meets")), ("fail", _("Fails")), ("na", _("Not applicable"))]


class Place(models.Model):
    """A public place or facility under accessibility supervision — 无障碍设施监督点位."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=PLACE_KIND_CHOICES)
    village = models.ForeignKey("regions.Region", verbose_name=_("village/community"),
                                on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    address = models.CharField(_("address"), max_length=200, blank=True)
    manager = models.CharField(_("managing unit"), max_length=120)
    manager_phone = EncryptedCharField(_("managing unit's phone"), max_length=20, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["village_id", "kind", "name"]
        verbose_name = _("public place")

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """An inspection of a place against the checklist — 无障碍检查."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"), db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    results = models.JSONField(_("results"), default=dict)  # item code → pass / fail / na
    passed = models.PositiveSmallIntegerField(_("items met"), default=0)
    failed = models.PositiveSmallIntegerField(_("items failed"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")

    def __str__(self) -> str:
        return f"{self.place_id} {self.inspected_on}"


class Problem(models.Model):
    """A problem found in an inspection, to rectify by a deadline — 整改问题."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="problems")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="problems")
    item = models.CharField(_("checklist item"), max_length=30)
    description = models.CharField(_("description"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10,
                                choices=SEVERITY_CHOICES)
    found_on = models.DateField(_("found on"))
    deadline = models.DateField(_("rectify by"), db_index=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = models.CharField(_("what was done"), max_length=300, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(verified_on__isnull=True)
                                              | models.Q(rectified_on__isnull=False),
                                              name="problem_verified_after_rectified")]
        verbose_name = _("accessibility problem")

    def __str__(self) -> str:
        return f"{self.place_id} {self.item}"


class ProblemPhoto(models.Model):
    """A photo of a problem, before or after rectification — 整改照片."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=10,
                             choices=[("before", _("Before")), ("after", _("After"))])
    image = models.FileField(upload_to="accessibility/%Y/%m/")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name or ""
