"""Pure formulas of the indicator engine: rates and the met / on-track / behind verdict.

No database code. Decisions, stated once:

- A rate is numerator ÷ denominator × 100, one decimal, half up; an empty denominator is
  "no data", never 0 % or 100 %. The engine guarantees numerator ⊆ denominator, so a
  larger numerator is a programming error and raises.
- *met*: the value satisfies the target's comparator (> , ≥); "= 100" is met when the
  value rounds to the target at one decimal (so 99.96 % shows 100.0 % and is met).
- *on track*: not met yet, but at or above the straight line from the baseline (in the
  baseline year) to the target (in the plan's last year) for this year. A baseline written
  "> 90" uses 90. Without a baseline there is no line: the verdict is behind until met.
- Counts over the plan period (person-times, households) are on track when the
  cumulative count reaches the target's share of the years elapsed; per-year counts are
  met or behind each year.
- "tracks a series" (household income keeps pace with GDP) is met when the value is at
  least the series' value for the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from .plans import Indicator, Plan

ONE_DECIMAL = Decimal("0.1")


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"
    SHARE = "share"  # a township's part of a target set for the whole city or district


STATUS_LABELS = {Status.MET: "已达标", Status.ON_TRACK: "进度正常", Status.BEHIND: "滞后",
                 Status.NO_DATA: "无数据", Status.SHARE: "贡献"}

# Counts whose target is the deployment's total (Yueqing's 200 trainees a year, Linzi's
# 1,000 renovated households): a township has no target of its own, only its share.
CITY_COUNTS = ("person_times_in_period", "person_times_per_year", "households_in_period")


@dataclass(frozen=True)
class Verdict:
    status: Status
    zh: str
    en: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def rate(numerator: int, denominator: int | None) -> Decimal | None:
    if not denominator:
        return None
    if numerator < 0 or denominator < 0:
        raise ValueError("counts cannot be negative")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} exceeds denominator {denominator}: "
                         "the numerator must be a subset of the denominator")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _satisfies(value: Decimal, comparator: str, target: Decimal) -> bool:
    if comparator == "gt":
        return value > target
    if comparator == "ge":
        return value >= target
    return value.quantize(ONE_DECIMAL, ROUND_HALF_UP) == target.quantize(ONE_DECIMAL,
                                                                         ROUND_HALF_UP)


def trajectory(baseline: Decimal, target: Decimal, baseline_year: int, end_year: int,
               year: int) -> Decimal:
    """The straight-line expected value for ``year`` between baseline and target."""
    if year >= end_year:
        return target
    share = Decimal(max(0, year - baseline_year)) / Decimal(end_year - baseline_year)
    return baseline + (target - baseline) * share


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(ONE_DECIMAL, ROUND_HALF_UP).normalize():f}"


def contribution(value: Decimal | None, total: Decimal | None) -> Verdict:
    """A township's contribution to a city-level count: its share of the total."""
    if value is None:
        return Verdict(Status.NO_DATA, "尚无数据", "no data")
    if not total:
        return Verdict(Status.SHARE, f"{_fmt(value)}（全域合计为 0）", f"{_fmt(value)} (total 0)")
    share = (value * 100 / total).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return Verdict(Status.SHARE, f"{_fmt(value)}，占全域 {_fmt(share)}%（目标为全域合计，不分解到镇街）",
                   f"{_fmt(value)}, {_fmt(share)}% of the total (the target is for the whole area)")


def status(indicator: Indicator, value: Decimal | None, year: int, plan: Plan, *,
           series_value: Decimal | None = None) -> Verdict:
    target = indicator.target
    if value is None:
        return Verdict(Status.NO_DATA, "尚无数据（分母为空或未录入）", "no data (empty denominator "
                                                               "or not entered)")
    if target.comparator == "tracks":
        declared = plan.series_named(target.series) if hasattr(plan, "series_named") else None  # type: ignore[arg-type]
        name = declared.name if declared else target.series
        if series_value is None:
            return Verdict(Status.NO_DATA, f"缺少外部数据“{name}”",
                           f"external series {target.series} not entered")
        if value >= series_value:
            return Verdict(Status.MET, f"{_fmt(value)} ≥ {name} {_fmt(series_value)}",
                           f"{_fmt(value)} ≥ {target.series} {_fmt(series_value)}")
        return Verdict(Status.BEHIND, f"{_fmt(value)} < {name} {_fmt(series_value)}",
                       f"{_fmt(value)} < {target.series} {_fmt(series_value)}")
    goal = target.value
    assert goal is not None
    if _satisfies(value, target.comparator, goal):
        return Verdict(Status.MET, f"{_fmt(value)} 满足目标 {target}",
                       f"{_fmt(value)} meets the target {target}")
    if indicator.unit in ("person_times_in_period", "households_in_period"):
        elapsed = max(0, min(year, plan.end) - plan.start + 1)
        expected = goal * elapsed / (plan.end - plan.start + 1)
        if year < plan.end and value >= expected:
            return Verdict(Status.ON_TRACK,
                           f"累计 {_fmt(value)}，已达按年进度 {_fmt(expected)}",
                           f"{_fmt(value)} so far, at least the pro-rata {_fmt(expected)}")
        return Verdict(Status.BEHIND, f"累计 {_fmt(value)}，低于按年进度 {_fmt(expected)}",
                       f"{_fmt(value)} so far, below the pro-rata {_fmt(expected)}")
    if indicator.unit in ("person_times_per_year", "units_in_breach"):
        return Verdict(Status.BEHIND, f"{_fmt(value)} 未达目标 {target}",
                       f"{_fmt(value)} does not meet {target}")
    if indicator.baseline is None or indicator.baseline.value is None:
        return Verdict(Status.BEHIND, f"{_fmt(value)} 未达目标 {target}（无基期值，无法判断进度）",
                       f"{_fmt(value)} below {target} (no baseline for a trajectory)")
    expected = trajectory(indicator.baseline.value, goal, plan.baseline_year, plan.end, year)
    if year < plan.end and value >= expected:
        return Verdict(Status.ON_TRACK, f"{_fmt(value)} 不低于 {year} 年进度线 {_fmt(expected)}",
                       f"{_fmt(value)} at or above the {year} trajectory {_fmt(expected)}")
    return Verdict(Status.BEHIND, f"{_fmt(value)} 低于 {year} 年进度线 {_fmt(expected)}",
                   f"{_fmt(value)} below the {year} trajectory {_fmt(expected)}")
