"""/api/v1/aggregates/{plan}/{year}: a city's figures for its province (省级汇聚).

A versioned document of counts only (``FORMAT`` version ``VERSION``): the plan's
indicators for the year with every township's numerator and denominator (the frozen
figures as reported when the year is frozen, computed now otherwise), and the living
certified persons per township. No names, resident IDs or any row about a person. The
key must cover the whole deployment: the province checks the deployment's total against
the sum of its townships, so a township's key would send half a city.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Path as PathParam
from ninja import Router

from canlian.accounts import scoping
from canlian.core import clock
from canlian.indicators import engine, plans
from canlian.indicators.models import FrozenYear
from canlian.regions.models import Deployment, Region

from .auth import need
from .errors import ApiError
from .schemas import Error

FORMAT = "canlian-aggregates"
VERSION = 1

router = Router()


def _figures(figures: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("numerator", "denominator", "value")
    return [{"code": i["code"], "name": i["name"], "unit": i["unit"],
             **{k: i.get(k) for k in keep},
             "townships": [{"code": t["code"], "name": t["name"], **{k: t.get(k) for k in keep}}
                           for t in i.get("townships", [])]}
            for i in figures["indicators"]]


def _persons(user: Any, region: Region) -> dict[str, Any]:
    rows = (scoping.people_for(user)
            .filter(life_status="alive", certificate_number__isnull=False)
            .annotate(township=Substr("village_id", 1, 9))
            .values("township").annotate(n=Count("id")).order_by("township"))
    per = Counter({f"{r['township']}000": r["n"] for r in rows})
    names = dict(Region.objects.filter(scoping.within(region, "code"), level="township")
                 .values_list("code", "name"))
    return {"total": sum(per.values()),
            "townships": [{"code": code, "name": names.get(code, code), "persons": n}
                          for code, n in sorted(per.items())]}


@router.get("/aggregates/{plan_code}/{year}", tags=["indicators"],
            response={200: dict[str, Any], 401: Error, 403: Error, 404: Error, 422: Error})
def aggregates(request: HttpRequest, plan_code: str,
               year: int = PathParam(..., ge=2015, le=2100)) -> dict[str, Any]:
    """The deployment's aggregates for a year, for the province: indicators per township
    (as frozen, if the year is) and certified persons per township. Counts only."""
    user = need(request, "indicators:read")
    if plan_code not in plans.available():
        raise ApiError(404, "not_found", gettext("No plan %(code)s") % {"code": plan_code},
                       "plan_code")
    plan = plans.load(plan_code)
    if not plan.start <= year <= plan.end:
        raise ApiError(404, "not_found", gettext("The plan runs %(first)s–%(last)s")
                       % {"first": plan.start, "last": plan.end}, "year")
    deployment = Deployment.current()
    region = user.region
    if deployment is None or region is None or region.code != deployment.root.code:
        raise ApiError(403, "forbidden",
                       gettext("Aggregates need a key for the whole deployment"))
    frozen = FrozenYear.objects.filter(plan=plan.code, year=year, region=region).first()
    figures = (frozen.figures if frozen is not None
               else engine.as_json(plan, year, region, engine.compute(plan, year, region)))
    return {"format": FORMAT, "version": VERSION, "deployment": deployment.code,
            "region": region.code, "region_name": region.name, "plan": plan.code, "year": year,
            "generated_at": clock.now().isoformat(),
            "frozen": frozen is not None,
            "frozen_at": frozen.frozen_at.isoformat() if frozen is not None else None,
            "indicators": _figures(figures), "persons": _persons(user, region)}
