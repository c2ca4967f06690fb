"""Quarterly progress of plan tasks (规划任务季度进展) and the reminders sent about them.

The tasks themselves are data (``data/*.yaml``, read by ``tasks.py``); a report names its
plan and task by code and the department by its name as the plan writes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressReport(models.Model):
    """A department's report on one task for one quarter (季度进展报告), with evidence."""

    plan = models.CharField(_("plan"), max_length=40)
    task = models.CharField(_("task"), max_length=20)
    department = models.CharField(_("department"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    percent = models.PositiveSmallIntegerField(_("completion (%)"))
    text = models.TextField(_("progress"))
    # Measured figures the department reports, e.g. {"persons trained": 52}.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="plantasks/%Y/%m/", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["plan", "task", "department", "year", "quarter"],
            name="plantasks_one_report_per_quarter")]
        indexes = [models.Index(fields=["plan", "department"])]
        ordering = ["plan", "task", "-year", "-quarter"]
        verbose_name = _("progress report")

    def __str__(self) -> str:
        return f"{self.plan} {self.task} {self.department} {self.year}Q{self.quarter}"


class Reminder(models.Model):
    """A reminder that a department's quarterly report is due (报送提醒); one per department
    and quarter, so the daily job never reminds twice."""

    plan = models.CharField(_("plan"), max_length=40)
    department = models.CharField(_("department"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    due = models.DateField(_("due"))
    missing = models.PositiveSmallIntegerField(_("tasks not reported"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "department", "year", "quarter"],
                                               name="plantasks_one_reminder_per_quarter")]
        ordering = ["-year", "-quarter", "department"]
        verbose_name = _("reminder")

    def __str__(self) -> str:
        return f"{self.plan} {self.department} {self.year}Q{self.quarter}"
