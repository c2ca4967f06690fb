"""The province's one write: collecting its cities' aggregates (汇聚采集)."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.db import transaction

from canlian.core import clock

from . import checks
from .cities import City, Province, read
from .models import CityExport


class NotProvince(Exception):
    """The instance is not in province mode, or has no cities file."""


def province() -> Province:
    if settings.CANLIAN_MODE != "province":
        raise NotProvince("CANLIAN_MODE is not province")
    if not settings.CANLIAN_PROVINCE_CITIES:
        raise NotProvince("CANLIAN_PROVINCE_CITIES names no cities file")
    return read(settings.CANLIAN_PROVINCE_CITIES)


def _fetch(session: requests.Session, city: City, year: int) -> tuple[Any, str]:
    """(document, "") or (None, the reason it could not be had)."""
    url = f"{city.url}/api/v1/aggregates/{city.plan}/{year}"
    try:
        answer = session.get(url, headers={"Authorization": f"Bearer {city.key}"},
                             timeout=settings.CANLIAN_PROVINCE_TIMEOUT)
    except requests.RequestException as exc:
        return None, f"unreachable: {type(exc).__name__}"[:300]
    if answer.status_code != 200:
        return None, f"HTTP {answer.status_code}: {answer.text[:200]}"
    try:
        return answer.json(), ""
    except ValueError:
        return None, "not JSON"


def collect(only: str | None = None) -> dict[str, Any]:
    """Ask every city (or the one named ``only``) for each configured year's aggregates
    and store each answer with the time; returns counts for the job's status page."""
    config = province()
    now = clock.now()
    received = failed = flagged = 0
    with requests.Session() as session:
        for city in config.cities:
            if only and city.code != only:
                continue
            fetched = {year: _fetch(session, city, year) for year in city.years}
            with transaction.atomic():
                rows = []
                for year, (document, error) in fetched.items():
                    first = (CityExport.objects.filter(city=city.code, plan=city.plan, year=year,
                                                       ok=True, frozen=True)
                             .order_by("collected_at").values_list("document", flat=True)
                             .first())
                    problems = [] if document is None else checks.check(document, city.plan,
                                                                         year, first)
                    usable = document is not None and checks.readable(document)
                    rows.append(CityExport(
                        city=city.code, plan=city.plan, year=year, collected_at=now,
                        ok=usable, error=error or ("" if usable else "unknown format"),
                        document=document if usable else None,
                        frozen=bool(usable and document.get("frozen")), problems=problems))
                    received += usable
                    failed += not usable
                    flagged += bool(problems)
                CityExport.objects.bulk_create(rows)
    return {"received": received, "failed": failed, "with_problems": flagged}
