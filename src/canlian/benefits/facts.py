"""Assembling a person's eligibility facts from the database (the bridge to the pure rules).

``eligibility.decide`` reads only a ``Facts``; this module is the one place that reads
persons, households, certificates and declared facts to build it, for one person or, for
the monthly roll, for many at once from ``values()`` rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from canlian.care.queries import in_institutional_care
from canlian.certificates.models import Certificate
from canlian.regions.models import Deployment

from . import rulesets
from .eligibility import Facts
from .models import DeclaredFacts


@lru_cache(maxsize=8)
def _ruleset(code: str) -> rulesets.RuleSet:
    return rulesets.load_shipped(code)


def ruleset_for(deployment: Deployment | None = None) -> rulesets.RuleSet:
    deployment = deployment or Deployment.current()
    if deployment is None:
        raise LookupError("no deployment is configured")
    return _ruleset(deployment.code)


def has_ruleset(deployment: Deployment | None = None) -> bool:
    deployment = deployment or Deployment.current()
    return deployment is not None and deployment.code in rulesets.available()


def certificate_on(person_id: int, on: dt.date) -> tuple[str, dt.date | None, int | None,
                                                          int | None]:
    """(status, valid_until, category, grade) of the person's certificate on a date."""
    certificate = (Certificate.objects.filter(person_id=person_id, issue_date__lte=on)
                   .order_by("-issue_date", "-id").first())
    if certificate is None:
        return "none", None, None, None
    status = certificate.status
    if status in ("replaced", "cancelled", "expired") and certificate.ended_on and \
            certificate.ended_on > on:
        status = "issued"  # it ended later: on that date it was still valid
    return status, certificate.valid_until, certificate.category, certificate.grade


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def declared(source: DeclaredFacts | dict[str, Any]) -> dict[str, Any]:
    get = source.get if isinstance(source, dict) else lambda k, d=None: getattr(source, k, d)
    return {
        "needs_long_term_care": bool(get("needs_long_term_care", False)),
        "care_months": get("care_months"),
        "institutional_care": bool(get("institutional_care", False)),
        "own_income": _money(get("own_income")),
        "hukou_in_region": bool(get("hukou_in_region", True)),
        "work_injury_care_allowance": bool(get("work_injury_care_allowance", False)),
        "orphan_basic_living": bool(get("orphan_basic_living", False)),
        "other_allowances": {k: Decimal(str(v)) for k, v in (get("other_allowances") or {}).items()},
    }


def facts_for(person: Any, on: dt.date, source: DeclaredFacts | dict[str, Any] | None = None
              ) -> Facts:
    """The Facts of one person on a date, with declared facts from an application or grant."""
    status, valid_until, category, grade = certificate_on(person.pk, on)
    household = person.household
    alive = person.death_date is None or person.death_date > on
    return Facts(
        birth_date=person.birth_date, alive=alive, certificate_status=status,
        certificate_valid_until=valid_until, category=category, grade=grade,
        household_type=household.household_type if household else "ordinary",
        household_income_per_capita=_money(household.monthly_income_per_capita)
        if household else None,
        **{**declared(source or {}), "institutional_care": institutional_care(person.pk, on)},
    )


def institutional_care(person_id: int, on: dt.date) -> bool:
    """Whether an approved institution cares for the person on ``on``, from the care
    placement record (care app), whatever the application says."""
    return person_id in in_institutional_care(on, persons=[person_id])


def facts_from_row(row: dict[str, Any], on: dt.date) -> Facts:
    """Facts from a set-based ``values()`` row (see ``rolls.grant_rows``)."""
    valid_until = row["cert_valid_until"]
    status = row["cert_status"] or "none"
    if status == "issued" and valid_until is not None and valid_until < on:
        status = "expired"
    ended = row.get("cert_ended_on")
    if status in ("cancelled", "expired", "replaced") and ended and ended > on:
        status = "issued"
    death = row["death_date"]
    return Facts(
        birth_date=row["birth_date"], alive=death is None or death > on,
        certificate_status=status, certificate_valid_until=valid_until,
        category=row["cert_category"], grade=row["cert_grade"],
        household_type=row["household_type"] or "ordinary",
        household_income_per_capita=_money(row["income"]),
        **declared(row),
    )
