"""Rule sets for the two subsidies (两项补贴), read from YAML into frozen dataclasses.

Why data and not code: 国发〔2015〕52号 sets the national frame and leaves the target
groups and the amounts to each province and city, and the amounts change every year or
two. Every amount, ratio and date is therefore **versioned, region-scoped data**: to
change an amount from a date, add a version block with a later ``effective_from``; never
edit a version that has already been paid out, so old decisions can be re-derived.

A rule set file (``data/<code>.yaml``; see ``yueqing.yaml`` for a commented example)::

    schema: 1
    ruleset: {code, name, region_code, region_name, province, sources: [...]}
    dibao_standard:                     # 低保标准, 元/人/月; needed by dibao_ratio and income_test
      - {effective_from: 2024-01-01, monthly: "1200.00"}
    subsidies:
      living:                           # 困难残疾人生活补贴: one block per version
        - effective_from: 2024-01-01    # required
          basis: 浙民福〔2021〕191号      # 政策依据, shown to staff
          household_types: [dibao]      # households that qualify by type
          income_test:                  # alternative: income below a multiple of 低保
            dibao_multiple: "1.5"
            household_per_capita: true
            own_income_working_age: [16, 59]   # completed years, inclusive; omit for none
          target_groups: [...]          # optional for living, as for nursing
          amount: {dibao_ratio: "0.30"} # or {tiers: [{name, grades, monthly}, ...]}
          institutional_care_uplift: "0"  # +50 % is "0.50"
          floor: "80"                   # minimum monthly standard, optional
          choose_higher_with: [elderly_living]   # 择高 against these allowance types
      nursing:                          # 重度残疾人护理补贴
        - effective_from: 2024-01-01
          target_groups:                # required for nursing; any one group qualifies
            - {name: 一级、二级且需要长期照护, categories: [1, 2, 3, 4, 5, 6, 7],
               grades: [1, 2], long_term_care: true}
          long_term_care_min_months: 6
          amount: {tiers: [{name: 一档, grades: [1], monthly: "300.00"}]}

Loading reads the file with the one rule-file reader (``core.rulefile``) against the
schema at the end of this module (pydantic models, strict) and fails on the first problem
with a :class:`RuleSetError` (a ``core.rulefile.RuleFileError``) that names the file, the
rule (e.g. ``subsidies.nursing[1] (2026-01-01)``) and the field (e.g.
``amount.tiers[0].monthly``), in Chinese and English.
Unknown keys are errors too, so a misspelt ``effective_form`` is caught, not ignored.
Money is at most two decimals and never negative; dates are plain ``YYYY-MM-DD`` (the file
loader keeps them as text, so an impossible date is reported with its rule and field).
Defaults: ``long_term_care_min_months`` 6 (52号), ``institutional_care_uplift`` 0, no
floor, no 择高. Cross-checks, so that every version can decide every case it admits:
versions of one subsidy have distinct ``effective_from`` (listed in any order); the living
subsidy has a hardship test and the nursing subsidy target groups; tiers cover every grade
the target groups admit, and no grade sits in two tiers; a 低保 standard is in force on the
day a version that uses it (``dibao_ratio`` or ``income_test``) starts.

National rules (the 特困 and 工伤 exclusions, the orphan rule, the certificate and hukou
tests) are code in :mod:`canlian.benefits.eligibility`, not data: no rule set may switch
them off, and a rule set that lists 特困 among qualifying households is rejected.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from canlian.core import rulefile
from canlian.core.rule_text import english, gettext_noop, language, translated
from canlian.core.rulefile import RuleFileError, Schema, refuse

SCHEMA_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"

CATEGORIES = range(1, 8)  # GB/T 26341-2010: 1 视力 … 7 多重
GRADES = range(1, 5)  # 1 一级 (most severe) … 4 四级
FEN = Decimal("0.01")


class Subsidy(StrEnum):
    """The two subsidies of 国发〔2015〕52号."""

    LIVING = "living"  # 困难残疾人生活补贴
    NURSING = "nursing"  # 重度残疾人护理补贴

    @property
    def label_zh(self) -> str:
        return "困难残疾人生活补贴" if self is Subsidy.LIVING else "重度残疾人护理补贴"

    @property
    def label_en(self) -> str:
        """The English name, also the msgid of its name in other languages."""
        return (gettext_noop("living subsidy") if self is Subsidy.LIVING
                else gettext_noop("nursing subsidy"))


# 户类型, the same codes as ``canlian.people.models.HouseholdType`` (a test keeps them equal;
# this module must not import Django).
HOUSEHOLD_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "ordinary": ("普通家庭", "ordinary household"),
    "dibao": ("低保家庭", "minimum-living-allowance (dibao) household"),
    "dibao_edge": ("低保边缘家庭", "near-dibao household"),
    "tekun": ("特困供养人员", "destitute-support (tekun) person"),
})

# Welfare allowances that 52号 says are taken 择高 (the higher one only) against the two
# subsidies: elderly, 因公致残 and 离休 living or care allowances. Rule sets name which of
# them each subsidy is compared with; callers key ``Facts.other_allowances`` by these codes.
ALLOWANCE_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "elderly_living": ("老年人福利性生活补贴", "elderly welfare living allowance"),
    "elderly_care": ("老年人护理补贴", "elderly care allowance"),
    "work_related_disability_living": ("因公致残生活补贴", "work-related disability living allowance"),
    "work_related_disability_care": ("因公致残护理补贴", "work-related disability care allowance"),
    "retired_cadre_living": ("离休干部生活补贴", "retired-cadre (离休) living allowance"),
    "retired_cadre_care": ("离休干部护理费", "retired-cadre (离休) care allowance"),
})


class RuleSetError(RuleFileError):
    """A rule set file that cannot be used, naming the file, the rule (``subsidies.nursing[1]
    (2026-01-01)``, ``-`` for the file as a whole) and the field (``amount.tiers[0].monthly``).

    ``message`` is the sentence in the language active when it was raised (``in_language``
    for another), ``str()`` in English; ``zh`` and ``en`` are the reason alone."""

    def __init__(self, file: str, rule: str, field: str, zh: str, en: str) -> None:
        super().__init__(file, rule, zh, en)
        self.rule, self.field = rule, field
        self.args = (self.in_language("en"),)
        self.message = self.in_language(language())

    def in_language(self, language: str) -> str:
        """The message in ``language`` (a language code such as ``zh-hans`` or ``en``)."""
        if language.startswith("zh"):
            return f"规则文件 {self.file}，规则 {self.rule}，字段 {self.field}：{self.zh}"
        return f"Rules file {self.file}, rule {self.rule}, field {self.field}: {self.en}"

    @classmethod
    def at(cls, file: str, loc: list[Any], zh: str, en: str, data: Any,
           key: str | None = None) -> RuleSetError:
        """The rule is the path up to the first list index (a version, with its
        ``effective_from``), the field the rest; a mapping's key is the field."""
        if data is None and loc:  # the reader's: a YAML syntax error at a line
            return cls(file, "-", "-", f"{zh}（{rulefile.where_of(loc)}）", en)
        row = rulefile.row_at(loc, data)
        if row is None:
            if key:
                return cls(file, rulefile.where_of(loc), key, zh, en)
            return cls(file, rulefile.where_of(loc[:-1]), str(loc[-1]) if loc else "-", zh, en)
        rule, rest = row
        return cls(file, rule, rulefile.where_of(rest + ([key] if key else [])), zh, en)


