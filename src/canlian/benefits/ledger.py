"""The payment ledger's definitions (发放台账): what counts as paid, what is still owed back.

The ledger is the set of roll lines. A *payment* is a line of a paying kind (regular,
arrears, re-issue); it is *outstanding* while it is not failed at the bank and not taken
back by a finalised recovery. The database holds at most one outstanding payment per
person, subsidy and month (the ``never_pay_twice`` unique index), whatever grants,
re-issues or corrections lie behind it; everything here reads the ledger through that
one notion, so the roll, its precision checks, the indicators' paid persons
(``paid_lines``) and the whole-history audit (``double_payments``) cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from canlian.accounts import scoping
from canlian.regions.models import Region

from .models import PAYING_KINDS, Grant, LineKind, PaymentStatus, RollLine, RollStatus

Key = tuple[int, str, dt.date]  # (person, subsidy, month)


@dataclass(frozen=True)
class Payment:
    """An outstanding payment of a month: the line and the grant it was made under."""

    line_id: int
    grant_id: int
    amount: Decimal


def outstanding_q() -> Q:
    """Lines that pay a month and still stand (not failed, not recovered)."""
    return (Q(kind__in=PAYING_KINDS) & ~Q(payment_status=PaymentStatus.FAILED)
            & Q(recovered_by__isnull=True))


def paid_lines(first: dt.date, last: dt.date) -> QuerySet[RollLine]:
    """Payments made for the months ``first``–``last``: finalised, positive, outstanding.
    The one definition of "paid"; the indicators read its per-year summary
    (``paid_years``)."""
    return RollLine.objects.filter(outstanding_q(), period__range=(first, last),
                                   roll__status=RollStatus.FINALISED, amount__gt=0)


def finalised_in(region: Region | tuple[str, str]) -> QuerySet[RollLine]:
    return RollLine.objects.filter(scoping.within(region, "village_code"),
                                   roll__status=RollStatus.FINALISED)


def _of_persons(lines: QuerySet[RollLine], persons: Any) -> QuerySet[RollLine]:
    """The lines of ``persons`` (ids or a subquery), found through their grants: the ledger's
    grant index serves it, where a person filter would read every line."""
    return lines.filter(grant_id__in=Grant.objects.filter(person_id__in=persons).values("id"))


def outstanding(region: Region | tuple[str, str], persons: Any = None) -> dict[Key, Payment]:
    """The outstanding finalised payment of each (person, subsidy, month) of the region, for
    ``persons`` (ids or a subquery) or everyone."""
    lines = finalised_in(region).filter(outstanding_q())
    if persons is not None:
        lines = _of_persons(lines, persons)
    return {(r["person_id"], r["subsidy"], r["period"]): Payment(r["id"], r["grant_id"],
                                                                 r["amount"])
            for r in lines.values("id", "person_id", "subsidy", "period", "grant_id", "amount")}


def failed(region: Region | tuple[str, str], persons: Any = None) -> set[Key]:
    """(person, subsidy, month) with a failed finalised payment: paying it again is a
    re-issue (重发)."""
    lines = finalised_in(region).filter(payment_status=PaymentStatus.FAILED,
                                            kind__in=PAYING_KINDS)
    if persons is not None:
        lines = _of_persons(lines, persons)
    return set(lines.values_list("person_id", "subsidy", "period"))


def settle_recoveries(roll_id: int) -> list[int]:
    """A roll with recovery lines was finalised: mark the payments they take back as
    recovered, so those months may be paid again if they become due again. Returns the ids
    of the recovered payments. One statement; the unique index guarantees at most one
    outstanding payment per recovery's month."""
    table = RollLine._meta.db_table
    paying = ", ".join(f"'{k}'" for k in PAYING_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT r.id, o.id FROM {table} r JOIN {table} o
              ON o.period = r.period AND o.person_id = r.person_id AND o.subsidy = r.subsidy
            WHERE r.roll_id = %s AND r.kind = '{LineKind.RECOVERY}' AND o.roll_id <> %s
              AND o.kind IN ({paying}) AND o.payment_status <> 'failed'
              AND o.recovered_by IS NULL""", [roll_id, roll_id])  # noqa: S608
        pairs = cursor.fetchall()
    for recovery_id, payment_id in pairs:
        RollLine.objects.filter(pk=payment_id).update(recovered_by=recovery_id)
    return [payment_id for _, payment_id in pairs]


def double_payments(region: Region | tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """Every (person, subsidy, month) with more than one outstanding payment, over the whole
    history. Always empty while the unique index stands; ``canlian subsidies audit`` asks
    anyway, so a ledger restored without its constraints, or written around them, is
    caught (one grouped pass over the ledger: seconds at a million persons)."""
    lines = RollLine.objects.filter(outstanding_q())
    if region is not None:
        lines = lines.filter(scoping.within(region, "village_code"))
    groups = (lines.values("person_id", "subsidy", "period").order_by()
              .annotate(n=Count("id"), first=Min("id"), last=Max("id"), payee=Max("payee"),
                        village_code=Max("village_code"), amount=Sum("amount"))
              .filter(n__gt=1).order_by("person_id", "subsidy", "period"))
    return [{**g, "detail": f"{g['n']} 笔（流水号 {g['first']} … {g['last']}）"} for g in groups]


def paid_twice_by(roll_id: int) -> list[dict[str, Any]]:
    """The lines of a roll that pay a month already paid (in this roll or any other, over
    the whole history): the precision check. The other payments are read only for the
    months the roll pays, through the ledger's period index."""
    table = RollLine._meta.db_table
    paying = ", ".join(f"'{k}'" for k in PAYING_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT l.id, l.person_id, l.subsidy, l.period, l.amount, l.payee, l.village_code,
                   o.id
            FROM {table} l JOIN {table} o
              ON o.period = l.period AND o.person_id = l.person_id AND o.subsidy = l.subsidy
             AND o.id <> l.id
            WHERE l.roll_id = %s AND l.kind IN ({paying}) AND l.payment_status <> 'failed'
              AND l.recovered_by IS NULL
              AND o.period IN (SELECT DISTINCT period FROM {table} WHERE roll_id = %s)
              AND o.kind IN ({paying}) AND o.payment_status <> 'failed'
              AND o.recovered_by IS NULL
            ORDER BY l.person_id, l.subsidy, l.period, o.id""",  # noqa: S608
                       [roll_id, roll_id])
        rows = cursor.fetchall()
    found: dict[int, dict[str, Any]] = {}
    for line_id, person_id, subsidy, period, amount, payee, village, other in rows:
        entry = found.setdefault(line_id, {
            "id": line_id, "person_id": person_id, "subsidy": subsidy,
            "period": _date(period), "amount": amount, "payee": payee,
            "village_code": village, "others": []})
        entry["others"].append(other)
        entry["detail"] = "已发放：" + "、".join(f"流水号 {o}" for o in entry["others"])
    return list(found.values())


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
