"""The employment security fund levy (残疾人就业保障金, 残保金): how much an employer owes, and why.

An employer (用人单位) that employs fewer disabled persons than the provincial ratio pays
the levy for the shortfall (财税〔2015〕72号 art. 9–10, as amended)::

    levy = max(0, N·r − A) × min(W_avg, k × W_local)

- N: prior-year average staff (上年在职职工年平均人数), possibly fractional;
- r: the province's ratio (安排残疾人就业比例), 1.5 % in Zhejiang and Shandong;
- A: counted disabled employees (实际安排残疾人就业人数), where a holder of a grade 1–2
  残疾人证 (or grade 1–3 残疾军人证) counts 2 (72号 art. 8);
- W_avg: the employer's prior-year average wage; W_local: the local social average wage;
- k: the cap, 3 until 2018-03-31 and 2 since 2018-04-01 (财税〔2018〕39号).

N·r is not rounded. From 2020-01-01 to 2027-12-31 (财政部公告2019年第98号, extended by
2023年第8号) a shortfall is reduced by tier (actual ratio A/N ≥ 1 % but < r: pay 50 %;
A/N < 1 %: pay 90 %) and **enterprises** with ≤ 30 staff pay nothing (not 机关 or
事业单位). Amounts are exact Decimals until the end, then rounded to the fen
(ROUND_HALF_UP): rounding the gross first and then taking 90 % of it would differ.

Why data and not code: ratios differ by province and the cap, the tiers and the exemption
change by date, so all of them are **versioned data** in ``data/levy.yaml``; a new
year's rules are a data change. The rules that apply are those in force on the
declaration date, or, when none is given, on the day the province's declaration window
opens in the levy year (the levy year is the year of declaration; N and the wages are
the prior year's). The file's schema::

    schema: 1
    national:                       # series every province inherits
      wage_cap:           [{effective_from, effective_until?, basis, multiple}]
      double_count:       [{effective_from, effective_until?, basis, weight, grades, military_grades}]
      reductions:         [{effective_from, effective_until?, basis, tiers: [{min_ratio, pay_rate}]}]
      small_enterprise_exemption: [{effective_from, effective_until?, basis, max_staff, unit_kinds}]
    provinces:
      "33":                         # GB/T 2260 province code
        name: 浙江省
        declaration_opens: "09-01"  # MM-DD; picks the rules date when none is declared
        ratio: [{effective_from, effective_until?, basis, ratio}]
        # any national series listed here replaces the national one for this province

Loading checks every field and fails with :class:`LevyDataError` naming the file, the
version and the field; unknown keys are errors, so a misspelt ``effective_form`` is caught.
Bad declarations raise :class:`LevyInputError` naming the field (``staff``,
``disabled_employees``, ``average_wage``, ``local_average_wage``, ``province``, ``year``…).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field, field_validator, model_validator

from canlian.core import rulefile
from canlian.core.rule_text import english, gettext_noop, listed, translated
from canlian.core.rulefile import RuleFileError, Schema, refuse

SCHEMA_VERSION = 1
DATA_FILE = Path(__file__).resolve().parent / "data" / "levy.yaml"
FEN = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

# 用人单位 kinds that owe the levy (72号 art. 2: 机关、团体、企业、事业单位和民办非企业单位).
UNIT_KINDS: dict[str, tuple[str, str]] = {
    "enterprise": ("企业", "enterprise"),
    "government": ("机关", "party or government body"),
    "public_institution": ("事业单位", "public institution"),
    "social_organisation": ("社会团体", "social organisation"),
    "private_non_enterprise": ("民办非企业单位", "private non-enterprise unit"),
}
DISABILITY_GRADES = range(1, 5)  # 残疾人证: 1 一级 (most severe) … 4 四级
MILITARY_GRADES = range(1, 11)  # 残疾军人证: 1 … 10


# --- errors -----------------------------------------------------------------------------------


class LevyInputError(ValueError):
    """A declaration that cannot be assessed, naming the field that is wrong."""

    def __init__(self, field: str, message: str, code: str = "invalid", **params: Any) -> None:
        super().__init__(english(message, params))
        self.field = field
        self.msgid, self.params = message, params
        self.code = code

    @property
    def message(self) -> str:
        """The message in the active language (``str()`` is English)."""
        return translated(self.msgid, self.params)


class LevyDataError(RuleFileError):
    """A rules file that cannot be used, naming the file, the version
    (``national.wage_cap[0] (2015-10-01)``) and the field."""

    def __init__(self, file: str, where: str, field: str, zh: str, en: str) -> None:
        super().__init__(file, where, zh, en)
        self.field = field
        self.message = f"规则文件 {file}，{where}，字段 {field}：{zh} ({file}: {where}, field {field}: {en})"
        self.args = (self.message,)

    @classmethod
    def at(cls, file: str, loc: list[Any], zh: str, en: str, data: Any,
           key: str | None = None) -> LevyDataError:
        row = rulefile.row_at(loc, data)
        if row is None:  # a key of a level (national, a province) or of the file
            if key:
                return cls(file, rulefile.where_of(loc), key, zh, en)
            return cls(file, rulefile.where_of(loc[:-1]), str(loc[-1]) if loc else "-", zh, en)
        where, rest = row
        field = key or ".".join(map(str, rest)) or "-"
        return cls(file, where, field, zh, en)


class RulesNotInForce(LookupError):
    """No version of a required rule is in force for the province on the date."""

    def __init__(self, province: str, on: dt.date, missing: list[str]) -> None:
        super().__init__(f"no {', '.join(missing)} in force for province {province} on {on}")
        self.province = province
        self.on = on
        self.missing = missing


# --- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Version:
    """What every version has: when it is in force and its 政策依据 (shown to employers)."""

    effective_from: dt.date
    effective_until: dt.date | None  # inclusive; None: until a later version replaces it
    basis: str

    def in_force_on(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)


@dataclass(frozen=True, slots=True)
class Ratio(Version):
    """安排残疾人就业比例 r."""

    ratio: Decimal


@dataclass(frozen=True, slots=True)
class WageCap(Version):
    """征收标准上限: the wage base is at most ``multiple`` × the local average wage."""

    multiple: Decimal


@dataclass(frozen=True, slots=True)
class DoubleCount(Version):
    """Who counts as more than one person (按照安排2名残疾人就业计算)."""

    weight: int
    grades: tuple[int, ...]  # 残疾人证 grades
    military_grades: tuple[int, ...]  # 残疾军人证 grades

    def weight_of(self, employee: Employee) -> int:
        if not employee.counted:
            return 0
        severe = self.military_grades if employee.military else self.grades
        return self.weight if employee.grade in severe else 1


@dataclass(frozen=True, slots=True)
class ReductionTier:
    """分档减缴: pay ``pay_rate`` of the levy when A/N ≥ ``min_ratio`` (and no higher tier applies)."""

    min_ratio: Decimal
    pay_rate: Decimal


@dataclass(frozen=True, slots=True)
class Reductions(Version):
    tiers: tuple[ReductionTier, ...]  # highest min_ratio first; the last has min_ratio 0


@dataclass(frozen=True, slots=True)
class Exemption(Version):
    """暂免征收: units of these kinds with N ≤ ``max_staff`` pay nothing."""

    max_staff: Decimal
    unit_kinds: tuple[str, ...]


SERIES: dict[str, str] = {  # series name → what it is, for messages (msgids)
    "ratio": gettext_noop("quota ratio"),
    "wage_cap": gettext_noop("wage cap"),
    "double_count": gettext_noop("rule counting a severely disabled employee as two"),
    "reductions": gettext_noop("tiered reductions"),
    "small_enterprise_exemption": gettext_noop("small-enterprise exemption"),
}
REQUIRED_SERIES = ("ratio", "wage_cap", "double_count")


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    declaration_opens: tuple[int, int]  # (month, day)
    series: dict[str, tuple[Version, ...]]  # only the series the province lists itself


@dataclass(frozen=True, slots=True)
class LevyTable:
    """Every version of every rule, national and per province, as loaded from the file."""

    file: str
    national: dict[str, tuple[Version, ...]]
    provinces: dict[str, Province]

    def versions(self, province: str, name: str) -> tuple[Version, ...]:
        """A province's own series if it lists one, else the national one."""
        own = self.provinces[province].series.get(name)
        return own if own is not None else self.national.get(name, ())

    def rules_on(self, province: str, on: dt.date) -> LevyRules:
        """The rules in force for ``province`` on ``on``, or :class:`RulesNotInForce`."""
        found: dict[str, Version | None] = {}
        for name in SERIES:
            versions = self.versions(province, name)
            latest = None
            for version in versions:  # sorted by effective_from
                if version.effective_from <= on:
                    latest = version
            found[name] = latest if latest is not None and latest.in_force_on(on) else None
        missing = [name for name in REQUIRED_SERIES if found[name] is None]
        if missing:
            raise RulesNotInForce(province, on, missing)
        return LevyRules(
            province=province,
            province_name=self.provinces[province].name,
            on=on,
            ratio=_required(Ratio, found["ratio"]),
            wage_cap=_required(WageCap, found["wage_cap"]),
            double_count=_required(DoubleCount, found["double_count"]),
            reductions=_optional(Reductions, found["reductions"]),
            exemption=_optional(Exemption, found["small_enterprise_exemption"]),
        )


