"""Poverty-return watch (防止返贫动态监测): which persons are flagged, and why. No database code.

Households of disabled persons that have left poverty, or sit just above the 低保 line,
fall back when a shock hits: the income drops, a member loses a job, a large medical bill
arrives, or another member becomes severely disabled. The federation screens the registry
for these signs, puts the persons flagged on a watch list and reviews each of them every
month (月度研判) until the risk has passed.

Flags (each with a reason naming the figures behind it):

- ``income_below_line``: per-capita income below the 低保 standard, and the household is
  not already in 低保 or 特困 (it should be: refer it to civil affairs);
- ``income_near_line``: per-capita income at or above the standard but below
  ``near_line_multiple`` × the standard (strictly), outside 低保 and 特困;
- ``job_loss``: a household member lost a job within ``job_loss_months`` (inclusive);
- ``medical_costs``: out-of-pocket medical costs over the last 12 months at or above
  ``medical_costs_threshold`` yuan;
- ``new_severe_disability``: a household member got a first certificate of a severe grade
  (``severe_grades``) within ``new_severe_months`` (inclusive).

The multiple, the months and the amount vary by deployment and are data
(``data/<deployment>.yaml``, ``poverty_watch:``); the 低保 standard itself is the one in
the deployment's subsidy rule set (``benefits/data``), so the two never disagree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from canlian.core.months import month_start
from canlian.core.rule_text import RuleError, gettext_noop

FLAGS = {
    "income_below_line": ("收入低于低保标准但未纳入低保", "income below the dibao line, not in dibao"),
    "income_near_line": ("收入接近低保标准", "income near the dibao line"),
    "job_loss": ("家庭成员失业", "a household member lost a job"),
    "medical_costs": ("大额医疗支出", "large medical costs"),
    "new_severe_disability": ("家庭新增重度残疾人", "a new severe disability in the household"),
}
HELP_KINDS = {
    "dibao": ("协助申请低保/低保边缘", "helped to apply for dibao"),
    "temporary_assistance": ("临时救助", "temporary assistance"),
    "medical_assistance": ("医疗救助", "medical assistance"),
    "employment": ("就业帮扶", "employment help"),
    "subsidy": ("残疾人两项补贴", "disability subsidies"),
    "industry": ("产业帮扶", "support for a family business"),
    "education": ("教育资助", "education support"),
    "other": ("其他", "other"),
}
SITUATIONS = {
    "improved": ("好转", "improved"),
    "stable": ("稳定", "stable"),
    "worse": ("恶化", "worse"),
}


@dataclass(frozen=True, slots=True)
class WatchRules:
    near_line_multiple: Decimal  # e.g. 1.5: "near" is below 1.5 × the 低保 standard
    covered_household_types: tuple[str, ...]  # already in the safety net: no income flags
    job_loss_months: int
    medical_costs_threshold: Decimal
    new_severe_months: int
    severe_grades: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """What the rules read about one person's household on ``today``."""

    today: dt.date
    household_type: str  # "" when unknown
    income_per_capita: Decimal | None  # 元/人/月; None when not on record
    dibao_standard: Decimal | None  # 元/人/月 in force today; None when unknown
    last_job_loss: dt.date | None = None
    medical_costs_12m: Decimal = Decimal(0)
    new_severe_on: dt.date | None = None  # first severe certificate of a member


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    zh: str
    en: str


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, or the month's last day when it has no such day."""
    if months < 0:
        raise RuleError("months", gettext_noop("Months cannot be negative: %(months)s"), months=months)
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))



def flags(facts: HouseholdFacts, rules: WatchRules) -> tuple[Flag, ...]:
    """Every flag the facts raise, in the order of ``FLAGS``; empty when none."""
    found: list[Flag] = []
    covered = facts.household_type in rules.covered_household_types
    line = facts.dibao_standard
    income = facts.income_per_capita
    if line is not None and line <= 0:
        raise RuleError("dibao_standard",
                        gettext_noop("The dibao standard must be positive: %(standard)s"), standard=line)
    if income is not None and income < 0:
        raise RuleError("income", gettext_noop("Income cannot be negative: %(income)s"), income=income)
    if not covered and line is not None and income is not None:
        near = line * rules.near_line_multiple
        if income < line:
            found.append(Flag("income_below_line",
                              f"人均月收入 {income} 元低于低保标准 {line} 元，未纳入低保",
                              f"income {income} yuan per person a month is below the dibao "
                              f"standard of {line} yuan, and the household is not in dibao"))
        elif income < near:
            found.append(Flag("income_near_line",
                              f"人均月收入 {income} 元低于低保标准的 {rules.near_line_multiple} 倍"
                              f"（{near:.2f} 元）",
                              f"income {income} yuan per person a month is below "
                              f"{rules.near_line_multiple} × the dibao standard ({near:.2f} yuan)"))
    if facts.last_job_loss is not None:
        since = months_before(facts.today, rules.job_loss_months)
        if since <= facts.last_job_loss <= facts.today:
            found.append(Flag("job_loss", f"{facts.last_job_loss} 家庭成员失业",
                              f"a household member lost a job on {facts.last_job_loss}"))
    if facts.medical_costs_12m >= rules.medical_costs_threshold > 0:
        found.append(Flag("medical_costs",
                          f"近 12 个月自付医疗费用 {facts.medical_costs_12m} 元"
                          f"（达到 {rules.medical_costs_threshold} 元）",
                          f"medical costs of {facts.medical_costs_12m} yuan in the last 12 "
                          f"months (threshold {rules.medical_costs_threshold} yuan)"))
    if facts.new_severe_on is not None:
        since = months_before(facts.today, rules.new_severe_months)
        if since <= facts.new_severe_on <= facts.today:
            found.append(Flag("new_severe_disability",
                              f"{facts.new_severe_on} 家庭成员新办重度残疾人证",
                              f"a household member was certified severely disabled on "
                              f"{facts.new_severe_on}"))
    return tuple(found)


def review_due(opened_on: dt.date, reviewed_months: set[dt.date] | frozenset[dt.date],
               today: dt.date) -> bool:
    """Whether an open case still needs this month's review (月度研判)."""
    if opened_on > today:
        return False
    return month_start(today) not in reviewed_months
