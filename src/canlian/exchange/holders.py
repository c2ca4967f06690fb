"""The rules a migrated certificate or grant must pass (迁移导入校验), without the database.

A federation adopting Canlian brings its certified persons from the national disability
population database (全国残疾人人口基础库) and its running subsidy grants from
spreadsheets. Each row is checked here before anything is written:

* a certificate number (第二代残疾人证号) must be the holder's resident ID followed by the
  category and grade digits (and ``B1``–``B9`` after a reissue), so the number, the ID, the
  category and the grade columns must all agree;
* a multiple disability (多重残疾, category 7) lists two or more components, each a
  category and grade, and its grade is the most severe component's (GB/T 26341-2010);
  other categories list none;
* a certificate is valid ten years from issue; a cancelled one names the day it ended;
* a grant names one of the two subsidies, a start month, a positive monthly amount and
  the bank account it is paid into.

Whether the rules allow a grant (eligibility, amount) is ``benefits.eligibility``'s
question, asked by ``exchange.actions`` with the person's facts from the registry.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from canlian.certificates import rules
from canlian.certificates.numbers import CertificateNumberError, parse_certificate_number
from canlian.core.rule_text import english, gettext_noop, translated
from canlian.education import rules as education_rules
from canlian.people.idnumber import ResidentIdError, validate

STATUSES = {"有效": "issued", "正常": "issued", "issued": "issued", "valid": "issued",
            "过期": "expired", "已过期": "expired", "expired": "expired",
            "注销": "cancelled", "已注销": "cancelled", "cancelled": "cancelled"}
CATEGORY_BY_NAME = {**{label: int(c) for c, label in rules.CATEGORY_LABELS.items()},
                    **{label[:2]: int(c) for c, label in rules.CATEGORY_LABELS.items()},
                    **{str(int(c)): int(c) for c in rules.Category}}
GRADE_BY_NAME = {**{label: int(g) for g, label in rules.GRADE_LABELS.items()},
                 **{str(int(g)): int(g) for g in rules.Grade},
                 **{f"{int(g)}级": int(g) for g in rules.Grade}}
SUBSIDIES = {"生活补贴": "living", "困难残疾人生活补贴": "living", "living": "living",
             "护理补贴": "nursing", "重度残疾人护理补贴": "nursing", "nursing": "nursing"}
YES = {"是", "有", "y", "yes", "true", "1"}
NO = {"否", "无", "n", "no", "false", "0", ""}


class RowRefused(ValueError):
    """A row the rules refuse: ``column`` is the column key, ``reason`` says why in the active
    language (an English msgid translated through ``core.rule_text``; ``str()`` in English)."""

    def __init__(self, column: str, msgid: str, **params: Any) -> None:
        super().__init__(english(msgid, params))
        self.column, self.msgid, self.params = column, msgid, params

    @property
    def reason(self) -> str:
        return translated(self.msgid, self.params)


@dataclass(frozen=True)
class HeldCertificate:
    """A certificate as the earlier system holds it (持证信息)."""

    resident_id: str
    number: str
    category: int
    grade: int
    components: list[dict[str, int]]
    issue_date: dt.date
    valid_until: dt.date
    status: str  # issued | expired | cancelled
    ended_on: dt.date | None
    reissue: int


@dataclass(frozen=True)
class RunningGrant:
    """A subsidy grant being paid by the earlier system (在发补贴)."""

    resident_id: str
    subsidy: str  # living | nursing
    start_month: dt.date
    first_payable_month: dt.date
    monthly_amount: Decimal
    bank_name: str
    bank_account: str
    needs_long_term_care: bool


def parse_date(column: str, value: str) -> dt.date:
    text = value.strip().replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text) or \
        re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    try:
        if not match:
            raise ValueError(text)
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise RowRefused(column, gettext_noop("A date must be YYYY-MM-DD, not %(value)s"),
                         value=repr(value)) from None


def parse_month(column: str, value: str) -> dt.date:
    """A month as ``YYYY-MM`` (or any date in it): its first day."""
    text = value.strip().replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ T].*)?", text) or \
        re.fullmatch(r"(\d{4})年(\d{1,2})月", text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise RowRefused(column, gettext_noop("A month must be YYYY-MM, not %(value)s"),
                         value=repr(value))
    return dt.date(int(match[1]), int(match[2]), 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _category(column: str, value: str) -> int:
    found = CATEGORY_BY_NAME.get(value.strip())
    if found is None:
        raise RowRefused(column, gettext_noop(
            "Unknown disability category %(value)s: write 1–7 or its name"), value=repr(value))
    return found


def _grade(column: str, value: str) -> int:
    found = GRADE_BY_NAME.get(value.strip())
    if found is None:
        raise RowRefused(column, gettext_noop(
            "Unknown disability grade %(value)s: write 1–4 or 一级…四级"), value=repr(value))
    return found


def parse_components(value: str) -> list[dict[str, int]]:
    """``"视力残疾:2;肢体残疾:3"`` or ``"1:2,4:3"`` → [{"category": 1, "grade": 2}, …]."""
    found: list[dict[str, int]] = []
    for part in re.split(r"[;；,，、]", value):
        if not part.strip():
            continue
        pieces = re.split(r"[:：\-]", part.strip())
        if len(pieces) != 2:
            raise RowRefused("components", gettext_noop(
                "Components are written category:grade, separated by semicolons, not %(value)s"),
                value=repr(part))
        category = _category("components", pieces[0])
        if category == rules.Category.MULTIPLE:
            raise RowRefused("components", gettext_noop(
                "A component of a multiple disability cannot itself be multiple"))
        if any(c["category"] == category for c in found):
            raise RowRefused("components", gettext_noop(
                "%(category)s appears twice among the components"),
                category=rules.CATEGORY_LABELS[rules.Category(category)])
        found.append({"category": category, "grade": _grade("components", pieces[1])})
    return found


def certificate(raw: dict[str, str], *, today: dt.date) -> HeldCertificate:
    """Check one certificate row (keys as in ``exchange.actions.CERTIFICATE_COLUMNS``)."""
    try:
        rid = validate(raw.get("resident_id", ""), today=today).number
    except ResidentIdError as exc:
        raise RowRefused("resident_id", exc.message) from None
    try:
        number = parse_certificate_number(raw.get("number", ""))
    except CertificateNumberError as exc:
        raise RowRefused("number", exc.message) from None
    category = _category("category", raw.get("category", ""))
    grade = _grade("grade", raw.get("grade", ""))
    if number.resident_id != rid:
        raise RowRefused("number", gettext_noop(
            "The first 18 characters of the number differ from the resident ID"))
    if int(number.category) != category:
        raise RowRefused("category", gettext_noop(
            "The category disagrees with the number's 19th digit (%(digit)s)"),
            digit=int(number.category))
    if int(number.grade) != grade:
        raise RowRefused("grade", gettext_noop(
            "The grade disagrees with the number's 20th digit (%(digit)s)"),
            digit=int(number.grade))
    components = parse_components(raw.get("components", ""))
    if category == rules.Category.MULTIPLE:
        if len(components) < 2:
            raise RowRefused("components", gettext_noop(
                "A multiple disability needs two or more components with their grades"))
        if int(rules.multiple_grade([c["grade"] for c in components])) != grade:
            raise RowRefused("grade", gettext_noop(
                "A multiple disability takes its most severe component's grade"))
    elif components:
        raise RowRefused("components", gettext_noop(
            "Components are given only for a multiple disability"))
    if not raw.get("issue_date"):
        raise RowRefused("issue_date", gettext_noop("Required"))
    issued = parse_date("issue_date", raw["issue_date"])
    if issued > today:
        raise RowRefused("issue_date", gettext_noop(
            "The issue date cannot be later than today"))
    expected = rules.valid_until(issued)
    until = parse_date("valid_until", raw["valid_until"]) if raw.get("valid_until") else expected
    if until <= issued:
        raise RowRefused("valid_until", gettext_noop(
            "“Valid until” must be later than the issue date"))
    if until > expected and number.reissue == 0:
        raise RowRefused("valid_until", gettext_noop(
            "A certificate is valid %(years)s years at most: until %(date)s or earlier"),
            years=rules.VALIDITY_YEARS, date=expected.isoformat())
    status = STATUSES.get(raw.get("status", "").strip() or "有效")
    if status is None:
        raise RowRefused("status", gettext_noop(
            "The status %(value)s is not one of 有效, 过期 or 注销"), value=repr(raw["status"]))
    ended = parse_date("ended_on", raw["ended_on"]) if raw.get("ended_on") else None
    if status == "issued" and until < today:
        status = "expired"  # the earlier system had not marked it
    if status == "expired" and until >= today:
        raise RowRefused("status", gettext_noop(
            "Valid until %(date)s has not passed yet, so the status cannot be “expired”"),
            date=until.isoformat())
    if status == "cancelled":
        if ended is None:
            raise RowRefused("ended_on", gettext_noop(
                "A cancelled certificate needs the date it was cancelled"))
        if not issued <= ended <= today:
            raise RowRefused("ended_on", gettext_noop(
                "The cancellation date must fall between the issue date and today"))
    elif ended is not None:
        raise RowRefused("ended_on", gettext_noop(
            "Only a cancelled certificate has a cancellation date"))
    return HeldCertificate(resident_id=rid, number=str(number), category=category, grade=grade,
                           components=components, issue_date=issued, valid_until=until,
                           status=status, ended_on=ended, reissue=number.reissue)


def grant(raw: dict[str, str], *, today: dt.date) -> RunningGrant:
    """Check one grant row (keys as in ``exchange.actions.GRANT_COLUMNS``)."""
    try:
        rid = validate(raw.get("resident_id", ""), today=today).number
    except ResidentIdError as exc:
        raise RowRefused("resident_id", exc.message) from None
    subsidy = SUBSIDIES.get(raw.get("subsidy", "").strip())
    if subsidy is None:
        raise RowRefused("subsidy", gettext_noop(
            "The subsidy %(value)s is not one of 生活补贴 or 护理补贴"), value=repr(raw.get("subsidy")))
    if not raw.get("start_month"):
        raise RowRefused("start_month", gettext_noop("Required"))
    start = parse_month("start_month", raw["start_month"])
    this_month = today.replace(day=1)
    if start > this_month:
        raise RowRefused("start_month", gettext_noop(
            "The start month cannot be later than this month"))
    try:
        amount = Decimal(raw.get("monthly_amount", "").replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        raise RowRefused("monthly_amount", gettext_noop(
            "The monthly amount must be a number, not %(value)s"),
            value=repr(raw.get("monthly_amount"))) from None
    if not amount.is_finite() or amount <= 0 or amount >= 100000 or amount != round(amount, 2):
        raise RowRefused("monthly_amount", gettext_noop(
            "The monthly amount must be above 0 yuan, with at most two decimals"))
    account = re.sub(r"\s", "", raw.get("bank_account", ""))
    if not account:
        raise RowRefused("bank_account", gettext_noop("Required"))
    if not re.fullmatch(r"\d{8,30}", account):
        raise RowRefused("bank_account", gettext_noop(
            "A bank account number is 8–30 digits"))
    if raw.get("paid_through"):
        paid = parse_month("paid_through", raw["paid_through"])
        if paid < start.replace(day=1) - dt.timedelta(days=1):
            raise RowRefused("paid_through", gettext_noop(
                "“Paid through” is before the start month"))
        if paid > this_month:
            raise RowRefused("paid_through", gettext_noop(
                "“Paid through” cannot be later than this month"))
        first = max(next_month(paid), start)
    else:
        first = max(start, this_month)
    care = raw.get("needs_long_term_care", "").strip().lower()
    if care not in YES | NO:
        raise RowRefused("needs_long_term_care", gettext_noop("Write 是 or 否"))
    # An earlier system that paid the nursing subsidy found the long-term care need.
    needs_care = care in YES or (care == "" and subsidy == "nursing")
    return RunningGrant(resident_id=rid, subsidy=subsidy, start_month=start,
                        first_payable_month=first, monthly_amount=amount,
                        bank_name=raw.get("bank_name", "")[:60], bank_account=account,
                        needs_long_term_care=needs_care)


@dataclass(frozen=True)
class ServiceRow:
    """A service delivered, as another tool recorded it (服务记录)."""

    resident_id: str
    service_type: str  # a catalogue code or name, resolved against the database
    start_date: dt.date
    end_date: dt.date | None
    institution: str
    provider: str
    device: str
    outcome: str
    cost: Decimal
    subsidy: Decimal


def _money(column: str, value: str) -> Decimal:
    if not value.strip():
        return Decimal("0")
    try:
        amount = Decimal(value.replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        raise RowRefused(column, gettext_noop(
            "An amount must be a number, not %(value)s"), value=repr(value)) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000") \
            or amount != round(amount, 2):
        raise RowRefused(column, gettext_noop(
            "An amount must be 0 yuan or more, with at most two decimals"))
    return amount


def service(raw: dict[str, str], *, today: dt.date) -> ServiceRow:
    """Check one service-record row (keys as in ``exchange.actions.SERVICE_COLUMNS``)."""
    try:
        rid = validate(raw.get("resident_id", ""), today=today).number
    except ResidentIdError as exc:
        raise RowRefused("resident_id", exc.message) from None
    if not raw.get("service_type", "").strip():
        raise RowRefused("service_type", gettext_noop("Required"))
    if not raw.get("start_date"):
        raise RowRefused("start_date", gettext_noop("Required"))
    start = parse_date("start_date", raw["start_date"])
    if start > today:
        raise RowRefused("start_date", gettext_noop(
            "The service date cannot be later than today"))
    end = parse_date("end_date", raw["end_date"]) if raw.get("end_date") else None
    if end is not None and end < start:
        raise RowRefused("end_date", gettext_noop(
            "The end date is before the start date"))
    cost = _money("cost", raw.get("cost", ""))
    subsidy = _money("subsidy", raw.get("subsidy", ""))
    if subsidy > cost:
        raise RowRefused("subsidy", gettext_noop(
            "The subsidy cannot exceed the cost"))
    return ServiceRow(resident_id=rid, service_type=raw["service_type"].strip(),
                      start_date=start, end_date=end,
                      institution=raw.get("institution", "").strip()[:100],
                      provider=raw.get("provider", "").strip()[:100],
                      device=raw.get("device", "").strip(),
                      outcome=raw.get("outcome", "").strip()[:200], cost=cost, subsidy=subsidy)


# ---- survey records (年度动态更新调查) -------------------------------------------------------

# The survey's answers as a village's paper form or another tool writes them: the Chinese
# label or Canlian's own code. Field rules (skip logic, age) are ``surveys.rules``'s, checked
# once the person's age and certificate are known (exchange.actions._write_surveys).
SURVEY_CHOICES: dict[str, dict[str, str]] = {
    "employment_status": {"已就业": "employed", "就业": "employed", "未就业": "not_working",
                          "退休": "retired", "在校": "student", "在校学生": "student",
                          "不适用": "not_applicable"},
    "employment_form": {"集中就业": "concentrated", "按比例就业": "proportional",
                        "个体就业": "self_employed", "自主创业": "self_employed",
                        "灵活就业": "flexible", "公益性岗位": "public_welfare",
                        "辅助性就业": "supported", "农村种养加": "farming", "务农": "farming"},
    "not_working_reason": {"残疾程度重": "severe_disability", "无合适工作": "no_suitable_job",
                           "照顾家庭": "caring_for_family", "料理家务": "caring_for_family",
                           "无就业意愿": "no_willingness", "其他": "other"},
    "education_status": {"不适用": "not_applicable", "学前教育": "preschool",
                         "普通学校": "compulsory_school", "义务教育普通学校": "compulsory_school",
                         "特殊教育学校": "compulsory_special", "特教班": "compulsory_special",
                         "送教上门": "compulsory_home", "未入学": "not_enrolled",
                         "高中阶段": "upper_secondary", "高中": "upper_secondary",
                         "高等教育": "higher", "已完成学业": "finished"},
    "highest_level": {"无": "none", "小学": "primary", "初中": "junior_secondary",
                      "高中": "upper_secondary", "大专及以上": "higher", "高等教育": "higher"},
    "care_need": {"无": "none", "日间照料": "day", "寄宿托养": "residential", "托养": "residential"},
}
SURVEY_LISTS: dict[str, dict[str, str]] = {
    "rehab_types": {"康复训练": "training", "医疗康复": "medical", "社区康复": "community",
                    "儿童康复": "children"},
    "device_types": {"助行类": "mobility", "视力类": "visual", "听力类": "hearing",
                     "生活自理类": "daily_living", "假肢矫形器": "prosthesis", "其他": "other"},
}
SURVEY_FLAGS = ("pension_insured", "medical_insured", "able_to_work", "finished_compulsory",
                "rehab_need", "device_need", "home_accessibility_need", "culture_sports",
                "confirm_unusual")


@dataclass(frozen=True)
class SurveyRow:
    resident_id: str
    year: int
    surveyed_on: dt.date
    answers: dict


def _coded(column: str, value: str, table: dict[str, str], *, default: str = "") -> str:
    value = value.strip()
    if not value:
        return default
    if value in table:
        return table[value]
    if value in table.values():
        return value
    raise RowRefused(column, gettext_noop("Cannot recognise “%(value)s”: write one of %(choices)s"),
                     value=value[:20], choices="、".join(table))


def survey(raw: dict[str, str], *, today: dt.date) -> SurveyRow:
    """Check one survey row's form (keys as in ``exchange.actions.SURVEY_COLUMNS``)."""
    try:
        rid = validate(raw.get("resident_id", ""), today=today).number
    except ResidentIdError as exc:
        raise RowRefused("resident_id", exc.message) from None
    year_text = raw.get("year", "").strip().removesuffix("年")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= today.year:
        raise RowRefused("year", f"调查年度应为 2000–{today.year} 年")
    year = int(year_text)
    if not raw.get("surveyed_on"):
        raise RowRefused("surveyed_on", "必填")
    surveyed_on = parse_date("surveyed_on", raw["surveyed_on"])
    if surveyed_on.year != year or surveyed_on > today:
        raise RowRefused("surveyed_on", f"调查日期须在 {year} 年内且不晚于今天")
    answers: dict = {}
    for key, table in SURVEY_CHOICES.items():
        default = {"education_status": "not_applicable", "care_need": "none"}.get(key, "")
        answers[key] = _coded(key, raw.get(key, ""), table, default=default)
    if not answers["employment_status"]:
        raise RowRefused("employment_status", "必填")
    for key, table in SURVEY_LISTS.items():
        parts = [p for p in re.split(r"[、,，;；\s]+", raw.get(key, "")) if p]
        answers[key] = sorted({_coded(key, p, table) for p in parts})
    for key in SURVEY_FLAGS:
        value = raw.get(key, "").strip().lower()
        if value not in YES | NO:
            raise RowRefused(key, "应填“是”或“否”")
        answers[key] = value in YES
    answers["not_enrolled_reason"] = raw.get("not_enrolled_reason", "").strip()[:100]
    return SurveyRow(resident_id=rid, year=year, surveyed_on=surveyed_on, answers=answers)


