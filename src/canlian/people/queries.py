"""Search and filtering of the person list, on top of the scoped queryset.

Every condition is index-friendly at a million rows: name prefix (B-tree with
``varchar_pattern_ops`` on PostgreSQL), exact or prefix resident ID, exact
certificate number, and region ranges on the village code.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from canlian.certificates.numbers import looks_like_certificate_number

from .idnumber import normalise
from .models import Person


def search_q(text: str) -> Q:
    text = text.strip()
    if not text:
        return Q()
    compact = normalise(text)
    if looks_like_certificate_number(compact):
        return Q(certificate_number=compact)
    if re.fullmatch(r"\d{17}[\dX]", compact):
        return Q(resident_id=compact)
    if re.fullmatch(r"\d{6,17}X?", compact):
        return Q(resident_id__startswith=compact)
    return Q(name__startswith=text)


def filter_people(qs: QuerySet[Person], params: dict[str, Any], *,
                  within: Any = None) -> QuerySet[Person]:
    """Apply the cleaned filter form's values to an already scoped queryset (``within``:
    the region it is scoped to, when there is one)."""
    if params.get("q"):
        qs = qs.filter(search_q(params["q"]))
    village = params.get("village")
    township = params.get("township")
    if village is not None:
        qs = qs.filter(village_id=village.code)
    elif township is not None:
        qs = qs.filter(village__code__range=township.code_range)
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("grade"):
        qs = qs.filter(grade=params["grade"])
    if params.get("household_type"):
        qs = qs.filter(household_type=params["household_type"])
    if params.get("status"):
        qs = qs.filter(life_status=params["status"])
    return qs
