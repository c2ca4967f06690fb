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


def gettext_noop(message: str) -> str:
    """Marks an English msgid for translation; the caller translates the ``Message``
    (this module imports no Django, so it cannot call gettext itself)."""
    return message


@dataclass(frozen=True)
class Message:
    """A problem in English (the msgid) with its parameters; ``surveys.actions`` shows it
    translated (``gettext(msgid) % params``)."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid


def check(a: Mapping[str, Any], p: Profile) -> list[tuple[str, Message]]:
    errors: list[tuple[str, Message]] = []

    def err(field: str, message: str, **params: Any) -> None:
        errors.append((field, Message(message, tuple(params.items()))))

    # --- social security
    if p.age < 16 and a.get("pension_insured"):
        err("pension_insured", gettext_noop("Pension insurance starts at 16"))

    # --- employment
    status = a.get("employment_status") or ""
    if status not in EMPLOYMENT_STATUSES:
        err("employment_status", gettext_noop("Choose the employment status"))
    if p.age < 16 and status not in ("", "not_applicable", "student"):
        err("employment_status", gettext_noop(
            "Under 16: the employment status is “not applicable” or “student”"))
    if status == "employed":
        if a.get("employment_form") not in EMPLOYMENT_FORMS:
            err("employment_form", gettext_noop("Choose the form of employment"))
        if (p.category == 5 and p.grade == 1 and a.get("employment_form") in FULL_TIME_FORMS
                and not a.get("confirm_unusual")):
            err("confirm_unusual", gettext_noop(
                "Full-time work is rare with a grade 1 intellectual disability: check, then "
                "tick to confirm"))
    elif a.get("employment_form"):
        err("employment_form", gettext_noop("Give the form of employment only when employed"))
    if status == "not_working":
        if a.get("not_working_reason") not in NOT_WORKING_REASONS:
            err("not_working_reason", gettext_noop("Choose why the person is not working"))
    elif a.get("not_working_reason"):
        err("not_working_reason", gettext_noop("Give a reason only when the person is not working"))
    if status == "retired" and p.age < 45:
        err("employment_status", gettext_noop("Retired under 45 is unusual: please check"))
    if a.get("able_to_work") and not (WORKING_AGE[0] <= p.age <= WORKING_AGE[1]):
        err("able_to_work", gettext_noop("“Able to work” is asked for ages 16–59 only"))

    # --- education
    education = a.get("education_status") or "not_applicable"
    if education not in EDUCATION_STATUSES:
        err("education_status", gettext_noop("Choose the education status"))
    if p.age > EDUCATION_ASKED_UP_TO and education not in ("not_applicable", "finished"):
        err("education_status", gettext_noop("Schooling is not asked at age %(age)s"), age=p.age)
    if education in COMPULSORY and not (6 <= p.age <= 17):
        err("education_status", gettext_noop("Compulsory education is for ages 6–17"))
    if education == "preschool" and not (3 <= p.age <= 6):
        err("education_status", gettext_noop("Pre-school is for ages 3–6"))
    if education == "not_enrolled" and not a.get("not_enrolled_reason"):
        err("not_enrolled_reason", gettext_noop("Give the reason for not being enrolled"))
    level = a.get("highest_level") or ""
    if level and level not in LEVELS:
        err("highest_level", gettext_noop("Choose the highest level completed"))
    elif level in LEVEL_FROM_AGE and p.age < LEVEL_FROM_AGE[level]:
        err("highest_level", gettext_noop(
            "This level is rarely completed at age %(age)s: please check"), age=p.age)
    elif a.get("finished_compulsory") and level in ("none", "primary"):
        err("highest_level", gettext_noop(
            "Compulsory education completed: the highest level is junior secondary or above"))
    if SCHOOL_AGE[0] <= p.age <= SCHOOL_AGE[1] and education == "not_applicable":
        err("education_status", gettext_noop("The education status is required for ages 3–17"))

    # --- needs
    for need, kinds, allowed in (("rehab_need", "rehab_types", REHAB_TYPES),
                                 ("device_need", "device_types", DEVICE_TYPES)):
        chosen = list(a.get(kinds) or [])
        if a.get(need) and not chosen:
            err(kinds, gettext_noop("With a need, choose at least one type"))
        if not a.get(need) and chosen:
            err(kinds, gettext_noop("Choose types only with a need"))
        if any(c not in allowed for c in chosen):
            err(kinds, gettext_noop("Unknown type of need"))
    if "children" in (a.get("rehab_types") or []) and p.age > 17:
        err("rehab_types", gettext_noop("Children's rehabilitation is for ages 0–17"))
    if (a.get("care_need") or "none") not in CARE_NEEDS:
        err("care_need", gettext_noop("Choose the care need"))
    income = a.get("household_income_per_capita")
    if income is not None and income != "" and float(income) < 0:
        err("household_income_per_capita", gettext_noop("Income cannot be negative"))
    return errors