V = TypeVar("V", bound=Version)


def _optional(kind: type[V], version: Version | None) -> V | None:
    """A series' version as its own kind (each series holds versions of one kind)."""
    if version is not None and not isinstance(version, kind):
        raise TypeError(f"{type(version).__name__} is not a {kind.__name__}")
    return version


def _required(kind: type[V], version: Version | None) -> V:
    """A required series' version (``rules_on`` refused a province without one)."""
    found = _optional(kind, version)
    if found is None:
        raise TypeError(f"no {kind.__name__}")
    return found


@dataclass(frozen=True, slots=True)
class LevyRules:
    """The rules in force for one province on one day."""

    province: str
    province_name: str
    on: dt.date
    ratio: Ratio
    wage_cap: WageCap
    double_count: DoubleCount
    reductions: Reductions | None
    exemption: Exemption | None


# --- loading ----------------------------------------------------------------------------------


@functools.cache
def shipped_table() -> LevyTable:
    """The rules shipped in ``data/levy.yaml`` (read once per process)."""
    return load_table(DATA_FILE)


def load_table(path: str | Path) -> LevyTable:
    """Read and validate a rules file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(translated(gettext_noop("Levy rules file %(path)s not found"),
                                           {"path": path}))
    return parse_table(rulefile.read(path, LevyDataError), file=path.name)


def parse_table(data: Any, *, file: str = "<data>") -> LevyTable:
    """Validate already-parsed YAML (a mapping) into a :class:`LevyTable`."""
    return rulefile.validate(data, LevyFile, file=file, error=LevyDataError).table(file)


# --- the schema of the rules file (core.rulefile) ----------------------------------------------

def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise refuse(f"应为日期（YYYY-MM-DD），实际为 {value!r}",
                     f"expected a date (YYYY-MM-DD), got {value!r}") from None


def _within(low: Decimal, high: Decimal | None, *, low_inclusive: bool) -> Any:
    """A number (int, float or text) from ``low`` to ``high``."""

    def check(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise refuse(f"应为数字，实际为 {value!r}", f"expected a number, got {value!r}")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise refuse(f"应为数字，实际为 {value!r}", f"expected a number, got {value!r}") from None
        too_low = number < low if low_inclusive else number <= low
        if not number.is_finite() or too_low or (high is not None and number > high):
            bracket = "[" if low_inclusive else "("
            top = f"{high}]" if high is not None else "∞)"
            raise refuse(f"应在 {bracket}{low}, {top} 之内，实际为 {value!r}",
                         f"must be in {bracket}{low}, {top}, got {value!r}")
        return number

    return BeforeValidator(check)


def _grades(allowed: range) -> Any:
    def check(value: Any) -> tuple[int, ...]:
        ok = isinstance(value, list) and all(
            isinstance(g, int) and not isinstance(g, bool) and g in allowed for g in value)
        if not ok:
            raise refuse(f"应为 {allowed.start}–{allowed.stop - 1} 的等级列表，实际为 {value!r}",
                         f"expected a list of grades {allowed.start}–{allowed.stop - 1}, got {value!r}")
        return tuple(sorted(set(value)))

    return BeforeValidator(check)


def _basis(value: Any) -> str:
    basis = "" if value is None else str(value).strip()
    if not basis:
        raise refuse("请写明政策依据", "the basis (政策依据) is required")
    return basis


LevyDate = Annotated[dt.date, BeforeValidator(_date)]
Fraction = Annotated[Decimal, _within(ZERO, ONE, low_inclusive=True)]


class VersionSchema(Schema):
    effective_from: LevyDate
    effective_until: LevyDate | None = None
    basis: Annotated[str, BeforeValidator(_basis)]
    note: Any = None

    @model_validator(mode="after")
    def _in_order(self) -> Any:
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise refuse("结束日期早于生效日期", "ends before it starts", "effective_until")
        return self

    def head(self) -> dict[str, Any]:
        return {"effective_from": self.effective_from, "effective_until": self.effective_until,
                "basis": self.basis}


class RatioSchema(VersionSchema):
    ratio: Annotated[Decimal, _within(ZERO, ONE, low_inclusive=False)]

    def version(self) -> Version:
        return Ratio(**self.head(), ratio=self.ratio)


class WageCapSchema(VersionSchema):
    multiple: Annotated[Decimal, _within(ZERO, None, low_inclusive=False)]

    def version(self) -> Version:
        return WageCap(**self.head(), multiple=self.multiple)


class DoubleCountSchema(VersionSchema):
    weight: Annotated[int, Field(ge=1)]
    grades: Annotated[tuple[int, ...], _grades(DISABILITY_GRADES)]
    military_grades: Annotated[tuple[int, ...], _grades(MILITARY_GRADES)]

    def version(self) -> Version:
        return DoubleCount(**self.head(), weight=self.weight, grades=self.grades,
                           military_grades=self.military_grades)


class TierSchema(Schema):
    min_ratio: Fraction
    pay_rate: Fraction


class ReductionsSchema(VersionSchema):
    tiers: Annotated[list[TierSchema], Field(min_length=1)]

    @model_validator(mode="after")
    def _complete(self) -> Any:
        ratios = [t.min_ratio for t in self.tiers]
        if len(set(ratios)) != len(ratios):
            raise refuse("两个档次的 min_ratio 相同", "two tiers have the same min_ratio", "tiers")
        if min(ratios) != 0:
            raise refuse("须有一个 min_ratio 为 0 的档次，使每种情况都有档可依",
                         'one tier must have min_ratio "0" so every shortfall falls into a tier', "tiers")
        return self

    def version(self) -> Version:
        tiers = sorted((ReductionTier(t.min_ratio, t.pay_rate) for t in self.tiers),
                       key=lambda t: t.min_ratio, reverse=True)
        return Reductions(**self.head(), tiers=tuple(tiers))


def _unit_kinds(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(k not in UNIT_KINDS for k in value):
        allowed = ", ".join(UNIT_KINDS)
        raise refuse(f"应为单位性质代码列表（可用：{allowed}），实际为 {value!r}",
                     f"expected a list of unit kinds ({allowed}), got {value!r}")
    return tuple(value)


class ExemptionSchema(VersionSchema):
    max_staff: Annotated[Decimal, _within(ZERO, None, low_inclusive=True)]
    unit_kinds: Annotated[tuple[str, ...], BeforeValidator(_unit_kinds)]

    def version(self) -> Version:
        return Exemption(**self.head(), max_staff=self.max_staff, unit_kinds=self.unit_kinds)


def _ordered(versions: Sequence[Any] | None, name: str) -> tuple[Version, ...] | None:
    """A series' versions by start date; two that overlap are refused."""
    if versions is None:
        return None
    ordered = sorted((v.version() for v in versions), key=lambda v: v.effective_from)
    for a, b in itertools.pairwise(ordered):
        if b.effective_from <= (a.effective_until or a.effective_from):
            raise refuse(f"版本 {a.effective_from} 与 {b.effective_from} 的有效期重叠",
                         f"versions starting {a.effective_from} and {b.effective_from} overlap",
                         f"{name}.effective_from")
    return tuple(ordered)


