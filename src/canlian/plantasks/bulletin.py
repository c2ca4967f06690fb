"""The supervision bulletin (督查通报): an official document the federation issues to the
committee's departments on the plan's implementation — tasks reported on time, overdue and
lagging, by lead department. Rendered as HTML (for print) and PDF (WeasyPrint), in Chinese
like the indicators' evaluation report, since it is a document of the Chinese
administration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from . import queries, rules
from .tasks import TaskPlan

STATUS_ZH = {rules.ON_TRACK: "按进度推进", rules.LAGGING: "进度滞后", rules.OVERDUE: "逾期未报",
             rules.NOT_STARTED: "未开始"}


def data(plan: TaskPlan, today: dt.date) -> dict[str, Any]:
    summaries = queries.supervision(plan, today)
    year, quarter = rules.last_due_quarter(today)
    flagged = [
        {"department": s.department, "overdue": s.overdue, "lagging": s.lagging,
         "rows": [{"code": r.task.code, "title": r.task.title, "status": STATUS_ZH[r.standing.status],
                   "expected": r.standing.expected, "reported": r.standing.reported}
                  for r in s.rows if r.standing.status in (rules.OVERDUE, rules.LAGGING)]}
        for s in summaries if s.overdue or s.lagging]
    return {"plan": plan, "today": today, "year": year, "quarter": quarter,
            "due": rules.due_date(year, quarter), "totals": queries.totals(summaries),
            "summaries": [{"department": s.department, "tasks": len(s.rows), "on_track": s.on_track,
                           "lagging": s.lagging, "overdue": s.overdue} for s in summaries],
            "flagged": flagged, "lag_points": rules.LAG_POINTS,
            "generated": timezone.localtime()}


def html(d: dict[str, Any]) -> str:
    return render_to_string("plantasks/bulletin.html", d)


def pdf(d: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(d)).write_pdf()
