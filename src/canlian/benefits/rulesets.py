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

Loading checks every field and fails on the first problem with a
:class:`RuleSetError` that names the file, the rule (e.g. ``subsidies.nursing[1]
(2026-01-01)``) and the field (e.g. ``amount.tiers[0].monthly``), in Chinese and English.
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
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from canlian.core.rule_text import english, gettext_noop, translated

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


class Term(str):
    """A parameter of a message that is itself an English msgid (a noun such as "grades"),
    translated with the message when it is read."""


class RuleSetError(ValueError):
    """A rule set file that cannot be used, naming the file, the rule and the field.

    ``msgid`` says what is wrong in English (``gettext_noop``, the Chinese in
    ``locale/zh_Hans``) with its ``params``; ``message`` is the whole sentence in the active
    language, ``str()`` in English (``core.rule_text``)."""

    WHERE = gettext_noop("Rules file %(file)s, rule %(rule)s, field %(field)s: %(reason)s")

    def __init__(self, file: str, rule: str, field: str, msgid: str, **params: Any) -> None:
        self.file = file
        self.rule = rule
        self.field = field
        self.msgid, self.params = msgid, params
        super().__init__(self._text(english))

    def _text(self, language: Any) -> str:
        params = {k: language(v) if isinstance(v, Term) else v for k, v in self.params.items()}
        return language(self.WHERE, {"file": self.file, "rule": self.rule, "field": self.field,
                                     "reason": language(self.msgid, params or None)})

    @property
    def message(self) -> str:
        """The message in the active language (``str()`` is English)."""
        return self._text(translated)


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
    """Read and validate one rule set file."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(translated(gettext_noop("Rules file %(path)s not found"),
                                           {"path": path})) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleSetError(name, "-", "-", gettext_noop("YAML syntax error at line %(line)s: "
                                                        "%(problem)s"),
                           line=mark.line + 1 if mark else "?", problem=exc) from None
    except ValueError as exc:  # e.g. an explicit !!timestamp that is not a real date
        raise RuleSetError(name, "-", "-", gettext_noop("invalid value in the YAML: %(problem)s"),
                           problem=exc) from None
    return parse(data, file=name)


class _Loader(yaml.SafeLoader):
    """A SafeLoader that leaves dates as text, so that an impossible date such as
    ``2024-13-01`` is reported with its rule and field instead of failing inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(data: Any, *, file: str = "<data>") -> RuleSet:
    """Validate already-parsed YAML (a mapping) into a :class:`RuleSet`."""
    return _Parser(file).ruleset(data)