class SeriesSchema(Schema):
    """The series a level of the file lists (national: all but the ratio; a province: its
    ratio and any it sets itself)."""

    wage_cap: Annotated[list[WageCapSchema], Field(min_length=1)] | None = None
    double_count: Annotated[list[DoubleCountSchema], Field(min_length=1)] | None = None
    reductions: Annotated[list[ReductionsSchema], Field(min_length=1)] | None = None
    small_enterprise_exemption: Annotated[list[ExemptionSchema], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _no_overlap(self) -> Any:
        self.series()
        return self

    def series(self) -> dict[str, tuple[Version, ...]]:
        out = {}
        for name in SERIES:
            versions = _ordered(getattr(self, name, None), name)
            if versions is not None:
                out[name] = versions
        return out


def _month_day(value: Any) -> tuple[int, int]:
    opens = str(value)
    try:
        month, day = (int(part) for part in opens.split("-"))
        dt.date(2000, month, day)  # a leap year, so 02-29 is accepted
    except ValueError:
        raise refuse(f"应为 MM-DD，实际为 {opens!r}", f"expected MM-DD, got {opens!r}") from None
    return month, day


class ProvinceSchema(SeriesSchema):
    name: Annotated[str, BeforeValidator(str)]
    declaration_opens: Annotated[tuple[int, int], BeforeValidator(_month_day)]
    ratio: Annotated[list[RatioSchema], Field(min_length=1)]


def _provinces(value: Any) -> Any:
    if not isinstance(value, dict) or not value:
        raise refuse("应为非空映射（省级代码: 规则）",
                     "expected a non-empty mapping of province code to rules")
    for code in value:
        if not isinstance(code, str) or len(code) != 2 or not code.isdigit():
            raise refuse('省级代码应为带引号的两位数字，如 "33"',
                         'the province code must be two quoted digits, e.g. "33"')
    return value


class LevyFile(Schema):
    """``data/levy.yaml``: every version of every levy rule, national and per province."""

    schema_: int = Field(alias="schema")
    national: SeriesSchema
    provinces: Annotated[dict[str, ProvinceSchema], BeforeValidator(_provinces)]

    @field_validator("schema_")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise refuse(f"不支持的格式版本 {value!r}（应为 {SCHEMA_VERSION}）",
                         f"unsupported schema {value!r} (expected {SCHEMA_VERSION})")
        return value

    def table(self, file: str) -> LevyTable:
        return LevyTable(file=file, national=self.national.series(), provinces={
            code: Province(code=code, name=body.name, declaration_opens=body.declaration_opens,
                           series=body.series()) for code, body in self.provinces.items()})


# --- the declaration --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Employee:
    """A disabled employee (在职残疾职工) as declared by the employer.

    ``counted`` says whether the person meets the conditions to count at all (see
    :func:`counts_toward_quota`); ``grade`` is the certificate's grade, on the 残疾人证
    (1–4) or, if ``military``, on the 残疾军人证 (1–10).
    """

    grade: int
    counted: bool = True
    military: bool = False
    name: str = ""


def counts_toward_quota(*, on_establishment: bool, contract_months: int, paid_at_least_minimum_wage: bool,
                        social_insurance_paid: bool) -> bool:
    """72号 art. 8: 在编, or a labour contract / service agreement of at least one year; and
    pay at least the local minimum wage; and social insurance fully paid (足额缴纳)."""
    return ((on_establishment or contract_months >= 12)
            and paid_at_least_minimum_wage and social_insurance_paid)


@dataclass(frozen=True)
class Declaration:
    """An employer's yearly declaration (残保金申报).

    ``year`` is the levy year, the year in which it is declared; ``staff`` (N) and the
    wages are the prior year's. ``declared_on`` picks the rules in force; without it the
    day the province's declaration window opens in ``year`` is used.
    """

    year: int
    province: str  # GB/T 2260 province code: "33" 浙江, "37" 山东
    unit_kind: str  # a key of UNIT_KINDS
    staff: Decimal | int  # N, prior-year average staff (上年在职职工年平均人数)
    disabled_employees: Sequence[Employee]
    average_wage: Decimal  # W_avg, the employer's prior-year average wage (元/年)
    local_average_wage: Decimal  # W_local, the local social average wage (元/年)
    declared_on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "disabled_employees", tuple(self.disabled_employees))


