"""Plans as data: a plan's indicator table (baselines, targets, comparators, units).

Loads the shipped copies of the two seed plans (``data/plans/``) or any file in the same
schema, into frozen dataclasses. No database code. A file is read by the one rule-file
reader (``core.rulefile``) against the schema below (pydantic models); every error is a
:class:`PlanError` naming the file, the indicator and the field, in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from canlian.core import rulefile
from canlian.core.rulefile import RuleFileError, Schema, Text, refuse

from .catalogue import DEFINITIONS

DATA_DIR = Path(__file__).resolve().parent / "data" / "plans"
COMPARATORS = ("gt", "ge", "eq", "tracks")
SYMBOLS = {"gt": ">", "ge": "≥", "eq": "=", "tracks": "≈"}
UNITS = ("percent", "percent_per_year", "person_times_in_period", "person_times_per_year",
         "households_in_period", "units_in_breach")
KINDS = ("binding", "expected")


class PlanError(RuleFileError):
    """A plan file that cannot be used: ``where`` names the indicator (``indicators[3]
    (pension_insurance_rate)``), ``field`` the key inside it (``target.comparator``)."""

    def __init__(self, file: str, where: str, field: str, zh: str, en: str) -> None:
        super().__init__(file, where, zh, en)
        self.field = field
        self.message = f"规划文件 {file}，{where}，字段 {field}：{zh} ({file}: {where}, {field}: {en})"
        self.args = (self.message,)

    @classmethod
    def at(cls, file: str, loc: list[Any], zh: str, en: str, data: Any,
           key: str | None = None) -> PlanError:
        section = loc[0] if loc else None
        if section in ("indicators", "text_targets", "series") and len(loc) > 1 \
                and isinstance(loc[1], int):
            where, rest = f"{section}[{loc[1]}]", loc[2:]
            try:
                code = data[section][loc[1]]["code"]
            except (KeyError, IndexError, TypeError):
                code = None
            if code and section != "series":
                where += f" ({code})"
        elif section == "plan":
            where, rest = "plan", loc[1:]
        else:
            where, rest = rulefile.where_of(loc), []
        return cls(file, where, ".".join(map(str, rest)) or "-", zh, en)


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
    return {_read(path).code: path for path in sorted(DATA_DIR.glob("*.yaml"))}


def load(code_or_path: str | Path) -> Plan:
    """A shipped plan by code (``yueqing-14th``) or any plan file by path."""
    shipped = available()
    path = shipped.get(str(code_or_path)) or Path(code_or_path)
    if not path.exists():
        raise FileNotFoundError(f"no plan {code_or_path!r}; "
                                f"shipped: {', '.join(shipped)}")
    return _read(path)


def _read(path: Path) -> Plan:
    """The plan in ``path``, parsed once per version of the file: the dashboard asks for its
    plan several times a request, and parsing the YAML took three quarters of the page's time
    at a million persons (bench ``list``). An edited file is read again (its mtime and size)."""
    stat = path.stat()
    return _parsed(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _parsed(path: str, _mtime_ns: int, _size: int) -> Plan:
    return parse(rulefile.read(path, PlanError), file=Path(path).name)


def parse(data: Any, *, file: str = "<plan>") -> Plan:
    """Validate already-parsed YAML (a mapping) into a :class:`Plan`."""
    return rulefile.validate(data, PlanFile, file=file, error=PlanError).to_plan()


# --- the schema of a plan file ----------------------------------------------------------------

def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise refuse(f"应为数字，实际为 {value!r}", f"not a number: {value!r}")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise refuse(f"应为数字，实际为 {value!r}", f"not a number: {value!r}") from None
    return number


PlanNumber = Annotated[Decimal, BeforeValidator(_number)]


class BoundSchema(Schema):
    comparator: str = "eq"
    value: PlanNumber | None = None
    series: Text | None = None

    @field_validator("comparator")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in COMPARATORS:
            raise refuse(f"未知比较符 {value!r}",
                         f"unknown comparator {value!r}; use {', '.join(COMPARATORS)}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> BoundSchema:
        if self.comparator == "tracks" and not self.series:
            raise refuse("tracks 需要 series", "tracks needs a series", "series")
        if self.comparator != "tracks" and self.value is None:
            raise refuse("缺少数值", "missing value", "value")
        return self

    def bound(self) -> Bound:
        if self.comparator == "tracks":
            return Bound("tracks", series=self.series)
        return Bound(self.comparator, self.value)


class IndicatorSchema(Schema):
    code: Text
    name: Text
    kind: str | None = None
    unit: str = "percent"
    baseline: BoundSchema | None = None
    target: BoundSchema

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value not in UNITS:
            raise refuse(f"未知单位 {value!r}", f"unknown unit {value!r}")
        return value

    def indicator(self, kind: str) -> Indicator:
        return Indicator(code=self.code, name=self.name, kind=kind, unit=self.unit,
                         baseline=self.baseline.bound() if self.baseline else None,
                         target=self.target.bound())


class SeriesSchema(Schema):
    code: Text
    name: Text
    level: str
    unit: str = "percent"
    source: str = ""

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value not in SERIES_LEVELS:
            raise refuse(f"应为 {' 或 '.join(SERIES_LEVELS)}", f"one of {', '.join(SERIES_LEVELS)}")
        return value


class Head(Schema):
    code: Text
    region: Text
    title: Text
    period: Annotated[list[int], Field(min_length=2, max_length=2)]
    baseline_year: int
    outlook_year: int | None = None

    @field_validator("period")
    @classmethod
    def _ordered(cls, value: list[int]) -> list[int]:
        if value[1] < value[0]:
            raise refuse("结束年早于起始年", "end before start")
        return value


class PlanFile(Schema):
    """``data/plans/<plan>.yaml``: a plan's indicator table."""

    plan: Head
    indicators: Annotated[list[IndicatorSchema], Field(min_length=1)]
    text_targets: list[IndicatorSchema] | None = None
    series: list[SeriesSchema] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PlanFile:
        rows = [("indicators", i, row) for i, row in enumerate(self.indicators)] + [
            ("text_targets", i, row) for i, row in enumerate(self.text_targets or ())]
        for i, row in enumerate(self.indicators):
            if row.kind not in KINDS:
                raise refuse("应为 binding 或 expected", "binding or expected", f"indicators.{i}.kind")
        seen: set[str] = set()
        declared = {s.code for s in self.series or ()}
        for section, i, row in rows:
            if row.code in seen:
                raise refuse("指标代码重复", "duplicate code", f"{section}.{i}.code")
            seen.add(row.code)
            wanted = row.target.series if row.target.comparator == "tracks" else None
            if wanted and wanted not in declared:
                raise refuse(f"外部数据 {wanted} 未在 series 中声明",
                             f"series {wanted} is not declared under series", f"{section}.{i}.target.series")
            if row.code not in DEFINITIONS:
                raise refuse("没有该指标的口径定义", "no definition for this code", f"{section}.{i}.code")
        return self

    def to_plan(self) -> Plan:
        head = self.plan
        return Plan(code=head.code, region=head.region, title=head.title, start=head.period[0],
                    end=head.period[1], baseline_year=head.baseline_year,
                    outlook_year=head.outlook_year,
                    indicators=tuple(row.indicator(str(row.kind)) for row in self.indicators),
                    text_targets=tuple(row.indicator("text") for row in self.text_targets or ()),
                    series=tuple(Series(code=s.code, name=s.name, unit=s.unit, level=s.level,
                                        source=s.source) for s in self.series or ()))
