"""The indicator engine: every indicator of a plan, for a year and a region, per township.

``compute(plan, year, region)`` runs the measures in ``measures`` (a few aggregate queries
each), turns numerators and denominators into values with the pure ``formulas``, and
compares each value with the plan's baseline and target. Nothing here loops over persons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from canlian.core import bulk
from canlian.regions.models import Deployment, Region

from . import measures
from .formulas import CITY_COUNTS, contribution, status
from .formulas import rate as pure_rate
from .measures import PerTownship, Scope
from .models import ExternalValue


@dataclass(frozen=True)
class Measure:
    """How an indicator is counted: ``fn(scope, period_start)`` and what the value means."""

    fn: Callable[[Scope, int], PerTownship]
    shape: str  # "rate" | "count" | "growth" | "external"


def _m(fn: Callable[[Scope], PerTownship], shape: str = "rate") -> Measure:
    return Measure(lambda scope, start: fn(scope), shape)


def _survey(code: str) -> Measure:
    return Measure(lambda scope, start: measures.survey_rates(scope)[code], "rate")


MEASURES: dict[str, Measure] = {
    "living_subsidy_coverage": _m(lambda s: measures.subsidy_coverage(s, "living")),
    "nursing_subsidy_coverage": _m(lambda s: measures.subsidy_coverage(s, "nursing")),
    "low_income_inclusion_rate": _m(measures.low_income_inclusion),
    "home_of_disabled_coverage": _m(lambda s: measures.institution_coverage(s, "home_of_disabled")),
    "care_institution_coverage": _m(lambda s: measures.institution_coverage(s, "care")),
    "township_service_institution_coverage": _m(
        lambda s: measures.institution_coverage(s, "township_service")),
    "pension_insurance_rate": _survey("pension_insurance_rate"),
    "medical_insurance_rate": _survey("medical_insurance_rate"),
    "employment_rate": _survey("employment_rate"),
    "high_school_education_rate": _survey("high_school_education_rate"),
    "compulsory_education_enrollment": _survey("compulsory_education_enrollment"),
    "rehabilitation_coverage": _survey("rehabilitation_coverage"),
    "assistive_device_rate": _survey("assistive_device_rate"),
    "basic_assistive_device_rate": _survey("basic_assistive_device_rate"),
    "culture_sports_coverage": _survey("culture_sports_coverage"),
    "home_accessibility_rate": Measure(measures.home_accessibility_rate, "rate"),
    "home_accessibility_count": Measure(measures.home_accessibility_count, "count"),
    "vocational_training_count": Measure(
        lambda s, start: measures.training(s, dt.date(start, 1, 1)), "count"),
    "vocational_training_per_year": Measure(lambda s, start: measures.training(s, s.first),
                                            "count"),
    "public_unit_quota": _m(measures.public_units_in_breach, "count"),
    "household_income_growth": _m(measures.household_income_growth, "growth"),  # type: ignore[arg-type]
    "federation_staff_disabled_share": Measure(lambda s, start: {}, "external"),
}


@dataclass
class Figure:
    numerator: Any
    denominator: Any
    value: Decimal | None


@dataclass
class Row:
    code: str
    name: str
    kind: str
    unit: str
    figure: Figure
    baseline: Any
    target: Any
    status: str
    explanation: str
    townships: dict[str, Figure] = field(default_factory=dict)


def rate(numerator: int, denominator: int | None) -> Decimal | None:
    return pure_rate(numerator, denominator)


def _figure(shape: str, pair: tuple[Any, Any] | None) -> Figure:
    if pair is None:
        return Figure(None, None, None)
    numerator, denominator = pair
    if shape == "rate":
        return Figure(numerator, denominator, rate(numerator, denominator))
    if shape == "count":
        return Figure(numerator, None, Decimal(numerator))
    if shape == "growth":
        return Figure(None, None, None if numerator is None else
                      Decimal(numerator).quantize(Decimal("0.1")))
    return Figure(None, None, None if numerator is None else Decimal(numerator))


def _total(shape: str, per: PerTownship) -> tuple[Any, Any] | None:
    if not per:
        return None if shape in ("growth", "external") else (0, 0 if shape == "rate" else None)
    if shape == "rate":
        return (sum(n for n, _ in per.values()), sum(d or 0 for _, d in per.values()))
    if shape == "count":
        return (sum(n for n, _ in per.values()), None)
    return None


def measure(code: str, region: Region, year: int, period_start: int, *,
            memo: dict[str, Any] | None = None) -> tuple[Figure, dict[str, Figure]]:
    """The figure of one indicator for the region and each of its townships."""
    m = MEASURES[code]
    scope = Scope(region, year, {} if memo is None else memo)
    per = m.fn(scope, period_start)
    if m.shape == "growth":
        total = measures.household_income_growth_total(scope)
    elif m.shape == "external":
        total = external(code, region, year)
    else:
        total = _total(m.shape, per)
    townships = {t: _figure(m.shape, pair) for t, pair in sorted(per.items())}
    return _figure(m.shape, total), townships


def external(series: str, region: Region, year: int) -> tuple[Decimal, None] | None:
    """The series' value for the region, or else for the deployment as a whole: a
    township reads the city's GDP growth (series declared at deployment level)."""
    deployment = Deployment.current()
    codes = [region.code]
    if deployment is not None and deployment.root_id != region.code \
            and deployment.root.contains(region.code):
        codes.append(deployment.root_id)
    found = {v.region_id: v.value for v in ExternalValue.objects.filter(
        series=series, year=year, region_id__in=codes)}
    for code in codes:
        if code in found:
            return (found[code], None)
    return None


