"""Search and filtering of the person list, on top of the scoped queryset.

Every condition is index-friendly at a million rows: name prefix (B-tree with
``varchar_pattern_ops`` on PostgreSQL), exact resident ID and exact certificate number
(both through their blind indexes: the values are encrypted, core/encrypted.py), and
region ranges on the village code. What the masked lists show, the last four characters
of the resident ID (``**************1234``), is kept in clear in ``resident_id_tail``;
an expression index (``Person.Meta.indexes``) serves the given name without a
one-character surname ("强霞" finds 王强霞). A prefix of an ID cannot be searched: only
whole values have an index, by design.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.lookups import Exact

from canlian.accounts import scoping
from canlian.certificates.numbers import looks_like_certificate_number
from canlian.core import crypto

from .expressions import GivenName
from .idnumber import normalise
from .models import Person

GIVEN_NAME = GivenName()


def search_q(text: str) -> Q:
    """The condition for what was typed in the search box: certificate number, full ID,
    mobile number, the ID's last four characters, or a name (full name prefix, or the
    given name after a one-character surname). Part of an ID finds nobody (encrypted)."""
    text = text.strip()
    if not text:
        return Q()
    compact = normalise(text)
    if looks_like_certificate_number(compact):
        return Q(certificate_number=compact)
    if re.fullmatch(r"\d{17}[\dX]", compact):
        return Q(resident_id=compact)
    if re.fullmatch(r"1\d{10}", compact):  # a mobile number: exact, through its blind index
        index = crypto.blind_index(compact, "phone")
        return Q(phone_index=index) | Q(guardian_phone_index=index)
    if re.fullmatch(r"\d{6,17}X?", compact):
        return Q(pk__in=[])
    if re.fullmatch(r"\d{3}[\dX]", compact):
        return Q(resident_id_tail=compact)
    return Q(name__startswith=text) | Q(Exact(GIVEN_NAME, text))


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
        qs = qs.filter(scoping.within(township, "village__code"))
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("grade"):
        qs = qs.filter(grade=params["grade"])
    if params.get("household_type"):
        qs = qs.filter(household_type=params["household_type"])
    if params.get("status"):
        qs = qs.filter(life_status=params["status"])
    return qs
