"""Field rules of the annual status-and-needs survey, consistent with age, category, grade.

No database code: ``check(answers, profile)`` returns every problem as (field, message),
so the form shows each message beside its field and an import can report them per row.
The rules follow the survey's own skip logic (跳转逻辑): questions that do not apply to
the person must stay empty, and answers that contradict the person's situation need an
explicit confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EMPLOYMENT_STATUSES = ("employed", "not_working", "retired", "student", "not_applicable")
EMPLOYMENT_FORMS = ("concentrated", "proportional", "self_employed", "flexible", "public_welfare",
                    "supported", "farming")
FULL_TIME_FORMS = frozenset({"concentrated", "proportional", "public_welfare"})
NOT_WORKING_REASONS = ("severe_disability", "no_suitable_job", "caring_for_family",
                       "no_willingness", "other")
EDUCATION_STATUSES = ("not_applicable", "preschool", "compulsory_school", "compulsory_special",
                      "compulsory_home", "not_enrolled", "upper_secondary", "higher", "finished")
COMPULSORY = frozenset({"compulsory_school", "compulsory_special", "compulsory_home"})
CARE_NEEDS = ("none", "day", "residential")
REHAB_TYPES = ("training", "medical", "community", "children")
DEVICE_TYPES = ("mobility", "visual", "hearing", "daily_living", "prosthesis", "other")

WORKING_AGE = (16, 59)
SCHOOL_AGE = (3, 17)  # education questions are asked from 3 to 17 …
EDUCATION_ASKED_UP_TO = 25  # … and up to 25 for those still studying
# Highest level completed (最高已完成学历), in order, with the youngest age it is usually
# completed at; "junior_secondary" is compulsory education completed.
LEVELS = ("none", "primary", "junior_secondary", "upper_secondary", "higher")
LEVEL_FROM_AGE = {"primary": 10, "junior_secondary": 13, "upper_secondary": 16, "higher": 19}


@dataclass(frozen=True)
class Profile:
    """What the survey needs to know about the person (from the registry)."""

    age: int
    category: int | None
    grade: int | None


def check(a: Mapping[str, Any], p: Profile) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []

    def err(field: str, message: str) -> None:
        errors.append((field, message))

    # --- social security
    if p.age < 16 and a.get("pension_insured"):
        err("pension_insured", "未满 16 周岁不参加城乡居民养老保险 (pension insurance starts at 16)")

    # --- employment
    status = a.get("employment_status") or ""
    if status not in EMPLOYMENT_STATUSES:
        err("employment_status", "请选择就业状况 (choose the employment status)")
    if p.age < 16 and status not in ("", "not_applicable", "student"):
        err("employment_status", "未满 16 周岁，就业状况应为“不适用”或“在校” "
                                 "(under 16: not applicable or student)")
    if status == "employed":
        if a.get("employment_form") not in EMPLOYMENT_FORMS:
            err("employment_form", "已就业须选择就业形式 (choose the form of employment)")
        if (p.category == 5 and p.grade == 1 and a.get("employment_form") in FULL_TIME_FORMS
                and not a.get("confirm_unusual")):
            err("confirm_unusual", "一级智力残疾人全日制就业较少见，请核实后勾选确认 "
                                   "(grade 1 intellectual disability in full-time work: confirm)")
    elif a.get("employment_form"):
        err("employment_form", "未就业时不填就业形式 (only when employed)")
    if status == "not_working":
        if a.get("not_working_reason") not in NOT_WORKING_REASONS:
            err("not_working_reason", "请选择未就业原因 (choose why not working)")
    elif a.get("not_working_reason"):
        err("not_working_reason", "只有未就业时填写原因 (only when not working)")
    if status == "retired" and p.age < 45:
        err("employment_status", "45 岁以下一般不会退休，请核实 (retired under 45?)")
    if a.get("able_to_work") and not (WORKING_AGE[0] <= p.age <= WORKING_AGE[1]):
        err("able_to_work", "“有劳动能力”只对 16–59 岁填写 (asked for ages 16–59 only)")

    # --- education
    education = a.get("education_status") or "not_applicable"
    if education not in EDUCATION_STATUSES:
        err("education_status", "请选择受教育状况 (choose the education status)")
    if p.age > EDUCATION_ASKED_UP_TO and education not in ("not_applicable", "finished"):
        err("education_status", f"{p.age} 岁不询问在学情况 (not asked at age {p.age})")
    if education in COMPULSORY and not (6 <= p.age <= 17):
        err("education_status", "义务教育阶段在学应为 6–17 岁 (compulsory education is for 6–17)")
    if education == "preschool" and not (3 <= p.age <= 6):
        err("education_status", "学前教育为 3–6 岁 (pre-school is for 3–6)")
    if education == "not_enrolled" and not a.get("not_enrolled_reason"):
        err("not_enrolled_reason", "未入学须填写原因 (give the reason for not being enrolled)")
    level = a.get("highest_level") or ""
    if level and level not in LEVELS:
        err("highest_level", "请选择最高已完成学历 (choose the highest level completed)")
    elif level in LEVEL_FROM_AGE and p.age < LEVEL_FROM_AGE[level]:
        err("highest_level", f"{p.age} 岁一般尚未完成该学历，请核实 (unusual at age {p.age})")
    elif a.get("finished_compulsory") and level in ("none", "primary"):
        err("highest_level", "已完成义务教育，最高学历应为初中及以上 "
                             "(compulsory education completed: junior secondary or above)")
    if SCHOOL_AGE[0] <= p.age <= SCHOOL_AGE[1] and education == "not_applicable":
        err("education_status", "3–17 岁须填写受教育状况 (required for ages 3–17)")

    # --- needs
    for need, kinds, allowed in (("rehab_need", "rehab_types", REHAB_TYPES),
                                 ("device_need", "device_types", DEVICE_TYPES)):
        chosen = list(a.get(kinds) or [])
        if a.get(need) and not chosen:
            err(kinds, "有需求时请选择需求类型 (choose at least one type)")
        if not a.get(need) and chosen:
            err(kinds, "无需求时不填类型 (only with a need)")
        if any(c not in allowed for c in chosen):
            err(kinds, "需求类型无效 (unknown type)")
    if "children" in (a.get("rehab_types") or []) and p.age > 17:
        err("rehab_types", "儿童康复只适用于 0–17 岁 (children's rehabilitation is for 0–17)")
    if (a.get("care_need") or "none") not in CARE_NEEDS:
        err("care_need", "请选择托养需求 (choose the care need)")
    income = a.get("household_income_per_capita")
    if income is not None and income != "" and float(income) < 0:
        err("household_income_per_capita", "收入不能为负 (income cannot be negative)")
    return errors