class NotInForceError(LookupError):
    """No version of a rule (or no 低保 standard) is in force yet on the date asked."""

    def __init__(self, ruleset: str, what: str, on: dt.date, earliest: dt.date | None) -> None:
        self.ruleset = ruleset
        self.what = what  # an English msgid, e.g. "dibao standard"
        self.on = on
        self.earliest = earliest
        super().__init__(english(self._msgid(), self._params(english)))

    def _msgid(self) -> str:
        if self.earliest is None:
            return gettext_noop("Rule set %(ruleset)s has no %(what)s in force on %(day)s; "
                                "the rule set has no versions of it")
        return gettext_noop("Rule set %(ruleset)s has no %(what)s in force on %(day)s; "
                            "the earliest version starts %(earliest)s")

    def _params(self, language: Any) -> dict[str, Any]:
        return {"ruleset": self.ruleset, "what": language(self.what), "day": self.on.isoformat(),
                "earliest": self.earliest.isoformat() if self.earliest else ""}

    @property
    def message(self) -> str:
        """The message in the active language (``str()`` is English)."""
        return translated(self._msgid(), self._params(translated))


@dataclass(frozen=True, slots=True)
class DibaoStandard:
    """The local 低保 standard (元/人/月) from a date."""

    effective_from: dt.date
    monthly: Decimal


