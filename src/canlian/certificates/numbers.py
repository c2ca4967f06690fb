"""Second-generation certificate numbers (第二代残疾人证号).

Number = 18-character resident ID + category digit + grade digit (20 characters);
a reissue after loss appends ``B1``, ``B2``… (22 characters). No database code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from canlian.core.rule_text import RuleError, gettext_noop
from canlian.people.idnumber import ResidentIdError, normalise, validate

from .rules import Category, Grade


class CertificateNumberError(RuleError):
    """A certificate number that is not valid: ``code`` the kind, ``message`` the reason in
    the active language (``core.rule_text``)."""


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    resident_id: str
    category: Category
    grade: Grade
    reissue: int  # 0 for the original, n for the n-th reissue (Bn)

    def __str__(self) -> str:
        return certificate_number(self.resident_id, self.category, self.grade, self.reissue)


def _category(value: int | str) -> Category:
    try:
        return Category(int(value))
    except (TypeError, ValueError):
        raise CertificateNumberError("category", gettext_noop(
            "The category must be 1–7, not %(value)s"), value=repr(value)) from None


def _grade(value: int | str) -> Grade:
    try:
        return Grade(int(value))
    except (TypeError, ValueError):
        raise CertificateNumberError("grade", gettext_noop(
            "The grade must be 1–4, not %(value)s"), value=repr(value)) from None


def certificate_number(
    resident_id: str, category: int | str, grade: int | str, reissue: int = 0
) -> str:
    """Build the number: ``certificate_number('11010519491231002X', 4, 2)`` → ``…X42``."""
    try:
        rid = validate(resident_id).number
    except ResidentIdError as exc:
        raise CertificateNumberError("resident_id", exc.msgid, **exc.params) from None
    if reissue < 0 or reissue > 9:
        raise CertificateNumberError("reissue", gettext_noop(
            "The reissue count must be 0–9, not %(n)s"), n=reissue)
    suffix = f"B{reissue}" if reissue else ""
    return f"{rid}{_category(category).value}{_grade(grade).value}{suffix}"


def parse_certificate_number(text: str) -> CertificateNumber:
    """Parse a 20- or 22-character number, saying exactly what is wrong if it is not one."""
    number = normalise(text)
    if not number:
        raise CertificateNumberError("required", gettext_noop(
            "The certificate number is required"))
    if len(number) not in (20, 22):
        raise CertificateNumberError("length", gettext_noop(
            "A certificate number has 20 characters (22 when reissued), not %(n)s"),
            n=len(number))
    try:
        rid = validate(number[:18]).number
    except ResidentIdError as exc:
        raise CertificateNumberError("resident_id", gettext_noop(
            "The first 18 characters: %(reason)s"), reason=exc.message) from None
    category = _category(number[18])
    grade = _grade(number[19])
    reissue = 0
    if len(number) == 22:
        match = re.fullmatch(r"B([1-9])", number[20:])
        if not match:
            raise CertificateNumberError("reissue", gettext_noop(
                "The reissue suffix must be B1–B9, not %(value)s"), value=repr(number[20:]))
        reissue = int(match.group(1))
    return CertificateNumber(rid, category, grade, reissue)


def looks_like_certificate_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dX][1-7][1-4](B[1-9])?", normalise(text)))