@dataclass(frozen=True, slots=True)
class Checked:
    """A declaration's figures after validation, with the rules that apply (used by ``quota``)."""

    rules: LevyRules
    staff: Decimal
    average_wage: Decimal
    local_average_wage: Decimal
    counted: Decimal  # A, weighted
    counted_heads: int
    weighted_heads: int  # heads counted more than once

    @property
    def required(self) -> Decimal:
        """N·r, not rounded."""
        return self.staff * self.rules.ratio.ratio

    @property
    def actual_ratio(self) -> Decimal | None:
        return None if self.staff == 0 else self.counted / self.staff


def check(decl: Declaration, table: LevyTable | None = None) -> Checked:
    """Validate ``decl`` and find its rules, or raise :class:`LevyInputError`."""
    table = table or shipped_table()
    staff = _amount("staff", decl.staff, "上年在职职工年平均人数", "prior-year average staff")
    average = _amount("average_wage", decl.average_wage, "上年在职职工年平均工资",
                      "the employer's average wage")
    local = _amount("local_average_wage", decl.local_average_wage, "当地社会平均工资",
                    "the local average wage")
    if local == 0:
        raise LevyInputError("local_average_wage",
                             gettext_noop("The local average wage cannot be 0"), "zero")
    if decl.unit_kind not in UNIT_KINDS:
        allowed = "、".join(f"{k} {zh}" for k, (zh, _) in UNIT_KINDS.items())
        raise LevyInputError(
            "unit_kind",
            f"未知的单位性质 {decl.unit_kind!r}（可用：{allowed}） "
            f"(unknown unit kind {decl.unit_kind!r}; expected one of {', '.join(UNIT_KINDS)})",
            "unknown",
        )
    if decl.province not in table.provinces:
        known = "、".join(f"{c} {p.name}" for c, p in table.provinces.items())
        raise LevyInputError(
            "province",
            f"没有省份 {decl.province!r} 的残保金规则（已有：{known}） "
            f"(no levy rules for province {decl.province!r}; known: {', '.join(table.provinces)})",
            "unknown",
        )
    rules = _rules(decl, table)
    for i, employee in enumerate(decl.disabled_employees):
        _check_employee(i, employee)
    heads = sum(1 for e in decl.disabled_employees if e.counted)
    if heads > staff:
        raise LevyInputError(
            "disabled_employees",
            f"计入的残疾职工 {heads} 人多于在职职工年平均人数 {_num(staff)} 人 "
            f"({heads} counted disabled employees is more than the average staff of {_num(staff)})",
            "more_than_staff",
        )
    weights = [rules.double_count.weight_of(e) for e in decl.disabled_employees]
    return Checked(rules=rules, staff=staff, average_wage=average, local_average_wage=local,
                   counted=Decimal(sum(weights)), counted_heads=heads,
                   weighted_heads=sum(1 for w in weights if w > 1))