# ---- other departments' batches (部门数据交换) ----------------------------------------------

# The education bureau's words for a schooling status (学籍状况), besides the register's own
# labels and codes (``education.rules``).
EDUCATION_STATUSES = {
    **{label: code for code, label in education_rules.STATUSES.items()},
    "学前教育": "preschool", "幼儿园": "preschool", "普通学校": "compulsory_school",
    "随班就读": "compulsory_school", "特教学校": "compulsory_special",
    "特殊教育学校": "compulsory_special", "特教班": "compulsory_special",
    "送教上门": "compulsory_home", "高中阶段": "upper_secondary", "普通高中": "upper_secondary",
    "中职": "upper_secondary", "高等教育": "higher", "未入学": "not_enrolled",
    "失学": "not_enrolled", "辍学": "not_enrolled", "已完成学业": "finished", "毕业": "finished",
}
EDUCATION_LEVELS = {**{label: code for code, label in education_rules.LEVELS.items()},
                    "初中": "junior_secondary", "高中": "upper_secondary", "大专及以上": "higher"}
EDUCATION_REASONS = {**{label: code for code, label in education_rules.REASONS.items()},
                     "因病": "illness", "因残": "illness", "家庭困难": "family"}
# 户类型 as civil affairs writes it; 一般户 (or 退出) is leaving every assistance list.
HOUSEHOLD_TYPES = {"低保": "dibao", "低保户": "dibao", "最低生活保障": "dibao",
                   "低保边缘": "dibao_edge", "低保边缘户": "dibao_edge", "特困": "tekun",
                   "特困供养": "tekun", "特困人员": "tekun", "一般户": "ordinary",
                   "普通户": "ordinary", "退出": "ordinary", "退出低保": "ordinary"}
