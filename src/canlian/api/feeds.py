"""Inbound feeds: deaths (民政/卫健), household status (民政), insurance (人社).

Each batch is processed record by record, each in its own transaction: a bad record is
rejected with its reason and the others go in. Re-sending the same batch changes nothing
(every record reports ``unchanged``). The same functions back ``canlian feed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import bulk, text
from canlian.people import idnumber
from canlian.people.actions import record_death, set_household_type
from canlian.people.models import Person
from canlian.privacy.queries import may_share
from canlian.surveys.actions import set_insurance
from canlian.surveys.models import AnnualSurvey

MAX_BATCH = 5000


class Rejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _person(user: Any, resident_id: str) -> Person:
    try:
        number = idnumber.validate(resident_id).number
    except idnumber.ResidentIdError as exc:
        raise Rejected("invalid_resident_id", exc.message) from None
    person = scoping.people_for(user).select_related("household").filter(
        resident_id=number).first()
    if person is None:
        raise Rejected("not_found", gettext("No such person in this region"))
    if not may_share(user, person.pk):  # a consent-based department, consent withdrawn
        raise Rejected("no_consent", gettext("No consent to share with your department"))
    return person


def death(user: Any, item: dict[str, Any]) -> str:
    person = _person(user, item["resident_id"])
    if person.life_status == "deceased":
        return "unchanged"
    try:
        record_death(user, person, item["death_date"], source="feed")
    except ValidationError as exc:
        raise Rejected("invalid", exc.messages[0]) from None
    return "applied"


def household(user: Any, item: dict[str, Any]) -> str:
    person = _person(user, item["resident_id"])
    changed = set_household_type(user, person, item["household_type"], summary="民政推送")
    return "applied" if changed else "unchanged"


def insurance(user: Any, item: dict[str, Any]) -> str:
    person = _person(user, item["resident_id"])
    try:
        changed = set_insurance(user, person, item["year"], {
            field: item.get(field) for field in ("pension_insured", "medical_insured")})
    except AnnualSurvey.DoesNotExist:
        raise Rejected("no_survey", gettext("The person has no survey for %(year)s")
                       % {"year": item["year"]}) from None
    return "applied" if changed else "unchanged"


FEEDS: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "deaths": death, "households": household, "insurance": insurance,
}
# The tables each feed writes most (besides the audit log), whose statistics a large batch
# refreshes (core.bulk.analyze).
FEED_TABLES = {
    "deaths": ("people_person", "certificates_certificate"),
    "households": ("people_household", "people_person"),
    "insurance": ("surveys_annualsurvey",),
}


def run(user: Any, feed: str, items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    scoping.require(user, Capability.EDIT_PEOPLE)
    handler = FEEDS[feed]
    results = []
    counts = {"applied": 0, "unchanged": 0, "rejected": 0}
    for index, item in enumerate(items):
        rid = str(item.get("resident_id", ""))
        try:
            for key, value in item.items():
                reason = text.check(value) if isinstance(value, str) else None
                if reason:
                    raise Rejected("invalid", f"{key}: {reason}")
            with transaction.atomic():
                outcome = handler(user, item)
            results.append({"index": index, "resident_id": idnumber.mask(rid),
                            "outcome": outcome})
        except Rejected as exc:
            outcome = "rejected"
            results.append({"index": index, "resident_id": idnumber.mask(rid),
                            "outcome": outcome, "code": exc.code, "message": exc.message})
        except PermissionDenied:
            raise
        counts[outcome] += 1
    bulk.analyze(*FEED_TABLES[feed], "audit_auditevent", rows=counts["applied"])
    return {**counts, "results": results}
