"""Eligibility and monthly amount of the two subsidies (两项补贴), as a pure function.

``decide(ruleset, subsidy, facts, on)`` reads nothing but its arguments: the caller
assembles :class:`Facts` from the database as they stood on the date ``on``, and gets a
:class:`Decision` that lists **every rule it checked**, passed or failed, in Chinese and
English, because staff must be able to tell a citizen exactly why (and the UI shows the
list). ``eligible`` is true exactly when every listed reason passed.

What is code and what is data (docs/domain.md §4):

- **National rules are code** (国发〔2015〕52号, in force 2016-01-01): the person is alive;
  holds a certificate valid on the date; has hukou in the region (one applies where the
  hukou is); is not a 特困供养 person and does not receive 工伤保险生活护理费 (neither
  subsidy); and, for the living subsidy only, is not a child on 孤儿基本生活保障 (a rule
  the brief marks unconfirmed, kept national until a source says otherwise).
- **Local rules are data** (:mod:`canlian.benefits.rulesets`): who counts as in hardship
  (低保 households, Zhejiang's income test), the nursing target groups (grade 1–2 needing
  long-term care; Zhejiang adds grade 3–4 intellectual/mental; Shandong names four
  categories), the amounts, the institutional-care uplift, a floor, and which other
  allowances are taken 择高.

Amounts, in order, once every eligibility rule has passed (each step is also a reason):

1. the **standard**: a ratio of the 低保 standard in force on ``on`` (Zhejiang: 30 %), or
   the tier for the person's grade;
2. **+uplift** when an approved institution provides the care (Zhejiang nursing: +50 %);
3. the **floor** (Shandong: not less than 80 元);
4. **择高** (choose the higher): 52号 says a person also entitled to an elderly, 因公致残 or
   离休 welfare allowance of the same type takes only the higher one. We read that as:
   the other allowance keeps being paid by its own department, so this subsidy pays only
   the **difference** when ours is higher, and **nothing** when the other is equal or
   higher (the person then is not eligible for this subsidy; the reason says why). When
   several same-type allowances are received, the highest is compared.

Money is :class:`~decimal.Decimal`, rounded to the fen (0.01) with ROUND_HALF_UP after each
multiplication, so every amount a reason shows is the amount used in the next step.

The payment period rules (docs/domain.md §4) are here too: payment counts from the month
of application, and stops from the month *after* death, cancellation or expiry of the
certificate, leaving 低保 (living subsidy) or moving the hukou out, so the event month is
still paid (:func:`first_payable_month`, :func:`last_payable_month`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from canlian.certificates.rules import CATEGORY_LABELS, GRADE_LABELS, Category, Grade
from canlian.core.months import month_start
from canlian.core.rule_text import RuleError, gettext_noop

from .rulesets import (
    ALLOWANCE_TYPES,
    CATEGORIES,
    FEN,
    GRADES,
    HOUSEHOLD_TYPES,
    NotInForceError,
    RuleSet,
    Subsidy,
    SubsidyRules,
    TargetGroup,
)

__all__ = [
    "CERTIFICATE_STATUSES",
    "Decision",
    "Facts",
    "FactsError",
    "NotInForceError",
    "Reason",
    "Subsidy",
    "decide",
    "decide_both",
    "first_payable_month",
    "last_payable_month",
    "payable_months",
]

# The certificate's status on the date, as the caller read it. Only "issued" can be valid;
# the others are the model's statuses plus "none" (never certified).
CERTIFICATE_STATUSES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "issued": ("有效", "issued"),
    "expired": ("已过期", "expired"),
    "cancelled": ("已注销", "cancelled"),
    "replaced": ("已换发", "replaced by a newer certificate"),
    "transferred_out": ("已迁出", "transferred out"),
    "none": ("未持证", "no certificate"),
})

ZERO = Decimal("0.00")

CATEGORY_EN = {1: "visual", 2: "hearing", 3: "speech", 4: "physical", 5: "intellectual", 6: "mental",
               7: "multiple"}


class FactsError(RuleError):
    """Facts that the rules cannot be applied to (a caller's bug, not an ineligible person);
    ``code`` names the fact, ``message`` says what is wrong (``core.rule_text``)."""


@dataclass(frozen=True, kw_only=True)
class Facts:
    """A person's facts as they stood on the date of the decision.

    ``household_income_per_capita`` and ``own_income`` are monthly, in 元; ``None`` means
    not recorded (an income test then fails rather than guesses). ``care_months`` is how
    long the extra care need has lasted or is assessed to last; ``None`` means not
    recorded, and then ``needs_long_term_care`` (the assessor's finding) decides alone.
    ``other_allowances`` maps :data:`~canlian.benefits.rulesets.ALLOWANCE_TYPES` codes to
    the monthly amount of each other welfare allowance received, for 择高.
    """

    birth_date: dt.date
    alive: bool
    certificate_status: str
    certificate_valid_until: dt.date | None
    category: int | None  # 1..7 (GB/T 26341-2010)
    grade: int | None  # 1..4, 1 most severe
    household_type: str  # ordinary | dibao | dibao_edge | tekun
    household_income_per_capita: Decimal | None
    own_income: Decimal | None
    needs_long_term_care: bool
    care_months: int | None
    institutional_care: bool  # care provided by an approved institution (认定的托养/照护机构)
    hukou_in_region: bool
    work_injury_care_allowance: bool  # receives 工伤保险生活护理费
    orphan_basic_living: bool  # receives 孤儿基本生活保障金
    other_allowances: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.birth_date, dt.date) or isinstance(self.birth_date, dt.datetime):
            raise FactsError("birth_date", gettext_noop("The birth date must be a date, not %(value)s"),
                             value=repr(self.birth_date))
        if self.certificate_status not in CERTIFICATE_STATUSES:
            allowed = ", ".join(CERTIFICATE_STATUSES)
            raise FactsError("certificate_status", gettext_noop(
                "Unknown certificate status %(value)s; expected one of %(allowed)s"),
                value=repr(self.certificate_status), allowed=allowed)
        for name, allowed_range, missing, wrong in (
                ("category", CATEGORIES, gettext_noop("An issued certificate has a category"),
                 gettext_noop("The category must be %(low)s–%(high)s, not %(value)s")),
                ("grade", GRADES, gettext_noop("An issued certificate has a grade"),
                 gettext_noop("The grade must be %(low)s–%(high)s, not %(value)s"))):
            value = getattr(self, name)
            if value is None:
                if self.certificate_status == "issued":
                    raise FactsError(name, missing)
            elif isinstance(value, bool) or not isinstance(value, int) or value not in allowed_range:
                raise FactsError(name, wrong, low=allowed_range.start,
                                 high=allowed_range.stop - 1, value=repr(value))
        if self.household_type not in HOUSEHOLD_TYPES:
            allowed = ", ".join(HOUSEHOLD_TYPES)
            raise FactsError("household_type", gettext_noop(
                "Unknown household type %(value)s; expected one of %(allowed)s"),
                value=repr(self.household_type), allowed=allowed)
        for name in ("household_income_per_capita", "own_income"):
            _check_money(name, getattr(self, name), optional=True)
        if self.care_months is not None and (
                isinstance(self.care_months, bool) or not isinstance(self.care_months, int)
                or self.care_months < 0):
            raise FactsError("care_months", gettext_noop(
                "The months of care must be a whole number ≥ 0, not %(value)s"),
                value=repr(self.care_months))
        for key, amount in self.other_allowances.items():
            if key not in ALLOWANCE_TYPES:
                allowed = ", ".join(ALLOWANCE_TYPES)
                raise FactsError("other_allowances", gettext_noop(
                    "Unknown allowance type %(value)s; expected one of %(allowed)s"),
                    value=repr(key), allowed=allowed)
            _check_money(f"other_allowances[{key}]", amount, optional=False)
        object.__setattr__(self, "other_allowances", MappingProxyType(dict(self.other_allowances)))

    def age_on(self, day: dt.date) -> int:
        """Completed years of age on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def _check_money(name: str, value: object, *, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise FactsError(name, gettext_noop(
            "%(name)s must be a finite Decimal amount, not %(value)s"), name=name,
            value=repr(value))
    if value < 0:
        raise FactsError(name, gettext_noop("%(name)s must not be negative: %(value)s"),
                         name=name, value=value)


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule checked: its stable code, whether it passed, and why, in both languages."""

    rule: str
    passed: bool
    text_zh: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one subsidy on one date, with every rule checked."""

    subsidy: Subsidy
    eligible: bool
    monthly_amount: Decimal  # 0.00 when not eligible
    reasons: tuple[Reason, ...]
    rule_version: str  # effective_from (ISO) of the rule version used
    ruleset: str  # the rule set's code
    on: dt.date

    @property
    def failed(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.passed)

    def reason(self, rule: str) -> Reason:
        """The reason for one rule code (``KeyError`` if that rule was not checked)."""
        for r in self.reasons:
            if r.rule == rule:
                return r
        raise KeyError(rule)


def registry_facts(*, category: int | None, grade: int | None, household_type: str,
                   income: Decimal | None, alive: bool = True, certificate_valid: bool = True,
                   institutional_care: bool = False,
                   birth_date: dt.date = dt.date(1900, 1, 1)) -> Facts:
    """The Facts of a person who has not applied, from what the registry holds: the
    certificate's category and grade, the household type and income, and whether an
    approved institution provides care. What only an application records is assumed the
    way the gap list assumes it (``likely``): hukou in the region, a long-term care need
    (the assessor decides it on application), no work-injury care allowance, no orphans'
    allowance, no own income, no other allowance (the gap list leaves the birth date out:
    its groups are by category, grade and household). The gap list (``likely``) and the
    programme engine's ``subsidy`` rule (``programmes.rules``) both decide from these
    facts, so both say "eligible" exactly when the subsidy pages would."""
    return Facts(
        birth_date=birth_date, alive=alive,
        certificate_status="issued" if certificate_valid else "none",
        certificate_valid_until=None, category=category, grade=grade,
        household_type=household_type or "ordinary", household_income_per_capita=income,
        own_income=None, needs_long_term_care=True, care_months=None,
        institutional_care=institutional_care, hukou_in_region=True,
        work_injury_care_allowance=False, orphan_basic_living=False)


def household_income_limit(ruleset: RuleSet, subsidy: str, on: dt.date) -> Decimal | None:
    """The household income per capita below which ``subsidy``'s income test passes on
    ``on``; None where its rules test no household income (or are not in force). From the
    registry's facts (``registry_facts``: no own income recorded) this side of the limit is
    all the decision reads of the income, and it reads no age: the programme engine's
    simulation decides once per group of persons alike in these (``programmes.rules``)."""
    try:
        test = ruleset.rules_on(subsidy, on).income_test
        if test is None or not test.household_per_capita:
            return None
        return fen(ruleset.dibao_on(on).monthly * test.dibao_multiple)
    except NotInForceError:
        return None


def fen(amount: Decimal) -> Decimal:
    """Round to the fen (0.01), half up."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def _yuan(amount: Decimal) -> str:
    return f"{fen(amount):.2f}"


def _percent(ratio: Decimal) -> str:
    return format((ratio * 100).normalize(), "f") + "%"


def _reason(rule: str, passed: bool, label: tuple[str, str], detail: tuple[str, str]) -> Reason:
    return Reason(rule, passed, f"{label[0]}：{detail[0]}", f"{label[1]}: {detail[1]}")


def _who(facts: Facts) -> tuple[str, str]:
    if facts.category is None or facts.grade is None:
        return "未评定类别等级", "no category or grade"
    return (f"{CATEGORY_LABELS[Category(facts.category)]}{GRADE_LABELS[Grade(facts.grade)]}",
            f"{CATEGORY_EN[facts.category]}, grade {facts.grade}")


# --- the rules ---------------------------------------------------------------------------------


def decide(ruleset: RuleSet, subsidy: Subsidy | str, facts: Facts, on: dt.date) -> Decision:
    """Decide one subsidy for one person on one date.

    Raises :class:`NotInForceError` when ``on`` is before the rule set's first version
    of that subsidy (or before its first 低保 standard, where the rules use it).
    """
    subsidy = Subsidy(subsidy)
    rules = ruleset.rules_on(subsidy, on)
    reasons = [
        *_national(subsidy, facts, on, ruleset),
        *_local(rules, ruleset, facts, on),
    ]
    amount = ZERO
    if all(r.passed for r in reasons):
        amount, amount_reasons = _amount(rules, ruleset, facts, on)
        reasons.extend(amount_reasons)
    eligible = all(r.passed for r in reasons)
    return Decision(
        subsidy=subsidy,
        eligible=eligible,
        monthly_amount=amount if eligible else ZERO,
        reasons=tuple(reasons),
        rule_version=rules.version,
        ruleset=ruleset.code,
        on=on,
    )


def decide_both(ruleset: RuleSet, facts: Facts, on: dt.date) -> dict[Subsidy, Decision]:
    """Both subsidies: a person may hold both at once."""
    return {s: decide(ruleset, s, facts, on) for s in Subsidy}


def _national(subsidy: Subsidy, facts: Facts, on: dt.date, ruleset: RuleSet) -> list[Reason]:
    """The rules 52号 sets for every region."""
    out = [
        _reason("alive", facts.alive, ("本人在世", "person is alive"),
                ("在世", "alive") if facts.alive else ("已死亡", "deceased")),
        _certificate(facts, on),
        _reason("hukou_in_region", facts.hukou_in_region,
                (f"户籍在{ruleset.region_name}", f"hukou in {ruleset.region_name} ({ruleset.region_code})"),
                ("是", "yes") if facts.hukou_in_region else ("户籍不在本地，应向户籍地申请",
                                                             "no; apply where the hukou is")),
        _reason("not_tekun", facts.household_type != "tekun",
                ("非特困供养人员（特困供养人员不享受两项补贴）",
                 "not in destitute support (特困供养 persons get neither subsidy)"),
                ("是特困供养人员", "is a 特困供养 person") if facts.household_type == "tekun"
                else ("不是特困供养人员", "not a 特困供养 person")),
        _reason("no_work_injury_care", not facts.work_injury_care_allowance,
                ("未享受工伤保险生活护理费", "no work-injury insurance care allowance (工伤保险生活护理费)"),
                ("正在享受，两项补贴均不享受", "receives it, so gets neither subsidy")
                if facts.work_injury_care_allowance else ("未享受", "none received")),
    ]
    if subsidy is Subsidy.LIVING:
        out.append(_reason(
            "not_orphan", not facts.orphan_basic_living,
            ("未享受孤儿基本生活保障（享受者不享受生活补贴）",
             "not on the orphans' basic living allowance (孤儿基本生活保障 excludes the living subsidy)"),
            ("正在享受孤儿基本生活保障", "receives the orphans' basic living allowance")
            if facts.orphan_basic_living else ("未享受", "none received")))
    return out


def _certificate(facts: Facts, on: dt.date) -> Reason:
    label = ("持有有效残疾人证", "holds a valid disability certificate")
    until = facts.certificate_valid_until
    if facts.certificate_status != "issued":
        zh, en = CERTIFICATE_STATUSES[facts.certificate_status]
        return _reason("certificate_valid", False, label, (f"证件{zh}", f"certificate {en}"))
    if until is not None and until < on:
        return _reason("certificate_valid", False, label,
                       (f"已于 {until.isoformat()} 到期", f"expired on {until.isoformat()}"))
    who_zh, who_en = _who(facts)
    if until is None:
        return _reason("certificate_valid", True, label,
                       (f"{who_zh}，有效期未记录", f"{who_en}, no expiry recorded"))
    return _reason("certificate_valid", True, label,
                   (f"{who_zh}，有效期至 {until.isoformat()}", f"{who_en}, valid until {until.isoformat()}"))


def _local(rules: SubsidyRules, ruleset: RuleSet, facts: Facts, on: dt.date) -> list[Reason]:
    out = []
    if rules.has_hardship_test:
        out.append(_hardship(rules, ruleset, facts, on))
    if rules.target_groups:
        out.append(_target_groups(rules, facts))
    return out


def _hardship(rules: SubsidyRules, ruleset: RuleSet, facts: Facts, on: dt.date) -> Reason:
    """低保 household (or another listed type), or Zhejiang's income test: any one suffices."""
    label_zh: list[str] = []
    label_en: list[str] = []
    detail_zh: list[str] = []
    detail_en: list[str] = []
    passed = False
    if rules.household_types:
        names = [HOUSEHOLD_TYPES[t] for t in rules.household_types]
        label_zh.append("或".join(zh for zh, _ in names))
        label_en.append(" or ".join(en for _, en in names))
        own_zh, own_en = HOUSEHOLD_TYPES[facts.household_type]
        passed = facts.household_type in rules.household_types
        detail_zh.append(f"户类型为{own_zh}")
        detail_en.append(f"household type: {own_en}")
    test = rules.income_test
    if test is not None:
        dibao = ruleset.dibao_on(on)
        limit = fen(dibao.monthly * test.dibao_multiple)
        basis_zh = f"{_yuan(limit)} 元（低保标准 {_yuan(dibao.monthly)} 元 × {test.dibao_multiple}）"
        basis_en = f"{_yuan(limit)} yuan (dibao standard {_yuan(dibao.monthly)} × {test.dibao_multiple})"
        multiple = format(test.dibao_multiple.normalize(), "f")
        if test.household_per_capita:
            label_zh.append(f"家庭人均收入低于低保标准的 {multiple} 倍")
            label_en.append(f"household income per capita below {multiple} × the dibao standard")
            income = facts.household_income_per_capita
            if income is None:
                detail_zh.append("家庭人均收入未记录")
                detail_en.append("household income per capita not recorded")
            else:
                ok = income < limit
                passed = passed or ok
                detail_zh.append(f"家庭人均收入 {_yuan(income)} 元 {'<' if ok else '≥'} {basis_zh}")
                detail_en.append(f"household income per capita {_yuan(income)} "
                                 f"{'<' if ok else '≥'} {basis_en}")
        if test.own_income_working_age is not None:
            low, high = test.own_income_working_age
            label_zh.append(f"劳动年龄段（{low}–{high} 周岁）本人收入低于低保标准的 {multiple} 倍")
            label_en.append(f"working age ({low}–{high}) and own income below {multiple} × "
                            "the dibao standard")
            age = facts.age_on(on)
            if not low <= age <= high:
                detail_zh.append(f"{age} 周岁，不在劳动年龄段")
                detail_en.append(f"aged {age}, not of working age")
            elif facts.own_income is None:
                detail_zh.append("本人收入未记录")
                detail_en.append("own income not recorded")
            else:
                ok = facts.own_income < limit
                passed = passed or ok
                detail_zh.append(f"{age} 周岁，本人收入 {_yuan(facts.own_income)} 元 "
                                 f"{'<' if ok else '≥'} {basis_zh}")
                detail_en.append(f"aged {age}, own income {_yuan(facts.own_income)} "
                                 f"{'<' if ok else '≥'} {basis_en}")
    return Reason("hardship", passed, "，或".join(label_zh) + "：" + "；".join(detail_zh),
                  " or ".join(label_en) + ": " + "; ".join(detail_en))


def _long_term_care(rules: SubsidyRules, facts: Facts) -> tuple[bool, str, str]:
    """Long-term care (长期照护): the assessed need, lasting at least the minimum months.

    ``care_months`` unknown: the assessor's ``needs_long_term_care`` finding decides.
    """
    minimum = rules.long_term_care_min_months
    if not facts.needs_long_term_care:
        return False, "不需要长期照护", "does not need long-term care"
    if facts.care_months is not None and facts.care_months < minimum:
        return (False, f"照护需求 {facts.care_months} 个月，不足 {minimum} 个月",
                f"care need of {facts.care_months} months is under {minimum}")
    if facts.care_months is None:
        return True, "需要长期照护", "needs long-term care"
    return (True, f"需要长期照护 {facts.care_months} 个月（≥ {minimum}）",
            f"needs long-term care for {facts.care_months} months (≥ {minimum})")


def _target_groups(rules: SubsidyRules, facts: Facts) -> Reason:
    """The person falls in at least one target group (补贴对象)."""
    label = ("属于补贴对象（" + "；或".join(g.name for g in rules.target_groups) + "）",
             "in a target group (" + "; or ".join(g.name for g in rules.target_groups) + ")")
    who_zh, who_en = _who(facts)
    misses_zh, misses_en = [], []
    for group in rules.target_groups:
        ok, zh, en = _in_group(group, rules, facts)
        if ok:
            return _reason("target_group", True, label,
                           (f"{who_zh}，符合「{group.name}」{zh}", f"{who_en}, in {group.name!r}{en}"))
        misses_zh.append(f"不符合「{group.name}」：{zh}")
        misses_en.append(f"not in {group.name!r}: {en}")
    return _reason("target_group", False, label,
                   (f"{who_zh}；" + "；".join(misses_zh), f"{who_en}; " + "; ".join(misses_en)))


def _in_group(group: TargetGroup, rules: SubsidyRules, facts: Facts) -> tuple[bool, str, str]:
    if facts.category not in group.categories:
        return False, "类别不符", "category does not match"
    if facts.grade not in group.grades:
        return False, "等级不符", "grade does not match"
    if group.long_term_care:
        ok, zh, en = _long_term_care(rules, facts)
        return ok, ("，" if ok else "") + zh, (", " if ok else "") + en
    return True, "", ""


def _amount(rules: SubsidyRules, ruleset: RuleSet, facts: Facts, on: dt.date) -> tuple[Decimal, list[Reason]]:
    """Standard → institutional uplift → floor → 择高; every step configured is a reason."""
    out: list[Reason] = []
    subsidy = rules.subsidy
    label = ("月补贴标准", "monthly standard")
    if rules.amount.dibao_ratio is not None:
        ratio = rules.amount.dibao_ratio
        dibao = ruleset.dibao_on(on)
        amount = fen(dibao.monthly * ratio)
        out.append(_reason("amount_standard", True, label, (
            f"低保标准 {_yuan(dibao.monthly)} 元（{dibao.effective_from.isoformat()} 起）× {_percent(ratio)}"
            f" = {_yuan(amount)} 元",
            f"dibao standard {_yuan(dibao.monthly)} yuan (from {dibao.effective_from.isoformat()})"
            f" × {_percent(ratio)} = {_yuan(amount)} yuan")))
    else:
        tier = rules.amount.tier_for(facts.grade) if facts.grade is not None else None
        if tier is None:  # the loader rejects tiers that miss an admitted grade
            out.append(_reason("amount_standard", False, label,
                               ("没有适用于该等级的档次", "no tier for this grade")))
            return ZERO, out
        amount = tier.monthly
        out.append(_reason("amount_standard", True, label,
                           (f"{tier.name} {_yuan(amount)} 元", f"tier {tier.name!r}: {_yuan(amount)} yuan")))
    if rules.institutional_care_uplift:
        uplift = rules.institutional_care_uplift
        rule_label = (f"经认定的机构提供照护的上浮 {_percent(uplift)}",
                      f"{_percent(uplift)} more when an approved institution provides the care")
        if facts.institutional_care:
            raised = fen(amount * (1 + uplift))
            detail = (f"由机构照护，{_yuan(amount)} 元 × {1 + uplift} = {_yuan(raised)} 元",
                      f"cared for by an institution: {_yuan(amount)} × {1 + uplift} = {_yuan(raised)} yuan")
            amount = raised
        else:
            detail = ("非机构照护，不上浮", "not in institutional care, no uplift")
        out.append(_reason("amount_institutional_care", True, rule_label, detail))
    if rules.floor is not None:
        rule_label = (f"不低于最低标准 {_yuan(rules.floor)} 元",
                      f"at least the floor of {_yuan(rules.floor)} yuan")
        if amount < rules.floor:
            detail = (f"{_yuan(amount)} 元低于最低标准，按 {_yuan(rules.floor)} 元发放",
                      f"{_yuan(amount)} is below the floor; {_yuan(rules.floor)} is paid")
            amount = rules.floor
        else:
            detail = (f"{_yuan(amount)} 元，不低于最低标准", f"{_yuan(amount)} yuan, not below the floor")
        out.append(_reason("amount_floor", True, rule_label, detail))
    if rules.choose_higher_with:
        amount, reason = _choose_higher(rules, subsidy, facts, amount)
        out.append(reason)
    return fen(amount), out


def _choose_higher(rules: SubsidyRules, subsidy: Subsidy, facts: Facts,
                   amount: Decimal) -> tuple[Decimal, Reason]:
    """择高: see the module docstring for how "take the higher one" is paid."""
    names = [ALLOWANCE_TYPES[k] for k in rules.choose_higher_with]
    label = (f"择高：不与同类福利补贴（{'、'.join(zh for zh, _ in names)}）叠加",
             "take the higher: not stacked with allowances of the same type "
             f"({', '.join(en for _, en in names)})")
    received = {k: v for k, v in facts.other_allowances.items() if k in rules.choose_higher_with and v > 0}
    if not received:
        return amount, _reason("choose_higher", True, label, ("未享受同类补贴", "none received"))
    key = max(received, key=lambda k: received[k])
    other = received[key]
    zh_name, en_name = ALLOWANCE_TYPES[key]
    if other >= amount:
        return ZERO, _reason("choose_higher", False, label, (
            f"已享受{zh_name} {_yuan(other)} 元，不低于{subsidy.label_zh} {_yuan(amount)} 元，按择高不再发放",
            f"receives the {en_name} of {_yuan(other)} yuan, not less than the {subsidy.label_en} of "
            f"{_yuan(amount)}, so nothing is paid"))
    top_up = fen(amount - other)
    return top_up, _reason("choose_higher", True, label, (
        f"已享受{zh_name} {_yuan(other)} 元，低于{subsidy.label_zh} {_yuan(amount)} 元，"
        f"补差 {_yuan(top_up)} 元",
        f"receives the {en_name} of {_yuan(other)} yuan, less than the {subsidy.label_en} of "
        f"{_yuan(amount)}, so the difference of {_yuan(top_up)} is paid"))


# --- payment period ------------------------------------------------------------------------------



def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def first_payable_month(application_date: dt.date) -> dt.date:
    """Payment counts from the month of application, once approved: the 1st of that month."""
    return month_start(application_date)


def last_payable_month(stop_event_date: dt.date) -> dt.date:
    """The last month paid (its 1st) after a stop event: the event's own month.

    Payment stops from the month *after* death, cancellation or expiry of the certificate,
    leaving 低保 (living subsidy) or moving the hukou out, so the event month is still paid.
    """
    return month_start(stop_event_date)


def payable_months(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """The 1st of every month from ``first`` to ``last``, inclusive (empty if last < first)."""
    out = []
    month, end = month_start(first), month_start(last)
    while month <= end:
        out.append(month)
        month = next_month(month)
    return tuple(out)
