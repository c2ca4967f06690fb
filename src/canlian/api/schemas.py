"""Request and response shapes of the API (the OpenAPI schema is generated from these)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext
from ninja import Schema
from pydantic import BeforeValidator, Field, field_validator

from canlian.core import text
from canlian.people.idnumber import mask


class In(Schema):
    """Every request body: no text field may hold control, bidirectional-override or
    zero-width characters (core/text.py); the error names the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            reason = text.check(value)
            if reason:
                raise ValueError(reason)
        return value


def _iso_date(value: Any) -> Any:
    """A calendar date written ``YYYY-MM-DD``: not a number of seconds (``0`` had been read
    as 1970-01-01), nor a date-time."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(gettext("A date is written YYYY-MM-DD"))
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Error(Schema):
    code: str
    message: str
    field: str | None = None


class PersonOut(Schema):
    id: int
    resident_id: str
    name: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    phone: str
    address: str
    village: str = Field(..., alias="village_id")
    household_type: str | None = None
    category: int | None
    grade: int | None
    certificate_number: str | None
    life_status: str
    death_date: dt.date | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_household_type(obj: object) -> str | None:
        household = getattr(obj, "household", None)
        return household.household_type if household else None


def page_of(item: type[Schema]) -> type[Schema]:
    """The cursor-paged list shape of ``item`` (``count``, ``next_cursor``, ``results``)."""
    return type(f"{item.__name__.removesuffix('Out')}Page", (Schema,), {
        "__annotations__": {"count": int, "next_cursor": str | None, "results": list[item]},  # type: ignore[valid-type]
        "__module__": __name__,
    })


class PersonListItem(Schema):
    id: int
    resident_id_masked: str
    name: str
    village: str
    category: int | None
    grade: int | None
    life_status: str
    updated_at: dt.datetime


PersonPage = page_of(PersonListItem)


class PersonIn(In):
    resident_id: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=50)
    village: str = Field(..., pattern=r"^\d{12}$")
    ethnicity: str = Field("01", pattern=r"^\d{2}$")
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    household_number: str = Field("", max_length=32)
    household_type: str = Field("ordinary", pattern=r"^(ordinary|dibao|dibao_edge|tekun)$")
    guardian_name: str = Field("", max_length=50)
    guardian_resident_id: str = Field("", max_length=20)


class CertificateOut(Schema):
    id: int
    number: str = Field(..., description="masked: the number contains the holder's resident ID")
    person_id: int
    category: int
    grade: int
    issue_date: dt.date
    valid_until: dt.date
    status: str

    @staticmethod
    def resolve_number(obj: Any) -> str:
        return mask(obj["number"] if isinstance(obj, dict) else obj.number)


class VerifyIn(In):
    number: str = Field(..., pattern=r"^\d{17}[\dXx][1-7][1-4](B[1-9])?$")


class Verification(Schema):
    """A field a key's scopes do not release is left out (api.models.VERIFY_FIELDS)."""

    number: str = Field(..., description="masked: the number contains the holder's resident ID")
    valid: bool | None = None
    status: str | None = None
    reason: str | None = None
    category: int | None = None
    grade: int | None = None
    valid_until: dt.date | None = None


class ApplicationOut(Schema):
    id: int
    person_id: int
    kind: str = Field(..., description="certificate application kind, or the subsidy")
    state: str
    applied_on: dt.date
    updated_at: dt.datetime


class GrantOut(Schema):
    id: int
    person_id: int
    subsidy: str
    status: str
    start_month: dt.date
    end_month: dt.date | None
    updated_at: dt.datetime


class SurveyOut(Schema):
    id: int
    person_id: int
    year: int
    pension_insured: bool
    medical_insured: bool
    employment_status: str
    rehab_need: bool
    device_need: bool
    care_need: str
    home_accessibility_need: bool
    updated_at: dt.datetime


class ServiceOut(Schema):
    id: int
    person_id: int
    service_type: str = Field(..., description="code of the service type")
    start_date: dt.date
    end_date: dt.date | None
    cost: Decimal
    subsidy: Decimal
    updated_at: dt.datetime

    @staticmethod
    def resolve_service_type(obj: Any) -> str:
        value = obj["service_type"] if isinstance(obj, dict) else obj.service_type
        return value if isinstance(value, str) else value.code


class DeathIn(In):
    resident_id: str = Field(..., max_length=20)
    death_date: IsoDate


class HouseholdIn(In):
    resident_id: str = Field(..., max_length=20)
    household_type: str = Field(..., pattern=r"^(ordinary|dibao|dibao_edge|tekun)$")


class InsuranceIn(In):
    resident_id: str = Field(..., max_length=20)
    year: int = Field(..., ge=2000, le=2100)
    pension_insured: bool | None = None
    medical_insured: bool | None = None


class FeedResult(Schema):
    index: int
    resident_id: str
    outcome: str = Field(..., description="applied | unchanged | rejected")
    code: str | None = None
    message: str | None = None


class FeedReport(Schema):
    applied: int
    unchanged: int
    rejected: int
    results: list[FeedResult]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    numerator: int | None
    denominator: int | None
    value: float | None
    baseline: str | None
    target: str
    status: str


class EmployerOut(Schema):
    id: int
    name: str
    credit_code: str
    unit_kind: str
    township: str = Field(..., alias="township_id")


class DeclarationOut(Schema):
    id: int
    employer_id: int
    year: int
    staff: Decimal
    state: str
    required: Decimal | None
    counted: Decimal | None
    payable: Decimal | None
    standing: str
    updated_at: dt.datetime


class RightsStatisticsRow(Schema):
    township: str = Field(..., description="township code")
    kind: str = Field(..., description="xinfang, legal_aid or complaint")
    received: int
    open: int
    not_accepted: int
    closed_by_outcome: dict[str, int]
    overdue: int
    supervised: int
    reopened: int
    satisfaction_asked: int
    satisfied: int
