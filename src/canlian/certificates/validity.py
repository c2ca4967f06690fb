"""Holding a valid certificate on a date (持证): the one definition every figure uses.

A certificate is valid on day *d* when it had been issued by then (``issue_date ≤ d``),
had not yet run out (``d ≤ valid_until``), and had not been ended earlier by a
replacement, cancellation or transfer (``ended_on > d`` for those). An expired
certificate keeps its interval: it was valid up to ``valid_until``. Because a renewal,
change or reissue ends the old card on the day the new one is issued, at most one
certificate of a person is valid on any day, and its category and grade are the
person's on that day. Expiry does not clear the number on the person's read model
(``Person.certificate_number``), so that column never answers "certified on *d*".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

# For a SQL join on certificates ``c`` and a date expression (a column or a parameter).
SQL = ("c.issue_date <= {d} AND c.valid_until >= {d} "
       "AND (c.status IN ('issued', 'expired') OR c.ended_on > {d})")


def sql(on: str) -> str:
    """The validity condition on alias ``c`` for the SQL date expression ``on``."""
    return SQL.format(d=on)


def valid_q(on: Any, prefix: str = "") -> Q:
    """The condition on Certificate (or on ``prefix`` + its fields) for validity on ``on``
    (a date, or an ``F``/``OuterRef`` expression)."""
    p = prefix
    return (Q(**{f"{p}issue_date__lte": on, f"{p}valid_until__gte": on})
            & (Q(**{f"{p}status__in": ["issued", "expired"]}) | Q(**{f"{p}ended_on__gt": on})))


def valid_on(on: Any, person: Any = None) -> QuerySet:
    """Certificates valid on ``on``; of one person (a pk or ``OuterRef``) when given."""
    from .models import Certificate

    qs = Certificate.objects.filter(valid_q(on))
    return qs if person is None else qs.filter(person=person)


def held(on: Any, person_ref: str = "pk") -> Exists:
    """EXISTS: the outer row's person (``person_ref``) held a valid certificate on ``on``."""
    return Exists(valid_on(on, OuterRef(person_ref)))


def of_person(person_id: int, on: dt.date) -> tuple[int, int] | None:
    """(category, grade) of the person's certificate valid on ``on``, or None."""
    found = valid_on(on, person_id).order_by("-issue_date", "-id").values_list(
        "category", "grade").first()
    return tuple(found) if found else None
