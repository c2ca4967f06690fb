"""The two subsidies' figures as the programme engine shows them (“1+X” 项目统计): per
subsidy and township, the year's pre-filled applications (the offers), applications,
approvals and refusals, and the persons paid and the amount from the monthly roll's
ledger (``ledger.paid_lines``: finalised, positive, outstanding — the one definition of
"paid"). Read here so the engine never holds a second copy of the subsidy workflow;
``programmes.queries.figures`` and ``monthly`` add these rows to the programmes'.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from canlian.accounts import scoping
from canlian.regions.models import Region

from . import ledger
from .models import SubsidyApplication

_STATES = {"offered": Q(state="prefilled"), "applied": ~Q(state="prefilled"),
           "approved": Q(state="approved"), "refused": Q(state="rejected")}


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def by_township(user: Any, year: int) -> list[dict[str, Any]]:
    """[{subsidy, township, offered, applied, approved, refused, paid, amount}] of the
    user's region in ``year`` (applications by the day applied, payments by the month
    paid for)."""
    first, last = _year(year)
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def row(subsidy: str, town: str | None) -> dict[str, Any]:
        return rows.setdefault((subsidy, town or ""), {
            "subsidy": subsidy, "township": town or "", "offered": 0, "applied": 0,
            "approved": 0, "refused": 0, "paid": 0, "amount": Decimal(0)})

    applications: Any = (
        SubsidyApplication.objects.filter(scoping.region_q(user, "village__code"),
                                          applied_on__range=(first, last))
        .values("subsidy", "village__parent__name")
        .annotate(**{k: Count("id", filter=q) for k, q in _STATES.items()}).order_by())
    for a in applications:
        target = row(a["subsidy"], a["village__parent__name"])
        for k in _STATES:
            target[k] += a[k]
    towns = _townships(user)
    paid: Any = (ledger.paid_lines(first, last).filter(scoping.region_q(user, "village_code"))
                 .values("subsidy", "village_code")
                 .annotate(total=Sum("amount"), persons=Count("person_id", distinct=True))
                 .order_by())
    for p in paid:
        target = row(p["subsidy"], towns.get(p["village_code"], ""))
        target["paid"] += p["persons"]
        target["amount"] += p["total"] or 0
    return sorted(rows.values(), key=lambda r: (r["subsidy"], r["township"]))


def by_month(user: Any, year: int, subsidy: str) -> dict[int, dict[str, Any]]:
    """{month: {applied, approved, paid, amount}} of one subsidy in ``year``."""
    first, last = _year(year)
    months: dict[int, dict[str, Any]] = {m: {"applied": 0, "approved": 0, "paid": 0,
                                             "amount": Decimal(0)} for m in range(1, 13)}
    applications: Any = (
        SubsidyApplication.objects.filter(
            scoping.region_q(user, "village__code"), subsidy=subsidy,
            applied_on__range=(first, last)).exclude(state="prefilled")
        .annotate(m=ExtractMonth("applied_on")).values("m")
        .annotate(applied=Count("id"), approved=Count("id", filter=Q(state="approved")))
        .order_by())
    for a in applications:
        months[a["m"]].update(applied=a["applied"], approved=a["approved"])
    paid: Any = (ledger.paid_lines(first, last).filter(scoping.region_q(user, "village_code"),
                                                       subsidy=subsidy)
                 .annotate(m=ExtractMonth("period")).values("m")
                 .annotate(total=Sum("amount"), persons=Count("person_id", distinct=True))
                 .order_by())
    for p in paid:
        months[p["m"]]["paid"] += p["persons"]
        months[p["m"]]["amount"] += p["total"] or 0
    return months


def _townships(user: Any) -> dict[str, str]:
    """{village code: township name} of the user's region (the ledger names the village
    by its code, without a join)."""
    return dict(Region.objects.filter(scoping.region_q(user, "code"), level="village")
                .values_list("code", "parent__name"))