def _rules(decl: Declaration, table: LevyTable) -> LevyRules:
    if isinstance(decl.year, bool) or not isinstance(decl.year, int):
        raise LevyInputError("year", gettext_noop("The levy year must be a whole year, got %(year)s"),
                             year=repr(decl.year))
    if decl.declared_on is not None:
        if not isinstance(decl.declared_on, dt.date):
            raise LevyInputError("declared_on",
                                 gettext_noop("The declaration date must be a date, got %(value)s"),
                                 value=repr(decl.declared_on))
        if decl.declared_on.year < decl.year:
            raise LevyInputError(
                "declared_on",
                gettext_noop("Declared on %(day)s, before the levy year %(year)s"),
                "before_year", day=str(decl.declared_on), year=decl.year,
            )
        on, fld = decl.declared_on, "declared_on"
    else:
        month, day = table.provinces[decl.province].declaration_opens
        try:
            on = dt.date(decl.year, month, day)
        except ValueError:  # 02-29 in a common year, or a year out of range
            try:
                on = dt.date(decl.year, month, 28)
            except ValueError:
                raise LevyInputError("year", gettext_noop("The levy year %(year)s is not valid"),
                                     year=decl.year) from None
        fld = "year"
    try:
        return table.rules_on(decl.province, on)
    except RulesNotInForce as exc:
        missing = listed(translated(SERIES[name]) for name in exc.missing)
        name = table.provinces[decl.province].name
        raise LevyInputError(
            fld,
            gettext_noop("No levy rules for %(year)s in %(province)s (rules date %(day)s): "
                         "no %(missing)s"),
            "no_rules", year=decl.year, province=name, day=str(on), missing=missing,
        ) from None