@dataclass(frozen=True, slots=True)
class IncomeTest:
    """Zhejiang's alternative hardship test: income below ``dibao_multiple`` × 低保.

    Passes on the household's per-capita income (if ``household_per_capita``) or, for a
    person whose completed age is inside ``own_income_working_age``, on their own income.
    """

    dibao_multiple: Decimal
    household_per_capita: bool
    own_income_working_age: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """One group of persons the subsidy covers (补贴对象): category, grade, care need."""

    name: str
    categories: tuple[int, ...]
    grades: tuple[int, ...]
    long_term_care: bool  # must need long-term care (长期照护)


@dataclass(frozen=True, slots=True)
class Tier:
    """An amount band (档次) by disability grade."""

    name: str
    grades: tuple[int, ...]
    monthly: Decimal


@dataclass(frozen=True, slots=True)
class Amount:
    """Exactly one of: a ratio of the 低保 standard, or tiers by grade."""

    dibao_ratio: Decimal | None = None
    tiers: tuple[Tier, ...] = ()

    def tier_for(self, grade: int) -> Tier | None:
        return next((t for t in self.tiers if grade in t.grades), None)


@dataclass(frozen=True, slots=True)
class SubsidyRules:
    """One version of one subsidy's local rules, in force from ``effective_from``."""

    subsidy: Subsidy
    effective_from: dt.date
    basis: str
    household_types: tuple[str, ...]  # empty: no household-type test
    income_test: IncomeTest | None
    target_groups: tuple[TargetGroup, ...]  # empty: every certified person
    long_term_care_min_months: int
    amount: Amount
    institutional_care_uplift: Decimal  # 0.50 = +50 % when an approved institution cares
    floor: Decimal | None
    choose_higher_with: tuple[str, ...]

    @property
    def version(self) -> str:
        return self.effective_from.isoformat()

    @property
    def has_hardship_test(self) -> bool:
        return bool(self.household_types) or self.income_test is not None


@dataclass(frozen=True, slots=True)
class PublicNotice:
    """The public notice (公示) an application must have run in its village before it may be
    approved, from ``effective_from``: ``working_days`` working days, for ``subsidies``."""

    effective_from: dt.date
    working_days: int
    subsidies: tuple[str, ...]
    basis: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A deployment's rules for both subsidies, every version, oldest first."""

    code: str
    name: str
    region_code: str
    region_name: str
    province: str
    sources: tuple[str, ...]
    file: str
    dibao_standards: tuple[DibaoStandard, ...]
    living: tuple[SubsidyRules, ...]
    nursing: tuple[SubsidyRules, ...]
    public_notices: tuple[PublicNotice, ...] = ()

    def notice_on(self, subsidy: Subsidy | str, on: dt.date) -> PublicNotice | None:
        """The public notice (公示) ``subsidy`` needs on ``on``, or None when it needs none."""
        found = _latest(self.public_notices, on)
        if found is None or Subsidy(subsidy).value not in found.subsidies:
            return None
        return found if found.working_days > 0 else None

    def versions(self, subsidy: Subsidy | str) -> tuple[SubsidyRules, ...]:
        return self.living if Subsidy(subsidy) is Subsidy.LIVING else self.nursing

    def rules_on(self, subsidy: Subsidy | str, on: dt.date) -> SubsidyRules:
        """The version in force on ``on``: the latest with ``effective_from <= on``."""
        subsidy = Subsidy(subsidy)
        versions = self.versions(subsidy)
        found = _latest(versions, on)
        if found is None:
            what = (gettext_noop("living subsidy rules") if subsidy is Subsidy.LIVING
                    else gettext_noop("nursing subsidy rules"))
            raise NotInForceError(self.code, what, on, versions[0].effective_from)
        return found

    def dibao_on(self, on: dt.date) -> DibaoStandard:
        """The 低保 standard in force on ``on``."""
        if not self.dibao_standards:
            raise NotInForceError(self.code, gettext_noop("dibao standard"), on, None)
        found = _latest(self.dibao_standards, on)
        if found is None:
            raise NotInForceError(self.code, gettext_noop("dibao standard"), on,
                                  self.dibao_standards[0].effective_from)
        return found