INSURANCE_KINDS = {"养老保险": "pension", "城乡居民养老保险": "pension", "养老": "pension",
                   "医疗保险": "medical", "城乡居民医疗保险": "medical", "医疗": "medical",
                   "医保": "medical"}
INSURANCE_RESULTS = {"已参保": True, "成功": True, "确认": True, "参保": True,
                     "未参保": False, "失败": False, "不予确认": False, "未确认": False}


@dataclass(frozen=True)
class EducationRow:
    resident_id: str
    entry: education_rules.Entry


@dataclass(frozen=True)
class AllowanceRow:
    resident_id: str
    household_type: str
    effective: dt.date
    income: Decimal | None


@dataclass(frozen=True)
class InsuranceRow:
    resident_id: str
    kind: str  # pension, medical
    year: int
    enrolled: bool
    enrolled_on: dt.date | None
    note: str


def _resident(raw: dict[str, str], today: dt.date) -> str:
    try:
        return validate(raw.get("resident_id", ""), today=today).number
    except ResidentIdError as exc:
        raise RowRefused("resident_id", exc.message) from None


def _required_date(raw: dict[str, str], key: str, today: dt.date) -> dt.date:
    if not raw.get(key, "").strip():
        raise RowRefused(key, gettext_noop("Required"))
    day = parse_date(key, raw[key])
    if day > today:
        raise RowRefused(key, gettext_noop("The date cannot be in the future"))
    return day


