"""Second-generation certificate numbers (第二代残疾人证号).

Number = 18-character resident ID + category digit + grade digit (20 characters);
a reissue after loss appends ``B1``, ``B2``… (22 characters). No database code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from canlian.people.idnumber import ResidentIdError, normalise, validate

from .rules import Category, Grade


class CertificateNumberError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
        raise CertificateNumberError(
            "category", f"残疾类别应为 1–7，实际为 {value!r} (category must be 1–7)"
        ) from None


def _grade(value: int | str) -> Grade:
    try:
        return Grade(int(value))
    except (TypeError, ValueError):
        raise CertificateNumberError(
            "grade", f"残疾等级应为 1–4，实际为 {value!r} (grade must be 1–4)"
        ) from None


def certificate_number(
    resident_id: str, category: int | str, grade: int | str, reissue: int = 0
) -> str:
    """Build the number: ``certificate_number('11010519491231002X', 4, 2)`` → ``…X42``."""
    try:
        rid = validate(resident_id).number
    except ResidentIdError as exc:
        raise CertificateNumberError("resident_id", exc.message) from None
    if reissue < 0 or reissue > 9:
        raise CertificateNumberError("reissue", f"补发次数应为 0–9，实际为 {reissue}")
    suffix = f"B{reissue}" if reissue else ""
    return f"{rid}{_category(category).value}{_grade(grade).value}{suffix}"


def parse_certificate_number(text: str) -> CertificateNumber:
    """Parse a 20- or 22-character number, saying exactly what is wrong if it is not one."""
    number = normalise(text)
    if not number:
        raise CertificateNumberError("required", "请填写残疾人证号 (certificate number is required)")
    if len(number) not in (20, 22):
        raise CertificateNumberError(
            "length",
            f"残疾人证号应为 20 位（补发为 22 位），实际为 {len(number)} 位 "
            f"(a certificate number has 20 characters, 22 when reissued; got {len(number)})",
        )
    try:
        rid = validate(number[:18]).number
    except ResidentIdError as exc:
        raise CertificateNumberError("resident_id", f"证号前 18 位：{exc.message}") from None
    category = _category(number[18])
    grade = _grade(number[19])
    reissue = 0
    if len(number) == 22:
        match = re.fullmatch(r"B([1-9])", number[20:])
        if not match:
            raise CertificateNumberError(
                "reissue",
                f"补发标识应为 B1–B9，实际为 {number[20:]!r} (reissue suffix must be B1–B9)",
            )
        reissue = int(match.group(1))
    return CertificateNumber(rid, category, grade, reissue)


def looks_like_certificate_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dX][1-7][1-4](B[1-9])?", normalise(text)))