def _latest(items, on: dt.date):
    found = None
    for item in items:  # sorted by effective_from
        if item.effective_from <= on:
            found = item
    return found


# --- loading ---------------------------------------------------------------------------------


def available() -> list[str]:
    """Codes of the shipped rule sets."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def load_shipped(code: str) -> RuleSet:
    """The rule set shipped for a deployment, e.g. ``load_shipped("yueqing")``."""
    path = DATA_DIR / f"{code}.yaml"
    if not path.exists():
        raise FileNotFoundError(translated(
            gettext_noop("No subsidy rule set for deployment %(code)s; available: %(available)s"),
            {"code": repr(code), "available": ", ".join(available())}))
    return load(path)


def load(path: str | Path) -> RuleSet:
    """Read and validate one rule set file (dates are read as text, so that an impossible
    date is reported with its rule and field)."""
    path = Path(path)
    return parse(rulefile.read(path, RuleSetError, rulefile.DatesAsText), file=path.name)


def parse(data: Any, *, file: str = "<data>") -> RuleSet:
    """Validate already-parsed YAML (a mapping) into a :class:`RuleSet`."""
    return rulefile.validate(data, RuleSetFile, file=file, error=RuleSetError).rule_set(file)


# --- the schema of a rule set file (core.rulefile) ---------------------------------------------

def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise refuse(f"应为非空文本，实际为 {value!r}", f"expected non-empty text, got {value!r}")
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise refuse(f"应为日期（YYYY-MM-DD），不含时间：{value!r}",
                     f"expected a date (YYYY-MM-DD) without a time, got {value!r}")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise refuse(f"应为日期（YYYY-MM-DD），实际为 {value!r}",
                     f"expected a date (YYYY-MM-DD), got {value!r}") from None


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise refuse(f"应为数字，实际为 {value!r}", f"expected a number, got {value!r}")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise refuse(f"应为数字，实际为 {value!r}", f"expected a number, got {value!r}") from None
    if not number.is_finite():
        raise refuse(f"应为有限数字，实际为 {value!r}", f"expected a finite number, got {value!r}")
    return number


def _money(positive: bool) -> Any:
    """An amount in yuan, at most two decimals (fen); above 0 if ``positive``, else ≥ 0."""

    def check(value: Any) -> Decimal:
        amount = _decimal(value)
        if amount < 0:
            raise refuse(f"金额不能为负数：{value}", f"amount must not be negative, got {value}")
        if positive and amount == 0:
            raise refuse("金额应大于 0", "amount must be greater than 0")
        if amount != amount.quantize(FEN):
            raise refuse(f"金额最多保留两位小数（分）：{value}",
                         f"amount must have at most 2 decimal places (fen), got {value}")
        return amount.quantize(FEN)

    return BeforeValidator(check)


def _ratio(low: Decimal, high: Decimal, *, low_inclusive: bool) -> Any:
    """A number in ``[low, high]`` (``(low, high]`` unless ``low_inclusive``)."""

    def check(value: Any) -> Decimal:
        number = _decimal(value)
        if number < low or (number == low and not low_inclusive) or number > high:
            bounds = f"{'[' if low_inclusive else '('}{low}, {high}]"
            raise refuse(f"应在 {bounds} 范围内，实际为 {value}", f"must be in {bounds}, got {value}")
        return number

    return BeforeValidator(check)


def _numbers(allowed: range, zh: str, en: str) -> Any:
    """A non-empty list of distinct whole numbers in ``allowed`` (``zh``/``en`` name them),
    sorted."""

    def check(value: Any) -> tuple[int, ...]:
        if not isinstance(value, list) or not value:
            raise refuse(f"应为非空列表（{zh}）", f"expected a non-empty list of {en}")
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or item not in allowed:
                raise refuse(f"{zh}应为 {allowed.start}–{allowed.stop - 1}，实际为 {item!r}",
                             f"{en} must be {allowed.start}–{allowed.stop - 1}, got {item!r}")
        if len(set(value)) != len(value):
            raise refuse(f"{zh}有重复：{value}", f"duplicate {en}: {value}")
        return tuple(sorted(value))

    return BeforeValidator(check)


def _codes(vocabulary: Mapping[str, Any]) -> Any:
    """A list of codes from ``vocabulary`` (None: none), without repeats."""

    def check(value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise refuse("应为列表", "expected a list")
        for item in value:
            if item not in vocabulary:
                allowed = ", ".join(vocabulary)
                raise refuse(f"未知代码 {item!r}（可用：{allowed}）",
                             f"unknown code {item!r} (allowed: {allowed})")
        return tuple(dict.fromkeys(value))

    return BeforeValidator(check)


RuleText = Annotated[str, BeforeValidator(_text)]
RuleDate = Annotated[dt.date, BeforeValidator(_date)]
Money = Annotated[Decimal, _money(positive=True)]
Grades = Annotated[tuple[int, ...], _numbers(GRADES, "残疾等级", "disability grades")]
Categories = Annotated[tuple[int, ...], _numbers(CATEGORIES, "残疾类别", "disability categories")]


def _by_start(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda item: item.effective_from))


def _sorted_unique(items: list[Any], field: str) -> list[Any]:
    """``items`` by ``effective_from``; two starting on one day are refused."""
    items = sorted(items, key=lambda item: item.effective_from)
    for a, b in itertools.pairwise(items):
        if a.effective_from == b.effective_from:
            raise refuse(f"同一生效日期 {a.effective_from} 出现两次",
                         f"two versions start on the same date {a.effective_from}", field)
    return items


class HeadSchema(Schema):
    code: RuleText
    name: RuleText
    region_code: RuleText
    region_name: RuleText
    province: RuleText
    sources: list[RuleText] | None = None


class DibaoSchema(Schema):
    effective_from: RuleDate
    monthly: Money

    def standard(self) -> DibaoStandard:
        return DibaoStandard(self.effective_from, self.monthly)


def _subsidy_codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or any(x not in set(Subsidy) for x in value):
        raise refuse(f"应为补贴代码列表（可用：living、nursing），实际为 {value!r}",
                     f"expected a list of subsidy codes (living, nursing), got {value!r}")
    return tuple(value)


class NoticeSchema(Schema):
    effective_from: RuleDate
    working_days: Annotated[int, Field(ge=0, le=30)]
    subsidies: Annotated[tuple[str, ...], BeforeValidator(_subsidy_codes)]
    basis: RuleText | None = None

    def notice(self) -> PublicNotice:
        return PublicNotice(self.effective_from, self.working_days, self.subsidies, self.basis or "")


def _ages(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    ok = (isinstance(value, list) and len(value) == 2
          and all(isinstance(a, int) and not isinstance(a, bool) and 0 <= a <= 120 for a in value)
          and value[0] <= value[1])
    if not ok:
        raise refuse(f"应为 [最小年龄, 最大年龄]（周岁，含两端），实际为 {value!r}",
                     f"expected [min_age, max_age] in completed years, inclusive, got {value!r}")
    return value[0], value[1]


class IncomeTestSchema(Schema):
    dibao_multiple: Annotated[Decimal, _ratio(Decimal(0), Decimal(10), low_inclusive=False)]
    household_per_capita: bool = False
    own_income_working_age: Annotated[tuple[int, int] | None, BeforeValidator(_ages)] = None

    @model_validator(mode="after")
    def _a_branch(self) -> IncomeTestSchema:
        if not self.household_per_capita and self.own_income_working_age is None:
            raise refuse("收入条件至少要启用 household_per_capita 或 own_income_working_age",
                         "an income test needs household_per_capita or own_income_working_age")
        return self


class TargetGroupSchema(Schema):
    name: RuleText
    categories: Categories
    grades: Grades
    long_term_care: bool = False


class TierSchema(Schema):
    name: RuleText
    grades: Grades
    monthly: Money


class AmountSchema(Schema):
    dibao_ratio: Annotated[Decimal, _ratio(Decimal(0), Decimal(1), low_inclusive=False)] | None = None
    tiers: list[TierSchema] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> AmountSchema:
        if (self.dibao_ratio is None) == (self.tiers is None):
            raise refuse("应恰好给出 dibao_ratio 或 tiers 其中之一",
                         "give exactly one of dibao_ratio or tiers")
        if self.tiers is not None:
            if not self.tiers:
                raise refuse("应为非空的档次列表", "expected a non-empty list of tiers", "tiers")
            seen: dict[int, str] = {}
            for i, tier in enumerate(self.tiers):
                for grade in tier.grades:
                    if grade in seen:
                        raise refuse(f"{grade} 级已属于档次「{seen[grade]}」",
                                     f"grade {grade} is already in tier {seen[grade]}",
                                     f"tiers.{i}.grades")
                    seen[grade] = tier.name
        return self

    def amount(self) -> Amount:
        if self.dibao_ratio is not None:
            return Amount(dibao_ratio=self.dibao_ratio)
        return Amount(tiers=tuple(Tier(t.name, t.grades, t.monthly) for t in self.tiers or ()))


def _no_tekun(value: tuple[str, ...]) -> tuple[str, ...]:
    if "tekun" in value:
        raise refuse("特困供养人员依国家规定不享受两项补贴，不能列为补贴对象",
                     "tekun (destitute-support) persons get neither subsidy under national rules")
    return value


class VersionSchema(Schema):
    """One version of one subsidy's rules (``subsidies.<subsidy>[i]``)."""

    effective_from: RuleDate
    basis: RuleText | None = None
    household_types: Annotated[tuple[str, ...], _codes(HOUSEHOLD_TYPES),
                               AfterValidator(_no_tekun)] = ()
    income_test: IncomeTestSchema | None = None
    target_groups: Annotated[list[TargetGroupSchema], Field(min_length=1)] | None = None
    long_term_care_min_months: Annotated[int, Field(ge=1)] = 6  # 52号
    amount: AmountSchema
    institutional_care_uplift: Annotated[
        Decimal, _ratio(Decimal(0), Decimal(1), low_inclusive=True)] = Decimal(0)
    floor: Money | None = None
    choose_higher_with: Annotated[tuple[str, ...], _codes(ALLOWANCE_TYPES)] = ()

    def rules(self, subsidy: Subsidy) -> SubsidyRules:
        return SubsidyRules(
            subsidy=subsidy, effective_from=self.effective_from, basis=self.basis or "",
            household_types=self.household_types,
            income_test=None if self.income_test is None else IncomeTest(
                self.income_test.dibao_multiple, self.income_test.household_per_capita,
                self.income_test.own_income_working_age),
            target_groups=tuple(TargetGroup(g.name, g.categories, g.grades, g.long_term_care)
                                for g in self.target_groups or ()),
            long_term_care_min_months=self.long_term_care_min_months,
            amount=self.amount.amount(),
            institutional_care_uplift=self.institutional_care_uplift,
            floor=self.floor,
            choose_higher_with=self.choose_higher_with,
        )