def education(raw: dict[str, str], *, today: dt.date) -> EducationRow:
    """Check one row of the education bureau's schooling-status batch (``education-status/1``);
    the person's age at the date is checked by ``education.rules.check`` once the person is
    found."""
    rid = _resident(raw, today)
    status = _coded("status", raw.get("status", ""), EDUCATION_STATUSES)
    if not status:
        raise RowRefused("status", gettext_noop("Required"))
    level = _coded("highest_level", raw.get("highest_level", ""), EDUCATION_LEVELS,
                   default="none")
    reason = _coded("reason", raw.get("reason", ""), EDUCATION_REASONS)
    since = _required_date(raw, "since", today)
    return EducationRow(rid, education_rules.Entry(status, level, raw.get("school", "").strip()[:100],
                                                   reason, since))


def allowance(raw: dict[str, str], *, today: dt.date) -> AllowanceRow:
    """Check one row of civil affairs' 低保 changes (``dibao-changes/1``): the household type
    from the effective date on, and the household's monthly income per capita if given."""
    rid = _resident(raw, today)
    household_type = _coded("household_type", raw.get("household_type", ""), HOUSEHOLD_TYPES)
    if not household_type:
        raise RowRefused("household_type", gettext_noop("Required"))
    effective = _required_date(raw, "effective", today)
    if effective.year < 2000:
        raise RowRefused("effective", gettext_noop("The date is before 2000"))
    income = _money("income", raw["income"]) if raw.get("income", "").strip() else None
    return AllowanceRow(rid, household_type, effective, income)


