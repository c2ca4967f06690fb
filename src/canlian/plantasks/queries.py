"""Reads of plan-task progress: each task's latest report, what a department has not yet
reported, and the supervision overview by lead department (督查). Progress reports hold no
personal data, so they are not region-scoped: a deployment has one plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from canlian.core import clock
from canlian.regions.models import Deployment

from . import rules, tasks
from .models import ProgressReport
from .tasks import Task, TaskPlan


def current_plan() -> TaskPlan | None:
    """The task plan of this deployment (matched on its root region's name)."""
    deployment = Deployment.current()
    return tasks.for_region(deployment.root.name) if deployment else None


def latest(plan: TaskPlan, department: str | None = None) -> dict[tuple[str, str], Any]:
    """(task, department) → its latest report (one query, newest first)."""
    qs = ProgressReport.objects.filter(plan=plan.code)
    if department is not None:
        qs = qs.filter(department=department)
    result: dict[tuple[str, str], Any] = {}
    for r in qs.order_by("-year", "-quarter").only(
            "task", "department", "year", "quarter", "percent", "text", "submitted_at",
            "evidence", "figures"):
        result.setdefault((r.task, r.department), r)
    return result


def unreported(plan: TaskPlan, year: int, quarter: int) -> dict[str, int]:
    """Lead department → how many of its tasks running in ``year`` lack a report for the
    quarter (from one aggregate)."""
    done = set(ProgressReport.objects.filter(plan=plan.code, year=year, quarter=quarter)
               .values_list("task", "department"))
    result: dict[str, int] = defaultdict(int)
    for t in plan.tasks:
        if t.runs_in(year):
            for d in t.lead:
                result[d] += (t.code, d) not in done
    return dict(result)


@dataclass
class Row:
    task: Task
    department: str
    standing: rules.Standing
    report: Any  # the latest ProgressReport or None


@dataclass
class DepartmentSummary:
    department: str
    rows: list[Row] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.standing.status == status for r in self.rows)

    @property
    def overdue(self) -> int:
        return self.count(rules.OVERDUE)

    @property
    def lagging(self) -> int:
        return self.count(rules.LAGGING)

    @property
    def on_track(self) -> int:
        return self.count(rules.ON_TRACK)


def rows_for(plan: TaskPlan, today: dt.date, department: str | None = None,
             *, lead_only: bool = True) -> list[Row]:
    reports = latest(plan, department)
    rows = []
    for t in plan.tasks:
        departments = t.lead if lead_only else t.departments
        for d in departments:
            if department is not None and d != department:
                continue
            report = reports.get((t.code, d))
            rows.append(Row(t, d, rules.standing(
                start=t.start, end=t.end, today=today,
                last_percent=report.percent if report else None,
                last_reported=(report.year, report.quarter) if report else None), report))
    return rows


def supervision(plan: TaskPlan, today: dt.date) -> list[DepartmentSummary]:
    """Every lead department with its tasks' standing, those with overdue or lagging
    tasks first (督查)."""
    by_department: dict[str, DepartmentSummary] = {}
    for row in rows_for(plan, today):
        by_department.setdefault(row.department, DepartmentSummary(row.department)).rows.append(row)
    return sorted(by_department.values(),
                  key=lambda s: (-(s.overdue + s.lagging), plan.departments.index(s.department)))


def totals(summaries: list[DepartmentSummary]) -> dict[str, int]:
    rows = [r for s in summaries for r in s.rows]
    return {"tasks": len(rows), "overdue": sum(r.standing.status == rules.OVERDUE for r in rows),
            "lagging": sum(r.standing.status == rules.LAGGING for r in rows),
            "on_track": sum(r.standing.status == rules.ON_TRACK for r in rows)}


def reports_count(plan: TaskPlan) -> dict[tuple[int, int], int]:
    """Reports per quarter (for the bulletin's summary line)."""
    return {(r["year"], r["quarter"]): r["n"] for r in
            ProgressReport.objects.filter(plan=plan.code).values("year", "quarter")
            .annotate(n=Count("id"))}


def report_section(plan_code: str, year: int) -> dict[str, Any] | None:
    """The tasks' standing for the evaluation report of ``year`` (中期/末期评估): as at the day
    after the year's last report was due (or today, if earlier), by lead department."""
    try:
        plan = tasks.load(plan_code)
    except KeyError:
        return None
    on = min(clock.today(), rules.due_date(year, 4) + dt.timedelta(days=1))
    summaries = supervision(plan, on)
    return {"on": on, "totals": totals(summaries), "reports": sum(
                n for (y, _q), n in reports_count(plan).items() if y <= year),
            "departments": [{"department": s.department, "tasks": len(s.rows),
                             "on_track": s.on_track, "lagging": s.lagging,
                             "overdue": s.overdue} for s in summaries]}