def _check_employee(i: int, employee: Any) -> None:
    where = f"disabled_employees[{i}]"
    if not isinstance(employee, Employee):
        raise LevyInputError(where, gettext_noop("Disabled employee %(number)s is not in the right "
                                                 "form"), number=i + 1)
    allowed = MILITARY_GRADES if employee.military else DISABILITY_GRADES
    cert = (gettext_noop("military disability certificate") if employee.military
            else gettext_noop("disability certificate"))
    grade, span = employee.grade, f"{allowed.start}–{allowed.stop - 1}"
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in allowed:
        raise LevyInputError(
            f"{where}.grade",
            gettext_noop("Disabled employee %(number)s: the %(certificate)s grade must be "
                         "%(span)s, got %(grade)s"),
            "grade", number=i + 1, certificate=translated(cert), span=span, grade=repr(grade),
        )


# What a declaration can plausibly say: the largest employers of a county have tens of
# thousands of staff, and a unit's average yearly wage is far below 5 million yuan. A
# larger figure is a typing slip (or an attack on the levy), never a real declaration.
MAXIMA = {"staff": Decimal(1_000_000), "average_wage": Decimal(5_000_000),
          "local_average_wage": Decimal(5_000_000)}


def check_amounts(staff: Any, average_wage: Any, local_average_wage: Any) -> None:
    """Raise :class:`LevyInputError` for the first implausible figure of a declaration."""
    _amount("staff", staff, "上年在职职工年平均人数", "prior-year average staff")
    _amount("average_wage", average_wage, "上年在职职工年平均工资", "the employer's average wage")
    _amount("local_average_wage", local_average_wage, "当地社会平均工资", "the local average wage")