Versions = Annotated[list[VersionSchema], Field(min_length=1)]


class SubsidiesSchema(Schema):
    living: Versions
    nursing: Versions


def _schema_version(value: Any) -> Any:
    if value != SCHEMA_VERSION or isinstance(value, bool):
        raise refuse(f"不支持的格式版本 {value!r}（应为 {SCHEMA_VERSION}）",
                     f"unsupported schema {value!r} (expected {SCHEMA_VERSION})")
    return value


class RuleSetFile(Schema):
    """A rule set file (``data/<code>.yaml``): both subsidies' versions, the 低保 standards
    and the public notice."""

    schema_: Annotated[int, BeforeValidator(_schema_version)] = Field(alias="schema")
    ruleset: HeadSchema
    dibao_standard: list[DibaoSchema] | None = None
    public_notice: list[NoticeSchema] | None = None
    subsidies: SubsidiesSchema

    @model_validator(mode="after")
    def _decides_every_case(self) -> RuleSetFile:
        """Versions of a kind start on distinct days, and each subsidy version can decide
        every case it admits."""
        dibao = _sorted_unique(self.dibao_standard or [], "dibao_standard.effective_from")
        _sorted_unique(self.public_notice or [], "public_notice.effective_from")
        for subsidy in Subsidy:
            versions = getattr(self.subsidies, subsidy.value)
            _sorted_unique(versions, f"subsidies.{subsidy.value}.effective_from")
            for i, version in enumerate(versions):
                _check_version(version.rules(subsidy), dibao, f"subsidies.{subsidy.value}.{i}")
        return self

    def rule_set(self, file: str) -> RuleSet:
        head = self.ruleset
        versions = {subsidy: _by_start(v.rules(subsidy) for v in getattr(self.subsidies, subsidy.value))
                    for subsidy in Subsidy}
        return RuleSet(
            code=head.code, name=head.name, region_code=head.region_code,
            region_name=head.region_name, province=head.province,
            sources=tuple(head.sources or ()), file=file,
            dibao_standards=_by_start(d.standard() for d in self.dibao_standard or ()),
            living=versions[Subsidy.LIVING], nursing=versions[Subsidy.NURSING],
            public_notices=_by_start(n.notice() for n in self.public_notice or ()),
        )


