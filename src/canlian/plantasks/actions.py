"""Writes of plan-task progress (规划任务进展): a department's quarterly report and the
reminders of the daily job. Each is one transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.core.domain import DomainError

from . import queries, rules
from .models import ProgressReport, Reminder
from .tasks import TaskPlan

if TYPE_CHECKING:
    from canlian.accounts.models import User

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")


class PlanTaskError(DomainError):
    code = "plan_task_refused"


def department_of(user: User, plan: TaskPlan) -> str:
    """The department a department account reports for (its ``organisation``), which must
    be one the plan names."""
    if not user.can(Capability.REPORT_PLAN_TASKS):
        raise PermissionDenied("cannot report plan tasks")
    if user.organisation not in plan.departments:
        raise PlanTaskError(gettext("The account's department “%(department)s” is not one the plan names: "
                                    "please contact the federation")
                            % {"department": user.organisation},
                            code="unknown_department")
    return user.organisation


@transaction.atomic
def submit_report(user: User, plan: TaskPlan, *, task: str, year: int, quarter: int,
                  percent: int, text: str, figures: dict[str, Any] | None = None,
                  evidence: UploadedFile | None = None,
                  request: HttpRequest | None = None) -> ProgressReport:
    """Report (or correct) the department's progress on one task for one quarter."""
    department = department_of(user, plan)
    try:
        the_task = plan.task(task)
    except KeyError:
        raise PlanTaskError(gettext("No such task"), code="no_task") from None
    if department not in the_task.departments:
        raise PlanTaskError(gettext("This task is not your department's"),
                            code="not_yours")
    errors: dict[str, str] = {}
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = gettext("Quarter must be 1-4")
    elif (year, quarter) > rules.quarter_of(clock.today()):
        errors["quarter"] = gettext("A quarter not yet begun cannot be reported")
    elif not the_task.runs_in(year):
        errors["year"] = (gettext("The task runs %(first)s–%(last)s")
                          % {"first": the_task.start, "last": the_task.end})
    if not 0 <= percent <= 100:
        errors["percent"] = gettext("Completion must be 0-100")
    if not text.strip():
        errors["text"] = gettext("Describe the progress")
    if evidence is not None:
        name = (evidence.name or "").lower()
        if not name.endswith(EVIDENCE_TYPES):
            errors["evidence"] = gettext("Evidence must be a PDF, image, Word or Excel file")
        elif (evidence.size or 0) > MAX_EVIDENCE_BYTES:
            errors["evidence"] = gettext("Evidence must be at most 10 MB")
    for key, value in (figures or {}).items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            errors["figures"] = gettext("The figure “%(key)s” must be a number") % {"key": key}
    if errors:
        raise ValidationError(errors)
    report, created = ProgressReport.objects.update_or_create(
        plan=plan.code, task=task, department=department, year=year, quarter=quarter,
        defaults={"percent": percent, "text": text.strip(), "figures": figures or {},
                  "submitted_by": user, "submitted_at": clock.now()})
    if evidence is not None:
        report.evidence.save(evidence.name or "evidence", evidence, save=True)
    record(user=user, action=Action.CREATE if created else Action.UPDATE, obj=report,
           request=request, summary=f"plan task {plan.code} {task} {year}Q{quarter}: {percent}%")
    return report


def remind(plan: TaskPlan, today: dt.date) -> int:
    """Open a reminder for each department with tasks not yet reported for the quarter
    whose report falls due within ``rules.REMIND_DAYS_BEFORE`` days (set-based; a
    department already reminded for the quarter is skipped). Returns how many."""
    year, quarter = rules.reporting_quarter(today)
    due = rules.due_date(year, quarter)
    if not rules.remind_on(year, quarter) <= today <= due:
        return 0
    missing = queries.unreported(plan, year, quarter)
    reminded = set(Reminder.objects.filter(plan=plan.code, year=year, quarter=quarter)
                   .values_list("department", flat=True))
    rows = [Reminder(plan=plan.code, department=d, year=year, quarter=quarter, due=due,
                     missing=n) for d, n in missing.items() if n and d not in reminded]
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