def _amount(fld: str, value: Any, zh: str, en: str) -> Decimal:
    """A non-negative finite number within ``MAXIMA``; ints, Decimals and numeric strings
    (commas allowed)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise LevyInputError(fld, f"{zh}应为数字，实际为 {value!r} ({en} must be a number, got {value!r})",
                             "not_a_number")
    try:
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        else:  # a float goes through its shortest repr: 0.1 → Decimal("0.1")
            number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise LevyInputError(fld, f"{zh}应为数字，实际为 {value!r} ({en} must be a number, got {value!r})",
                             "not_a_number") from None
    if not number.is_finite():
        raise LevyInputError(fld, f"{zh}应为有限数字，实际为 {value!r} ({en} must be finite)", "not_a_number")
    if number < 0:
        raise LevyInputError(fld, f"{zh}不能为负数：{value} ({en} cannot be negative: {value})", "negative")
    top = MAXIMA.get(fld)
    if top is not None and number > top:
        raise LevyInputError(fld, f"{zh} {_num(number)} 超出合理范围（最多 {_num(top)}），请核对 "
                                  f"({en} {_num(number)} is implausible: at most {_num(top)})",
                             "too_large")
    return number


# --- the computation --------------------------------------------------------------------------


@dataclass(frozen=True)
class LevyResult:
    """The levy with every intermediate figure. Amounts are 元; ``gross`` and ``payable``
    are rounded to the fen, everything before them is exact."""

    declaration: Declaration
    rules: LevyRules
    staff: Decimal  # N
    ratio: Decimal  # r
    required: Decimal  # N·r (应安排人数), not rounded
    counted: Decimal  # A (实际安排人数), weighted
    counted_heads: int  # persons counted
    weighted_heads: int  # of whom counted more than once (一、二级)
    actual_ratio: Decimal | None  # A/N; None when N = 0
    shortfall: Decimal  # max(0, N·r − A)
    average_wage: Decimal  # W_avg
    local_average_wage: Decimal  # W_local
    cap_multiple: Decimal  # k
    wage_cap: Decimal  # k × W_local
    wage_base: Decimal  # min(W_avg, k × W_local)
    capped: bool  # W_avg was above the cap
    gross: Decimal  # shortfall × wage_base (应缴额, before reductions), to the fen
    exempt: bool  # 暂免征收: the small-enterprise exemption waived a shortfall
    tier: ReductionTier | None  # 减缴档次 applied, if any
    pay_rate: Decimal  # 1, or the tier's rate, or 0 when exempt
    payable: Decimal  # 实际应缴 = shortfall × wage_base × pay_rate, to the fen

    @property
    def reduction(self) -> Decimal:
        """减免额: what the reductions or the exemption waive."""
        return self.gross - self.payable

    def breakdown(self) -> list[tuple[str, str, str]]:
        """(label_zh, label_en, value) lines to show the employer how the levy was reached.

        The values are written once, in Chinese (the declaration is a Chinese official record and
        an approved one keeps them frozen); the page picks the label in the reader's language."""
        return _breakdown(self)


def compute(decl: Declaration, table: LevyTable | None = None) -> LevyResult:
    """Assess one declaration. Raises :class:`LevyInputError` for bad input."""
    c = check(decl, table)
    rules = c.rules
    with localcontext() as ctx:
        ctx.prec = 60  # exact for any realistic staff count and wage
        required = c.required
        shortfall = max(ZERO, required - c.counted)
        cap = rules.wage_cap.multiple * c.local_average_wage
        base = min(c.average_wage, cap)
        exact_gross = shortfall * base
        exemption = rules.exemption
        exempt = (shortfall > 0 and exemption is not None and decl.unit_kind in exemption.unit_kinds
                  and c.staff <= exemption.max_staff)
        tier = None
        if exempt:
            pay_rate = ZERO
        elif rules.reductions is not None and shortfall > 0:
            tier = next(t for t in rules.reductions.tiers if c.counted >= c.staff * t.min_ratio)
            pay_rate = tier.pay_rate
        else:
            pay_rate = ONE
        payable = _fen(exact_gross * pay_rate)
        gross = _fen(exact_gross)
        actual = c.actual_ratio
    return LevyResult(
        declaration=decl, rules=rules, staff=c.staff, ratio=rules.ratio.ratio, required=required,
        counted=c.counted, counted_heads=c.counted_heads, weighted_heads=c.weighted_heads,
        actual_ratio=actual, shortfall=shortfall, average_wage=c.average_wage,
        local_average_wage=c.local_average_wage, cap_multiple=rules.wage_cap.multiple, wage_cap=cap,
        wage_base=base, capped=c.average_wage > cap, gross=gross, exempt=exempt, tier=tier,
        pay_rate=pay_rate, payable=payable,
    )