@dataclass
class Result:
    """One indicator's figure, baseline, target and verdict, deployment-wide and per township."""

    indicator: Any  # plans.Indicator
    figure: Figure
    verdict: Any  # formulas.Verdict
    townships: dict[str, tuple[Figure, Any]]

    @property
    def code(self) -> str:
        return self.indicator.code


def compute(plan: Any, year: int, region: Region, *, townships: bool = True) -> list[Result]:
    """Every indicator (table and text targets) of ``plan`` for ``year`` in ``region``."""
    memo: dict[str, Any] = {}
    # The big passes are independent: on PostgreSQL, outside a caller's transaction, the
    # subsidy pass (persons' facts with the year's payments, the heaviest) is read on a
    # second connection while this one reads the year's surveys, the period's
    # accessibility needs and last year's incomes (two cores). When the year's stored
    # subsidy facts are current (``benefits.yearfacts``), the subsidy side is one grouped
    # scan of them and the survey pass sets the figure (bench/README.md). Inside a transaction another
    # connection could not see its uncommitted rows, so the passes then run one after the
    # other.
    concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
    with ThreadPoolExecutor(max_workers=1) if concurrent else nullcontext() as pool:
        others = pool.submit(_on_own_connection, measures.payments_and_history,
                             Scope(region, year, {})) if pool else None
        with transaction.atomic():
            _tune()
            if others is not None:
                scope = Scope(region, year, memo)
                measures.survey_rates(scope)
                measures.home_accessibility_rate(scope, plan.start)
                measures._income(scope, year - 1)
                memo.update(others.result())
            return _compute(plan, year, region, townships=townships, memo=memo)


def _tune() -> None:
    """The rates are grouped counts with semi-joins against a year's services and payments;
    enough work memory keeps those as hash joins at a million persons, and no parallel
    workers (each would rebuild every hashed subplan) or JIT."""
    with connection.cursor() as cursor:
        bulk.tune_statement(cursor)


def _on_own_connection(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in this thread's own connection and transaction, then close it."""
    try:
        with transaction.atomic():
            _tune()
            return fn(*args)
    finally:
        connection.close()


def _compute(plan: Any, year: int, region: Region, *, townships: bool,
             memo: dict[str, Any]) -> list[Result]:

    results = []
    for indicator in plan.all_indicators:
        figure, per = measure(indicator.code, region, year, plan.start, memo=memo)
        series = None
        if indicator.target.comparator == "tracks":
            found = external(indicator.target.series, region, year)
            series = found[0] if found else None
        verdict = status(indicator, figure.value, year, plan, series_value=series)
        per_township = {}
        if townships:
            for code, f in per.items():
                per_township[code] = (f, contribution(f.value, figure.value)
                                      if indicator.unit in CITY_COUNTS else
                                      status(indicator, f.value, year, plan, series_value=series))
        results.append(Result(indicator, figure, verdict, per_township))
    return results


COUNT_UNITS = ("person_times_in_period", "person_times_per_year", "households_in_period",
               "units_in_breach")


def target_label(plan: Any, indicator: Any) -> str:
    """The target as the plan states it, in Chinese ("与地区生产总值增速同步", "≥96")."""
    target = indicator.target
    if target.comparator == "tracks":
        series = plan.series_named(target.series)
        return f"与{series.name if series else target.series}同步"
    return str(target)


def as_json(plan: Any, year: int, region: Region, results: list[Result]) -> dict[str, Any]:
    """The CLI's and the API's JSON shape."""
    names = dict(Region.objects.filter(level="township").values_list("code", "name"))

    def fig(f: Figure, verdict: Any, unit: str = "percent") -> dict[str, Any]:
        value = None if f.value is None else float(f.value)
        if f.value is not None and unit in COUNT_UNITS:
            value = int(f.value)  # a count reads as a whole number
        return {"numerator": f.numerator, "denominator": f.denominator, "value": value,
                "status": verdict.status.value}

    return {
        "plan": plan.code, "title": plan.title, "year": year, "region": region.code,
        "region_name": region.name,
        "indicators": [{
            "code": r.indicator.code, "name": r.indicator.name, "kind": r.indicator.kind,
            "unit": r.indicator.unit, **fig(r.figure, r.verdict, r.indicator.unit),
            "baseline": str(r.indicator.baseline) if r.indicator.baseline else None,
            "target": target_label(plan, r.indicator), "explanation": r.verdict.zh,
            "townships": [{"code": code, "name": names.get(code, code),
                           **fig(f, v, r.indicator.unit),
                           "explanation": v.zh}
                          for code, (f, v) in r.townships.items()],
        } for r in results],
    }