class _Parser:
    """Field-by-field validation; every failure names file, rule and field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, rule: str, field: str, msgid: str, **params: Any) -> NoReturn:
        raise RuleSetError(self.file, rule, field, msgid, **params)

    # Generic readers -----------------------------------------------------------------------

    def mapping(self, rule: str, field: str, value: Any, required: set[str], optional: set[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(rule, field or "-", gettext_noop("expected a mapping, got %(kind)s"),
                      kind=_kind(value))
        prefix = f"{field}." if field else ""
        for key in value:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.fail(rule, f"{prefix}{key}",
                          gettext_noop("unknown field (allowed: %(allowed)s)"), allowed=allowed)
        for key in sorted(required):
            if key not in value or value[key] is None:
                self.fail(rule, f"{prefix}{key}", gettext_noop("required field is missing"))
        return value

    def text(self, rule: str, field: str, value: Any) -> str:
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            self.fail(rule, field, gettext_noop("expected non-empty text, got %(value)r"),
                      value=value)
        return str(value).strip()

    def boolean(self, rule: str, field: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.fail(rule, field, gettext_noop("expected true or false, got %(value)r"),
                      value=value)
        return value

    def date(self, rule: str, field: str, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            self.fail(rule, field, gettext_noop(
                "expected a date (YYYY-MM-DD) without a time, got %(value)r"), value=value)
        parsed = value if isinstance(value, dt.date) else None
        if isinstance(value, str):
            try:
                parsed = dt.date.fromisoformat(value.strip())
            except ValueError:
                parsed = None
        if parsed is None:
            self.fail(rule, field, gettext_noop("expected a date (YYYY-MM-DD), got %(value)r"),
                      value=value)
        return parsed

    def decimal(self, rule: str, field: str, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(rule, field, gettext_noop("expected a number, got %(value)r"), value=value)
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.fail(rule, field, gettext_noop("expected a number, got %(value)r"), value=value)
        if not number.is_finite():
            self.fail(rule, field, gettext_noop("expected a finite number, got %(value)r"),
                      value=value)
        return number

    def money(self, rule: str, field: str, value: Any, *, positive: bool = True) -> Decimal:
        amount = self.decimal(rule, field, value)
        if amount < 0:
            self.fail(rule, field, gettext_noop("amount must not be negative, got %(value)s"),
                      value=value)
        if positive and amount == 0:
            self.fail(rule, field, gettext_noop("amount must be greater than 0"))
        if amount != amount.quantize(FEN):
            self.fail(rule, field, gettext_noop(
                "amount must have at most 2 decimal places (fen), got %(value)s"), value=value)
        return amount.quantize(FEN)

    def ratio(self, rule: str, field: str, value: Any, low: Decimal, high: Decimal, *,
              low_inclusive: bool) -> Decimal:
        number = self.decimal(rule, field, value)
        too_low = number < low or (number == low and not low_inclusive)
        if too_low or number > high:
            bracket = "[" if low_inclusive else "("
            self.fail(rule, field, gettext_noop("must be in %(range)s, got %(value)s"),
                      range=f"{bracket}{low}, {high}]", value=value)
        return number

    def int_list(self, rule: str, field: str, value: Any, allowed: range,
                 what: Term) -> tuple[int, ...]:
        """A list of distinct whole numbers in ``allowed``; ``what`` names them (a msgid)."""
        if not isinstance(value, list) or not value:
            self.fail(rule, field, gettext_noop("expected a non-empty list of %(what)s"),
                      what=what)
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or item not in allowed:
                self.fail(rule, field, gettext_noop("%(what)s must be %(low)s–%(high)s, got "
                                                    "%(item)r"),
                          what=what, low=allowed.start, high=allowed.stop - 1, item=item)
        if len(set(value)) != len(value):
            self.fail(rule, field, gettext_noop("duplicate %(what)s: %(value)s"), what=what,
                      value=value)
        return tuple(sorted(value))

    def codes(self, rule: str, field: str, value: Any, vocabulary: Mapping[str, Any]) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(rule, field, gettext_noop("expected a list"))
        for item in value:
            if item not in vocabulary:
                allowed = ", ".join(vocabulary)
                self.fail(rule, field, gettext_noop("unknown code %(item)r (allowed: %(allowed)s)"),
                          item=item, allowed=allowed)
        return tuple(dict.fromkeys(value))

    # The file -------------------------------------------------------------------------------

    def ruleset(self, data: Any) -> RuleSet:
        top = self.mapping("-", "", data, {"schema", "ruleset", "subsidies"},
                           {"dibao_standard", "public_notice"})
        if top["schema"] != SCHEMA_VERSION:
            self.fail("-", "schema", gettext_noop("unsupported schema %(schema)r (expected "
                                                  "%(expected)s)"),
                      schema=top["schema"], expected=SCHEMA_VERSION)
        head = self.mapping("ruleset", "", top["ruleset"],
                            {"code", "name", "region_code", "region_name", "province"}, {"sources"})
        sources = head.get("sources") or []
        if not isinstance(sources, list):
            self.fail("ruleset", "sources", gettext_noop("expected a list"))
        dibao = self.dibao_standards(top.get("dibao_standard"))
        subsidies = top["subsidies"]
        if not isinstance(subsidies, dict):
            self.fail("subsidies", "subsidies", gettext_noop(
                "expected a mapping of living/nursing to versions, got %(kind)s"),
                kind=_kind(subsidies))
        for key in subsidies:
            if key not in set(Subsidy):
                self.fail(f"subsidies.{key}", "subsidies", gettext_noop(
                    "unknown subsidy %(key)r (expected one of: living, nursing)"), key=key)
        for subsidy in Subsidy:
            if subsidy.value not in subsidies:
                self.fail(f"subsidies.{subsidy.value}", "-",
                          gettext_noop("the %(subsidy)s has no rules"),
                          subsidy=Term(subsidy.label_en))
        versions = {s: self.versions(s, subsidies[s.value], dibao) for s in Subsidy}
        return RuleSet(
            code=self.text("ruleset", "code", head["code"]),
            name=self.text("ruleset", "name", head["name"]),
            region_code=self.text("ruleset", "region_code", head["region_code"]),
            region_name=self.text("ruleset", "region_name", head["region_name"]),
            province=self.text("ruleset", "province", head["province"]),
            sources=tuple(self.text("ruleset", f"sources[{i}]", s) for i, s in enumerate(sources)),
            file=self.file,
            dibao_standards=dibao,
            living=versions[Subsidy.LIVING],
            nursing=versions[Subsidy.NURSING],
            public_notices=self.public_notices(top.get("public_notice")),
        )

    def public_notices(self, value: Any) -> tuple[PublicNotice, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail("public_notice", "-", gettext_noop("expected a list of versions"))
        out = []
        for i, row in enumerate(value):
            rule = f"public_notice[{i}]"
            row = self.mapping(rule, "", row, {"effective_from", "working_days", "subsidies"},
                               {"basis"})
            days = row["working_days"]
            if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 30:
                self.fail(rule, "working_days", gettext_noop(
                    "expected a whole number of working days 0–30, got %(days)r"), days=days)
            subsidies = row["subsidies"]
            if not isinstance(subsidies, list) or any(x not in set(Subsidy) for x in subsidies):
                self.fail(rule, "subsidies", gettext_noop(
                    "expected a list of subsidy codes (living, nursing), got %(subsidies)r"),
                    subsidies=subsidies)
            basis = row.get("basis")
            out.append(PublicNotice(self.date(rule, "effective_from", row["effective_from"]),
                                    days, tuple(subsidies),
                                    "" if basis is None else self.text(rule, "basis", basis)))
        return tuple(self._sorted_unique("public_notice", out))

    def dibao_standards(self, value: Any) -> tuple[DibaoStandard, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail("dibao_standard", "-", gettext_noop("expected a list of versions"))
        out = []
        for i, row in enumerate(value):
            rule = f"dibao_standard[{i}]"
            row = self.mapping(rule, "", row, {"effective_from", "monthly"}, set())
            out.append(DibaoStandard(self.date(rule, "effective_from", row["effective_from"]),
                                     self.money(rule, "monthly", row["monthly"])))
        return tuple(self._sorted_unique("dibao_standard", out))

    def _sorted_unique(self, rule: str, items: list) -> list:
        items = sorted(items, key=lambda item: item.effective_from)
        for a, b in itertools.pairwise(items):
            if a.effective_from == b.effective_from:
                self.fail(rule, "effective_from", gettext_noop(
                    "two versions start on the same date %(day)s"), day=a.effective_from)
        return items

    def versions(self, subsidy: Subsidy, value: Any, dibao: tuple[DibaoStandard, ...]) -> tuple:
        where = f"subsidies.{subsidy.value}"
        if not isinstance(value, list) or not value:
            self.fail(where, "-", gettext_noop(
                "expected a non-empty list of versions, each with effective_from"))
        out = [self.version(subsidy, f"{where}[{i}]", row, dibao) for i, row in enumerate(value)]
        return tuple(self._sorted_unique(where, out))

    def version(self, subsidy: Subsidy, rule: str, row: Any,
                dibao: tuple[DibaoStandard, ...]) -> SubsidyRules:
        if isinstance(row, dict) and row.get("effective_from") is not None:
            rule = f"{rule} ({row['effective_from']})"
        row = self.mapping(rule, "", row, {"effective_from", "amount"}, {
            "basis", "household_types", "income_test", "target_groups", "long_term_care_min_months",
            "institutional_care_uplift", "floor", "choose_higher_with"})
        effective_from = self.date(rule, "effective_from", row["effective_from"])
        household_types = self.codes(rule, "household_types", row.get("household_types"), HOUSEHOLD_TYPES)
        if "tekun" in household_types:
            self.fail(rule, "household_types", gettext_noop(
                "tekun (destitute-support) persons get neither subsidy under national rules"))
        income_test = self.income_test(rule, row.get("income_test"))
        groups = self.target_groups(rule, row.get("target_groups"))
        months = row.get("long_term_care_min_months", 6)
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            self.fail(rule, "long_term_care_min_months", gettext_noop(
                "expected a positive whole number of months, got %(months)r"), months=months)
        amount = self.amount(rule, row["amount"])
        uplift = self.ratio(rule, "institutional_care_uplift", row.get("institutional_care_uplift", 0),
                            Decimal(0), Decimal(1), low_inclusive=True)
        floor = row.get("floor")
        floor = None if floor is None else self.money(rule, "floor", floor)
        rules = SubsidyRules(
            subsidy=subsidy,
            effective_from=effective_from,
            basis=self.text(rule, "basis", row["basis"]) if row.get("basis") is not None else "",
            household_types=household_types,
            income_test=income_test,
            target_groups=groups,
            long_term_care_min_months=months,
            amount=amount,
            institutional_care_uplift=uplift,
            floor=floor,
            choose_higher_with=self.codes(rule, "choose_higher_with", row.get("choose_higher_with"),
                                          ALLOWANCE_TYPES),
        )
        self.check_version(rule, rules, dibao)
        return rules

    def income_test(self, rule: str, value: Any) -> IncomeTest | None:
        if value is None:
            return None
        row = self.mapping(rule, "income_test", value, {"dibao_multiple"},
                           {"household_per_capita", "own_income_working_age"})
        multiple = self.ratio(rule, "income_test.dibao_multiple", row["dibao_multiple"],
                              Decimal(0), Decimal(10), low_inclusive=False)
        household = self.boolean(rule, "income_test.household_per_capita",
                                 row.get("household_per_capita", False))
        ages = row.get("own_income_working_age")
        if ages is not None:
            ok = (isinstance(ages, list) and len(ages) == 2
                  and all(isinstance(a, int) and not isinstance(a, bool) and 0 <= a <= 120 for a in ages)
                  and ages[0] <= ages[1])
            if not ok:
                self.fail(rule, "income_test.own_income_working_age", gettext_noop(
                    "expected [min_age, max_age] in completed years, inclusive, got %(ages)r"),
                    ages=ages)
            ages = (ages[0], ages[1])
        if not household and ages is None:
            self.fail(rule, "income_test", gettext_noop(
                "an income test needs household_per_capita or own_income_working_age"))
        return IncomeTest(multiple, household, ages)

    def target_groups(self, rule: str, value: Any) -> tuple[TargetGroup, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.fail(rule, "target_groups", gettext_noop("expected a non-empty list"))
        out = []
        for i, row in enumerate(value):
            field = f"target_groups[{i}]"
            row = self.mapping(rule, field, row, {"name", "categories", "grades"}, {"long_term_care"})
            out.append(TargetGroup(
                name=self.text(rule, f"{field}.name", row["name"]),
                categories=self.int_list(rule, f"{field}.categories", row["categories"], CATEGORIES,
                                         Term(gettext_noop("disability categories"))),
                grades=self.int_list(rule, f"{field}.grades", row["grades"], GRADES,
                                     Term(gettext_noop("disability grades"))),
                long_term_care=self.boolean(rule, f"{field}.long_term_care",
                                            row.get("long_term_care", False)),
            ))
        return tuple(out)

    def amount(self, rule: str, value: Any) -> Amount:
        row = self.mapping(rule, "amount", value, set(), {"dibao_ratio", "tiers"})
        if ("dibao_ratio" in row) == ("tiers" in row):
            self.fail(rule, "amount", gettext_noop("give exactly one of dibao_ratio or tiers"))
        if "dibao_ratio" in row:
            return Amount(dibao_ratio=self.ratio(rule, "amount.dibao_ratio", row["dibao_ratio"],
                                                 Decimal(0), Decimal(1), low_inclusive=False))
        tiers = row["tiers"]
        if not isinstance(tiers, list) or not tiers:
            self.fail(rule, "amount.tiers", gettext_noop("expected a non-empty list of tiers"))
        out: list[Tier] = []
        seen: dict[int, str] = {}
        for i, item in enumerate(tiers):
            field = f"amount.tiers[{i}]"
            item = self.mapping(rule, field, item, {"name", "grades", "monthly"}, set())
            tier = Tier(
                name=self.text(rule, f"{field}.name", item["name"]),
                grades=self.int_list(rule, f"{field}.grades", item["grades"], GRADES,
                                     Term(gettext_noop("disability grades"))),
                monthly=self.money(rule, f"{field}.monthly", item["monthly"]),
            )
            for grade in tier.grades:
                if grade in seen:
                    self.fail(rule, f"{field}.grades", gettext_noop(
                        "grade %(grade)s is already in tier %(tier)s"),
                        grade=grade, tier=seen[grade])
                seen[grade] = tier.name
            out.append(tier)
        return Amount(tiers=tuple(out))

    def check_version(self, rule: str, rules: SubsidyRules, dibao: tuple[DibaoStandard, ...]) -> None:
        """Cross-field checks: each version must be able to decide every case it admits."""
        subsidy = rules.subsidy
        if subsidy is Subsidy.LIVING and not rules.has_hardship_test:
            self.fail(rule, "household_types", gettext_noop(
                "the living subsidy needs a hardship test (household_types or income_test)"))
        if subsidy is Subsidy.NURSING and not rules.target_groups:
            self.fail(rule, "target_groups",
                      gettext_noop("the nursing subsidy needs target_groups"))
        if rules.amount.tiers:
            admitted = ({g for group in rules.target_groups for g in group.grades}
                        if rules.target_groups else set(GRADES))
            covered = {g for tier in rules.amount.tiers for g in tier.grades}
            missing = sorted(admitted - covered)
            if missing:
                self.fail(rule, "amount.tiers", gettext_noop(
                    "no tier covers grade(s) %(missing)s, which the rules admit"),
                    missing=missing)
        uses_dibao = [f for f, used in (("amount.dibao_ratio", rules.amount.dibao_ratio is not None),
                                        ("income_test", rules.income_test is not None)) if used]
        for field in uses_dibao:
            if not dibao or dibao[0].effective_from > rules.effective_from:
                first = dibao[0].effective_from.isoformat() if dibao else "—"
                self.fail(rule, field, gettext_noop(
                    "no dibao_standard is in force on %(version)s (the earliest starts "
                    "%(first)s)"), version=rules.version, first=first)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
