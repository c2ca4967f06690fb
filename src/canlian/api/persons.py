"""/api/v1/persons: search, read, create, update; incremental sync by update time."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from pydantic import Field

from canlian.accounts import scoping
from canlian.people import actions, idnumber
from canlian.people.models import Person
from canlian.people.queries import search_q
from canlian.privacy.queries import shareable
from canlian.regions.models import Region

from .auth import audit_read, need
from .errors import ApiError
from .paging import CURSOR_PATTERN, MAX_LIMIT, cursor_page, since
from .schemas import Error, PersonIn, PersonOut, PersonPage

router = Router(tags=["persons"])


class PersonFilter(Schema):
    q: str | None = None
    updated_since: dt.datetime | None = None
    cursor: str | None = Field(None, pattern=CURSOR_PATTERN)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


@router.get("", response={200: PersonPage, 401: Error, 403: Error, 422: Error})
def list_persons(request: HttpRequest, filters: Query[PersonFilter]) -> dict:
    """Persons in the client's region, ordered by update time for incremental sync."""
    user = need(request, "persons:read")
    qs = shareable(user, scoping.people_for(user))  # consent-based departments: consenting only
    if filters.q:
        qs = qs.filter(search_q(filters.q))
    if filters.updated_since:
        qs = qs.filter(updated_at__gt=since(filters.updated_since))
    page = cursor_page(qs, filters.cursor, filters.limit)
    audit_read(request, [p.id for p in page["results"]], "接口读取残疾人名单")
    page["results"] = [{
        "id": p.id, "resident_id_masked": idnumber.mask(p.resident_id), "name": p.name,
        "village": p.village_id, "category": p.category, "grade": p.grade,
        "life_status": p.life_status, "updated_at": p.updated_at} for p in page["results"]]
    return page


@router.get("/{person_id}", response={200: PersonOut, 401: Error, 403: Error, 404: Error})
def get_person(request: HttpRequest, person_id: int) -> Person:
    user = need(request, "persons:read")
    person = get_object_or_404(shareable(user, scoping.people_for(user)).select_related(
        "household"), pk=person_id)
    actions.record_view(user, person, request)
    return person


def _data(payload: PersonIn) -> actions.PersonData:
    village = Region.objects.filter(code=payload.village, level="village").first()
    if village is None:
        raise ApiError(422, "invalid", gettext("Unknown village code"), "village")
    try:
        idnumber.validate(payload.resident_id)
    except idnumber.ResidentIdError as exc:
        raise ApiError(422, "invalid", exc.message, "resident_id") from None
    if payload.guardian_resident_id:
        try:
            idnumber.validate(payload.guardian_resident_id)
        except idnumber.ResidentIdError as exc:
            raise ApiError(422, "invalid", exc.message, "guardian_resident_id") from None
    return actions.PersonData(
        resident_id=payload.resident_id, name=payload.name, village=village,
        ethnicity=payload.ethnicity, phone=payload.phone, address=payload.address,
        household_number=payload.household_number, household_type=payload.household_type,
        guardian_name=payload.guardian_name, guardian_resident_id=payload.guardian_resident_id)


def _conflict(exc: ValidationError) -> ApiError:
    field, messages = next(iter(exc.message_dict.items()))
    status = 409 if field == "resident_id" and "已" in messages[0] else 422
    return ApiError(status, "conflict" if status == 409 else "invalid", messages[0], field)


@router.post("", response={201: PersonOut, 401: Error, 403: Error, 409: Error, 413: Error,
                           422: Error})
def create_person(request: HttpRequest, payload: PersonIn) -> tuple[int, Person]:
    user = need(request, "persons:write")
    try:
        person = actions.create_person(user, _data(payload), request)
    except ValidationError as exc:
        raise _conflict(exc) from None
    return 201, person


@router.put("/{person_id}", response={200: PersonOut, 401: Error, 403: Error, 404: Error,
                                      409: Error, 413: Error, 422: Error})
def update_person(request: HttpRequest, person_id: int, payload: PersonIn) -> Person:
    user = need(request, "persons:write")
    person = get_object_or_404(scoping.people_for(user), pk=person_id)
    try:
        return actions.update_person(user, person, _data(payload), request)
    except ValidationError as exc:
        raise _conflict(exc) from None
