"""Writes of the plan monitoring, each audited: freezing a reported year, entering an
external series.

Freezing (年度数据冻结): when the federation reports a year, its figures as computed that
day are stored with who and when. They are what the mid-term and final evaluations read.
Records entered later (a late survey, a back-dated service, an arrears payment) change
the recomputation, which is shown beside the frozen figure with the difference and the
late records behind it; nothing replaces the reported figure silently.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.benefits.models import RollLine
from canlian.core import clock
from canlian.regions.models import Deployment, Region
from canlian.services.models import ServiceRecord
from canlian.surveys.models import AnnualSurvey

from . import engine, plans
from .models import ExternalValue, FrozenYear, HomeNeedSet, SurveyPlaceSet


def _federation(user: Any) -> Region:
    deployment = Deployment.current()
    if user.role != Role.FEDERATION_STAFF or deployment is None \
            or user.region_id != deployment.root_id:
        raise PermissionDenied("the federation reports and enters the deployment's figures")
    return deployment.root


@transaction.atomic
def freeze_year(user: Any, plan: plans.Plan, year: int, *, note: str = "",
                request: HttpRequest | None = None) -> FrozenYear:
    """Freeze ``year``'s figures of ``plan`` for the whole deployment, as computed now."""
    root = _federation(user)
    if not plan.start <= year <= plan.end:
        raise ValidationError({"year": f"{year} 年不在规划期 {plan.start}–{plan.end} 内 "
                                        f"({year} is outside the plan period)"})
    if year >= clock.today().year:
        raise ValidationError({"year": (gettext("%(year)s is not over yet: it can be frozen after the year "
                                                "ends")
                                         % {"year": year})})
    figures = engine.as_json(plan, year, root, engine.compute(plan, year, root))
    try:
        with transaction.atomic():
            frozen = FrozenYear.objects.create(plan=plan.code, year=year, region=root,
                                               figures=figures, frozen_by=user,
                                               frozen_at=clock.now(), note=note.strip()[:200])
    except IntegrityError:
        raise ValidationError({"year": gettext("The data of %(year)s are already frozen")
                                       % {"year": year}}) from None
    record(user=user, action=Action.CREATE, obj=frozen, request=request,
           summary=f"冻结 {plan.title} {year} 年指标数据")
    cache.clear()
    return frozen


def frozen_for(plan: plans.Plan, year: int) -> FrozenYear | None:
    """The deployment's frozen figures of ``year``, if frozen."""
    return frozen_years(plan).get(year)


def frozen_years(plan: plans.Plan) -> dict[int, FrozenYear]:
    """Every frozen year of ``plan`` for the deployment, in one query (the dashboard shows
    every year of the plan: two queries a year before)."""
    deployment = Deployment.current()
    if deployment is None:
        return {}
    return {f.year: f for f in FrozenYear.objects.filter(plan=plan.code, region=deployment.root)
            .select_related("frozen_by")}


def reported(frozen: FrozenYear, region: Region) -> dict[str, Any] | None:
    """The frozen figures as seen from ``region``: the deployment's, or one township's."""
    figures = frozen.figures
    if region.code == figures["region"]:
        return figures
    indicators = []
    for row in figures["indicators"]:
        township = next((t for t in row["townships"] if t["code"] == region.code), None)
        if township is None:
            return None
        indicators.append({**row, **{k: township[k] for k in ("numerator", "denominator",
                                                               "value", "status")},
                           "townships": []})
    return {**figures, "region": region.code, "region_name": region.name,
            "indicators": indicators}