def _fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def tier_label(rules: LevyRules, tier: ReductionTier) -> tuple[str, str]:
    """Say which actual ratios a tier covers, e.g. ``1% ≤ A/N < 1.5%：按 50% 缴纳``."""
    assert rules.reductions is not None
    higher = [t.min_ratio for t in rules.reductions.tiers if t.min_ratio > tier.min_ratio]
    upper = min(higher) if higher else rules.ratio.ratio
    span = f"A/N < {_pct(upper)}"
    if tier.min_ratio > 0:
        span = f"{_pct(tier.min_ratio)} ≤ {span}"
    return (f"{span}：按 {_pct(tier.pay_rate)} 缴纳（{rules.reductions.basis}）",
            f"{span}: pay {_pct(tier.pay_rate)}")


def _breakdown(r: LevyResult) -> list[tuple[str, str, str]]:
    d, rules = r.declaration, r.rules
    zh_kind = UNIT_KINDS[d.unit_kind][0]
    dc = rules.double_count
    severe = "、".join(str(g) for g in dc.grades)
    severe_en = ", ".join(str(g) for g in dc.grades)
    counted = _heads(r.counted)
    if r.weighted_heads:
        rest = r.counted_heads - r.weighted_heads
        counted += f"（{r.weighted_heads} × {dc.weight} + {rest}）"
    lines = [
        ("征收年度", "levy year", str(d.year)),
        ("适用规则日期", "rules in force on", f"{rules.on.isoformat()}（{rules.province_name}）"),
        ("单位性质", "kind of unit", zh_kind),
        ("上年在职职工年平均人数 N", "prior-year average staff N", _heads(r.staff)),
        ("规定安排比例 r", "required ratio r", f"{_pct(r.ratio)}（{rules.ratio.basis}）"),
        ("应安排残疾人就业人数 N×r", "disabled employees required N×r", _heads(r.required)),
        (f"实际安排残疾人就业人数 A（{severe} 级按 {dc.weight} 人计）",
         f"counted disabled employees A (grades {severe_en} count {dc.weight})", counted),
        ("实际安排比例 A/N", "actual ratio A/N",
         "—" if r.actual_ratio is None else _pct(r.actual_ratio, places=2)),
        ("差额人数 max(0, N×r − A)", "shortfall max(0, N×r − A)", _heads(r.shortfall)),
        ("上年在职职工年平均工资", "employer's prior-year average wage", _money(r.average_wage)),
        (f"征收标准上限：当地社会平均工资 × {_num(r.cap_multiple)}",
         f"cap: local average wage × {_num(r.cap_multiple)}",
         f"{_money(r.local_average_wage)} × {_num(r.cap_multiple)} = {_money(r.wage_cap)}"
         f"（{rules.wage_cap.basis}）"),
        ("计征工资基数 min(平均工资, 上限)", "wage base min(average wage, cap)",
         _money(r.wage_base) + ("（超过上限，按上限计征）" if r.capped else "")),
        ("应缴额（减免前）", "levy before reductions", _money(r.gross)),
    ]
    if r.exempt:
        assert rules.exemption is not None
        lines.append(("暂免征收", "exempt",
                      f"在职职工 {_num(rules.exemption.max_staff)} 人（含）以下的{zh_kind}暂免征收"
                      f"（{rules.exemption.basis}）"))
    elif r.tier is not None:
        zh, _en = tier_label(rules, r.tier)
        lines.append(("分档减缴", "tiered reduction", zh))
    lines.append(("实际应缴残保金", "levy payable", _money(r.payable)))
    return lines


def _num(value: Decimal) -> str:
    """A count without trailing zeros: 3, 7.5, 0.45."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def _heads(value: Decimal) -> str:
    """A number of persons with its unit, as the official breakdown writes it: 7.5 人."""
    return f"{_num(value)} 人"


def _pct(value: Decimal, places: int | None = None) -> str:
    pct = value * 100
    if places is not None:
        return f"{pct.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"
    return f"{_num(pct)}%"


def _money(value: Decimal) -> str:
    return f"{_fen(value):,.2f} 元"
