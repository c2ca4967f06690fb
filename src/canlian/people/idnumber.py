"""Resident identity numbers (公民身份号码, GB 11643-1999): parse and validate.

A plain module with no database code, so the rule reads like the standard and is
tested directly. The check character comes from python-stdnum
(``stdnum.cn.ric.calc_check_digit``); we deliberately do *not* use
``stdnum.cn.ric.validate()`` as the verdict because it also requires the county code
to have existed in the birth year, which rejects genuine IDs issued after a county
was renamed (many Yueqing ``330382…`` IDs of people born before 1993 are like that).

Every failure raises :class:`ResidentIdError` whose ``code`` names the kind of
problem and whose message says exactly what is wrong, in Chinese first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum.cn import ric

from canlian.core.rule_text import RuleError, gettext_noop

# Province-level prefixes of GB/T 2260 (the first two digits of every address code).
PROVINCE_CODES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾省",
}

EARLIEST_BIRTH = dt.date(1880, 1, 1)


class ResidentIdError(RuleError):
    """A resident ID number that is not valid, with the reason (``message``: in the active
    language, through ``core.rule_text``)."""


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid 18-character resident ID and what it encodes."""

    number: str
    address_code: str
    birth_date: dt.date
    sequence: str
    sex: str  # "M" or "F"

    @property
    def province(self) -> str:
        return PROVINCE_CODES[self.address_code[:2]]

    def age_on(self, day: dt.date) -> int:
        """Completed years of age on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def __str__(self) -> str:
        return self.number


def normalise(text: str) -> str:
    """Strip blanks (also full-width ones) and upper-case a trailing ``x``."""
    return re.sub(r"[\s\u3000]", "", str(text)).upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits.

    ``stdnum.cn.ric.calc_check_digit`` expects the whole 18-character number and
    ignores its last character, so a placeholder is appended.
    """
    if not re.fullmatch(r"\d{17}", first17):
        raise ResidentIdError("characters", f"需要 17 位数字：{first17!r} (17 digits expected)")
    return ric.calc_check_digit(first17 + "0")


def convert_15(number: str) -> str:
    """Upgrade a legacy 15-digit ID (born 19xx) to its 18-character form."""
    number = normalise(number)
    if not re.fullmatch(r"\d{15}", number):
        raise ResidentIdError("format", f"15 位旧身份证号应全为数字：{number!r}")
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def validate(text: str, *, today: dt.date | None = None) -> ResidentId:
    """Parse ``text`` as an 18-character resident ID or raise :class:`ResidentIdError`.

    Checks, in order: length, characters, province part of the address code,
    birth date (a real date, not in the future, not before 1880), and the check
    character.
    """
    number = normalise(text)
    if today is None:  # the deployment's date; imported here to keep this module pure
        from canlian.core import clock

        today = clock.today()
    if not number:
        raise ResidentIdError("required", gettext_noop("The resident ID is required"))
    if len(number) != 18:
        raise ResidentIdError(
            "length", gettext_noop("A resident ID has 18 characters, not %(n)s"), n=len(number))
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ResidentIdError("characters", gettext_noop(
            "The first 17 characters must be digits, the last a digit or X"))
    address = number[:6]
    if address[:2] not in PROVINCE_CODES or address[2:] == "0000":
        raise ResidentIdError("region", gettext_noop(
            "The address code %(address)s is not a county-level region code"), address=address)
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ResidentIdError("birth_date", gettext_noop(
            "The birth date %(date)s is not a real date"), date=number[6:14]) from None
    if birth > today:
        raise ResidentIdError("birth_date", gettext_noop(
            "The birth date %(date)s is in the future"), date=birth.isoformat())
    if birth < EARLIEST_BIRTH:
        raise ResidentIdError("birth_date", gettext_noop(
            "The birth date %(date)s is before 1880"), date=birth.isoformat())
    expected = check_character(number[:17])
    if number[17] != expected:
        raise ResidentIdError("checksum", gettext_noop(
            "Wrong check character: the last character should be %(expected)s, not %(got)s"),
            expected=expected, got=number[17])
    return ResidentId(
        number=number,
        address_code=address,
        birth_date=birth,
        sequence=number[14:17],
        sex="M" if int(number[16]) % 2 else "F",
    )


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except ResidentIdError:
        return False
    return True


def mask(number: str) -> str:
    """Mask a resident ID for lists: keep the county code and last four characters.

    ``330382199001011234`` → ``330382********1234``.
    """
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make(address_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid ID from its parts (used by the demo generator and tests).

    ``sequence`` is 0–999; its parity decides the sex (odd = male).
    """
    first17 = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