def _check_version(rules: SubsidyRules, dibao: list[DibaoSchema], where: str) -> None:
    """Cross-field checks of the version at ``where``: it must be able to decide every
    case it admits."""
    if rules.subsidy is Subsidy.LIVING and not rules.has_hardship_test:
        raise refuse("生活补贴须有困难认定条件：household_types 或 income_test",
                     "the living subsidy needs a hardship test (household_types or income_test)",
                     f"{where}.household_types")
    if rules.subsidy is Subsidy.NURSING and not rules.target_groups:
        raise refuse("护理补贴须列出补贴对象：target_groups", "the nursing subsidy needs target_groups",
                     f"{where}.target_groups")
    if rules.amount.tiers:
        admitted = ({g for group in rules.target_groups for g in group.grades}
                    if rules.target_groups else set(GRADES))
        covered = {g for tier in rules.amount.tiers for g in tier.grades}
        missing = sorted(admitted - covered)
        if missing:
            raise refuse(f"没有档次覆盖 {missing} 级，但这些等级可以享受补贴",
                         f"no tier covers grade(s) {missing}, which the rules admit",
                         f"{where}.amount.tiers")
    uses_dibao = [f for f, used in (("amount.dibao_ratio", rules.amount.dibao_ratio is not None),
                                    ("income_test", rules.income_test is not None)) if used]
    for field in uses_dibao:
        if not dibao or dibao[0].effective_from > rules.effective_from:
            first = dibao[0].effective_from.isoformat() if dibao else "—"
            raise refuse(f"该版本 {rules.version} 生效时尚无低保标准，dibao_standard 最早自 {first} 起",
                         f"no dibao_standard is in force on {rules.version} (the earliest starts "
                         f"{first})", f"{where}.{field}")
