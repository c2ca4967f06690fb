"""Plans as data: a plan's indicator table (baselines, targets, comparators, units).

Loads the shipped copies of the two seed plans (``data/plans/``) or any file in the same
schema, into frozen dataclasses. No database code. Every error names the file, the
indicator and the field, in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "plans"
COMPARATORS = ("gt", "ge", "eq", "tracks")
SYMBOLS = {"gt": ">", "ge": "≥", "eq": "=", "tracks": "≈"}
UNITS = ("percent", "percent_per_year", "person_times_in_period", "person_times_per_year",
         "households_in_period", "units_in_breach")
KINDS = ("binding", "expected")


class PlanError(ValueError):
    def __init__(self, file: str, where: str, field: str, zh: str, en: str) -> None:
        self.file, self.where, self.field = file, where, field
        self.message = f"规划文件 {file}，{where}，字段 {field}：{zh} ({file}: {where}, {field}: {en})"
        super().__init__(self.message)


@dataclass(frozen=True)
class Bound:
    """A baseline or target: a comparator and a value (or an external series to track)."""

    comparator: str
    value: Decimal | None = None
    series: str | None = None

    def __str__(self) -> str:
        if self.comparator == "tracks":
            return f"≈ {self.series}"
        symbol = "" if self.comparator == "eq" else SYMBOLS[self.comparator]
        return f"{symbol}{self.value.normalize():f}" if self.value is not None else "—"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    kind: str  # binding 约束性 / expected 预期性 (text targets: "text")
    unit: str
    baseline: Bound | None
    target: Bound

    @property
    def is_percent(self) -> bool:
        return self.unit in ("percent", "percent_per_year")


@dataclass(frozen=True)
class Series:
    """An external series the plan compares with or reports (外部数据), entered by staff.

    ``level`` says where it is entered: ``deployment`` (one figure for the whole city or
    district, which its townships read too) or ``township`` (one per township)."""

    code: str
    name: str
    unit: str
    level: str
    source: str


SERIES_LEVELS = ("deployment", "township")


@dataclass(frozen=True)
class Plan:
    code: str
    region: str
    title: str
    start: int
    end: int
    baseline_year: int
    outlook_year: int | None
    indicators: tuple[Indicator, ...]
    text_targets: tuple[Indicator, ...]
    series: tuple[Series, ...] = ()

    @property
    def all_indicators(self) -> tuple[Indicator, ...]:
        return self.indicators + self.text_targets

    def indicator(self, code: str) -> Indicator:
        for i in self.all_indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def series_named(self, code: str) -> Series | None:
        return next((s for s in self.series if s.code == code), None)

    @property
    def years(self) -> range:
        return range(self.start, self.end + 1)


def available() -> dict[str, Path]:
    result = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            result[yaml.safe_load(fh)["plan"]["code"]] = path
    return result


def load(code_or_path: str | Path) -> Plan:
    """A shipped plan by code (``yueqing-14th``) or any plan file by path."""
    shipped = available()
    path = shipped.get(str(code_or_path)) or Path(code_or_path)
    if not path.exists():
        raise FileNotFoundError(f"no plan {code_or_path!r}; "
                                f"shipped: {', '.join(shipped)}")
    with path.open(encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise PlanError(path.name, "-", "-", f"YAML 格式错误：{exc}", f"bad YAML: {exc}") \
                from None
    return parse(data, file=path.name)


def _number(file: str, where: str, field: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise PlanError(file, where, field, f"应为数字，实际为 {value!r}", f"not a number: {value!r}")
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PlanError(file, where, field, f"应为数字，实际为 {value!r}",
                        f"not a number: {value!r}") from None


def _bound(file: str, where: str, field: str, data: Any, *, allow_none: bool) -> Bound | None:
    if data is None:
        if allow_none:
            return None
        raise PlanError(file, where, field, "缺少目标值", "missing")
    if not isinstance(data, dict):
        raise PlanError(file, where, field, "应为 {comparator, value}", "expected a mapping")
    comparator = data.get("comparator", "eq")
    if comparator not in COMPARATORS:
        raise PlanError(file, where, f"{field}.comparator", f"未知比较符 {comparator!r}",
                        f"unknown comparator {comparator!r}; use {', '.join(COMPARATORS)}")
    if comparator == "tracks":
        if not data.get("series"):
            raise PlanError(file, where, f"{field}.series", "tracks 需要 series",
                            "tracks needs a series")
        return Bound("tracks", series=str(data["series"]))
    if "value" not in data:
        raise PlanError(file, where, f"{field}.value", "缺少数值", "missing value")
    return Bound(comparator, _number(file, where, f"{field}.value", data["value"]))


def _indicator(file: str, index: int, row: Any, *, text: bool) -> Indicator:
    where = f"{'text_targets' if text else 'indicators'}[{index}]"
    if not isinstance(row, dict) or not row.get("code"):
        raise PlanError(file, where, "code", "缺少指标代码", "missing code")
    where = f"{where} ({row['code']})"
    if not row.get("name"):
        raise PlanError(file, where, "name", "缺少指标名称", "missing name")
    kind = "text" if text else row.get("kind")
    if kind not in (*KINDS, "text"):
        raise PlanError(file, where, "kind", "应为 binding 或 expected", "binding or expected")
    unit = row.get("unit", "percent")
    if unit not in UNITS:
        raise PlanError(file, where, "unit", f"未知单位 {unit!r}", f"unknown unit {unit!r}")
    return Indicator(code=str(row["code"]), name=str(row["name"]), kind=kind, unit=unit,
                     baseline=_bound(file, where, "baseline", row.get("baseline"),
                                     allow_none=True),
                     target=_bound(file, where, "target", row.get("target"), allow_none=False))  # type: ignore[arg-type]


def parse(data: Any, *, file: str = "<plan>") -> Plan:
    if not isinstance(data, dict) or "plan" not in data:
        raise PlanError(file, "-", "plan", "缺少 plan 段", "missing the plan section")
    head = data["plan"]
    for key in ("code", "region", "title", "period", "baseline_year"):
        if key not in head:
            raise PlanError(file, "plan", key, "缺少", "missing")
    period = head["period"]
    if not (isinstance(period, list) and len(period) == 2 and all(isinstance(y, int)
                                                                   for y in period)):
        raise PlanError(file, "plan", "period", "应为 [起始年, 结束年]", "expected [start, end]")
    if period[1] < period[0]:
        raise PlanError(file, "plan", "period", "结束年早于起始年", "end before start")
    indicators = tuple(_indicator(file, i, row, text=False)
                       for i, row in enumerate(data.get("indicators") or []))
    texts = tuple(_indicator(file, i, row, text=True)
                  for i, row in enumerate(data.get("text_targets") or []))
    if not indicators:
        raise PlanError(file, "indicators", "-", "没有指标", "no indicators")
    seen: set[str] = set()
    for i in indicators + texts:
        if i.code in seen:
            raise PlanError(file, i.code, "code", "指标代码重复", "duplicate code")
        seen.add(i.code)
    series = tuple(_series(file, i, row) for i, row in enumerate(data.get("series") or []))
    declared = {s.code for s in series}
    for i in indicators + texts:
        wanted = i.target.series if i.target.comparator == "tracks" else None
        if wanted and wanted not in declared:
            raise PlanError(file, i.code, "target.series", f"外部数据 {wanted} 未在 series 中声明",
                            f"series {wanted} is not declared under series")
    from .catalogue import DEFINITIONS

    for i in indicators + texts:
        if i.code not in DEFINITIONS:
            raise PlanError(file, i.code, "code", "没有该指标的口径定义", "no definition for this code")
    return Plan(code=str(head["code"]), region=str(head["region"]), title=str(head["title"]),
                start=period[0], end=period[1], baseline_year=int(head["baseline_year"]),
                outlook_year=head.get("outlook_year"), indicators=indicators, text_targets=texts,
                series=series)


def _series(file: str, index: int, row: Any) -> Series:
    where = f"series[{index}]"
    if not isinstance(row, dict):
        raise PlanError(file, where, "-", "应为 {code, name, unit, level, source}", "expected a mapping")
    for key in ("code", "name", "level"):
        if not row.get(key):
            raise PlanError(file, where, key, "缺少", "missing")
    if row["level"] not in SERIES_LEVELS:
        raise PlanError(file, where, "level", f"应为 {' 或 '.join(SERIES_LEVELS)}",
                        f"one of {', '.join(SERIES_LEVELS)}")
    return Series(code=str(row["code"]), name=str(row["name"]), unit=str(row.get("unit", "percent")),
                  level=str(row["level"]), source=str(row.get("source", "")))