def insurance(raw: dict[str, str], *, today: dt.date) -> InsuranceRow:
    """Check one row of 人社's or 医保's enrolment confirmation (``insurance-enrolment/1``)."""
    rid = _resident(raw, today)
    kind = _coded("kind", raw.get("kind", ""), INSURANCE_KINDS)
    if not kind:
        raise RowRefused("kind", gettext_noop("Required"))
    year_text = raw.get("year", "").strip().removesuffix("年")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= today.year:
        raise RowRefused("year", gettext_noop("The year must be between 2000 and %(year)s"),
                         year=today.year)
    year = int(year_text)
    answer = raw.get("result", "").strip()
    if answer not in INSURANCE_RESULTS:
        raise RowRefused("result", gettext_noop("Cannot recognise “%(value)s”: write one of %(choices)s"),
                         value=answer[:20], choices="、".join(INSURANCE_RESULTS))
    enrolled_on = None
    if raw.get("enrolled_on", "").strip():
        enrolled_on = _required_date(raw, "enrolled_on", today)
        if enrolled_on.year > year:
            raise RowRefused("enrolled_on", gettext_noop("Enrolled after the insurance year"))
    return InsuranceRow(rid, kind, year, INSURANCE_RESULTS[answer], enrolled_on,
                        raw.get("note", "").strip()[:200])
