"""/api/v1/feeds/*: batch endpoints for other departments' data."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router

from . import feeds
from .auth import need
from .errors import ApiError
from .schemas import DeathIn, Error, FeedReport, HouseholdIn, InsuranceIn

router = Router(tags=["feeds"])
RESPONSES = {200: FeedReport, 401: Error, 403: Error, 413: Error, 422: Error}


def _run(request: HttpRequest, feed: str, items: list) -> dict:
    user = need(request, "feeds:write")
    if len(items) > feeds.MAX_BATCH:
        raise ApiError(413, "too_large", gettext("At most %(count)s records a batch")
                       % {"count": feeds.MAX_BATCH}, None)
    return feeds.run(user, feed, [item.dict() for item in items])


@router.post("/deaths", response=RESPONSES)
def deaths(request: HttpRequest, items: list[DeathIn]) -> dict:
    """Death records: each cancels the certificate and stops payments and services."""
    return _run(request, "deaths", items)


@router.post("/households", response=RESPONSES)
def households(request: HttpRequest, items: list[HouseholdIn]) -> dict:
    """Household status (低保 / 低保边缘 / 特困 / ordinary) from civil affairs."""
    return _run(request, "households", items)


@router.post("/insurance", response=RESPONSES)
def insurance(request: HttpRequest, items: list[InsuranceIn]) -> dict:
    """Pension and medical insurance enrolment for a year, from human resources."""
    return _run(request, "insurance", items)