def late_records(plan: plans.Plan, year: int, region: Region, since: dt.datetime) -> list[str]:
    """What was entered after the freeze about ``year`` (the reason figures moved)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = {
        "年度调查补录或修改": AnnualSurvey.objects.filter(
            scoping.within(region, "village__code"), year=year, updated_at__gt=since).count(),
        "补录服务记录": ServiceRecord.objects.filter(
            scoping.within(region, "village__code"), start_date__range=(first, last),
            created_at__gt=since).count(),
        "补发（冻结后定稿的发放）": RollLine.objects.filter(
            scoping.within(region, "village_code"), period__range=(first, last),
            roll__status="finalised", roll__finalised_at__gt=since).count(),
        "外部数据修改": ExternalValue.objects.filter(year=year, entered_at__gt=since).count(),
    }
    return [f"{what} {n:,} 条" for what, n in counts.items() if n]


def comparison(frozen: dict[str, Any], now: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per indicator code: the recomputed value and its difference from the frozen one."""
    current = {r["code"]: r for r in now["indicators"]}
    result = {}
    for row in frozen["indicators"]:
        later = current.get(row["code"])
        if later is None:
            continue
        changed = (later["value"], later["numerator"], later["denominator"]) != (
            row["value"], row["numerator"], row["denominator"])
        diff = None
        if row["value"] is not None and later["value"] is not None:
            diff = float((Decimal(str(later["value"])) - Decimal(str(row["value"]))).quantize(
                Decimal("0.1")))
        result[row["code"]] = {"value": later["value"], "numerator": later["numerator"],
                               "denominator": later["denominator"], "changed": changed,
                               "difference": diff}
    return result


@transaction.atomic
def enter_external(user: Any, plan: plans.Plan, series: str, year: int, value: Decimal,
                   source: str, *, request: HttpRequest | None = None) -> ExternalValue:
    """One year's value of a series the plan declares (a typo cannot become a new series)."""
    root = _federation(user)
    declared = plan.series_named(series)
    if declared is None:
        raise ValidationError({"series": gettext("%(series)s is not an outside series of the plan")
                                         % {"series": series}})
    if not plan.baseline_year <= year <= plan.end:
        raise ValidationError({"year": f"年份应在 {plan.baseline_year}–{plan.end} 之间"})
    if not source.strip():
        raise ValidationError({"source": gettext("Give the source")})
    found = ExternalValue.objects.filter(series=series, region=root, year=year).first()
    before = None if found is None else str(found.value)
    row, _ = ExternalValue.objects.update_or_create(
        series=series, region=root, year=year,
        defaults={"value": value, "source": source.strip(), "entered_by": user})
    record(user=user, action=Action.UPDATE if found else Action.CREATE, obj=row, request=request,
           changes={"value": [before, str(value)]},
           summary=f"外部数据：{declared.name} {year} 年 {value}")
    cache.clear()
    return row


def record_survey_places(year: int, signature: str, surveys: int) -> None:
    """The year's survey places (``places.refresh``) were taken now with ``signature``."""
    SurveyPlaceSet.objects.update_or_create(
        year=year, defaults={"signature": signature, "refreshed_at": clock.now(),
                             "surveys": surveys})


def forget_survey_places(years: list[int] | None) -> None:
    """Stop reading these years' (None: every year's) stored survey places until the next
    refresh (``places.forget``)."""
    sets = SurveyPlaceSet.objects.all()
    (sets if years is None else sets.filter(year__in=years)).delete()


def record_home_needs(year: int, period_start: int, signature: str, persons: int) -> None:
    """The home needs of the year and period (``accessibility.refresh``) were taken now."""
    HomeNeedSet.objects.update_or_create(
        year=year, period_start=period_start,
        defaults={"signature": signature, "refreshed_at": clock.now(), "persons": persons})


def forget_home_needs(years: list[int] | None) -> None:
    """Stop reading the stored home needs whose period includes one of these survey years
    (None: every set) until the next refresh (``accessibility.forget``)."""
    sets = HomeNeedSet.objects.all()
    if years is not None:
        if not years:
            return
        sets = sets.filter(year__gte=min(years), period_start__lte=max(years))
        sets = sets.filter(pk__in=[s.pk for s in sets
                                   if any(s.period_start <= y <= s.year for y in years)])
    sets.delete()
