"""Rights-casework statistics for the federation's reports, set-based: cases per township,
kind, state and outcome, overdue and supervised cases, and satisfaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from . import rules
from .actions import overdue_q
from .models import Kind, Outcome


def statistics(cases: QuerySet, start: dt.date, end: dt.date, today: dt.date
               ) -> dict[str, Any]:
    """Cases received in [start, end] among ``cases`` (already scoped): one row per
    township and kind, with counts per outcome, open, overdue, supervised and satisfaction."""
    period = cases.filter(received_on__range=(start, end))
    satisfied = Q(satisfaction__in=["satisfied", "basically"])
    aggregates: dict[str, Any] = {
        "total": Count("id"),
        "open": Count("id", filter=Q(state__in=rules.OPEN)),
        "not_accepted": Count("id", filter=Q(state="not_accepted")),
        "overdue": Count("id", filter=overdue_q(today)),
        "supervised": Count("id", filter=Q(escalated_on__isnull=False)),
        "reopened": Count("id", filter=Q(reopened__gt=0)),
        "asked": Count("id", filter=~Q(satisfaction="")),
        "satisfied": Count("id", filter=satisfied),
        "on_time": Count("id", filter=Q(state="closed", closed_on__lte=F("reply_due"))),
    }
    for outcome in Outcome.values:
        aggregates[f"o_{outcome}"] = Count("id", filter=Q(state="closed", outcome=outcome))
    rows = list(period.annotate(township=Substr("village_id", 1, 9))
                .values("township", "kind").annotate(**aggregates).order_by("township", "kind"))
    kinds = dict(Kind.choices)
    totals: dict[str, Any] = dict.fromkeys(aggregates, 0)
    for row in rows:
        row["township"] += "000"
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["outcomes"] = [row[f"o_{o}"] for o in Outcome.values]
        row["satisfaction_rate"] = rules.satisfaction_rate(row["satisfied"], row["asked"])
        for key in aggregates:
            totals[key] += row[key]
    totals["outcomes"] = [totals[f"o_{o}"] for o in Outcome.values]
    totals["satisfaction_rate"] = rules.satisfaction_rate(totals["satisfied"], totals["asked"])
    return {"rows": rows, "totals": totals, "outcomes": [str(label) for _, label in
                                                         Outcome.choices]}


def by_state(cases: QuerySet) -> dict[str, int]:
    return dict(cases.values_list("state").annotate(n=Count("id")).order_by())
