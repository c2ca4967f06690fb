"""Administrative division codes (统计用区划代码): 12 digits, hierarchical by position.

``PP CC DD TTT VVV``: province, city, county, township (镇/街道), village (村/社区).
Because the code of every region lies inside the numeric range of its ancestor's,
"everything under region R" is one range condition on a 12-digit code, which a
plain B-tree index answers on SQLite and PostgreSQL alike. Region scoping
(``canlian.accounts.scoping``) rests on this. No database code here.
"""

from __future__ import annotations

import re

from canlian.core.rule_text import gettext_noop, translated

LEVELS = ("province", "city", "county", "township", "village")
# Significant digits of a code at each level.
SIGNIFICANT = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


class RegionCodeError(ValueError):
    pass


def check(code: str) -> str:
    code = str(code).strip()
    if not re.fullmatch(r"\d{12}", code):
        raise RegionCodeError(translated(gettext_noop("A region code is 12 digits, not %(code)s"),
                                          {"code": repr(code)}))
    return code


def level_of(code: str) -> str:
    """The level a 12-digit code names, read from its trailing zeros."""
    code = check(code)
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def code_range(code: str, level: str | None = None) -> tuple[str, str]:
    """The inclusive range of 12-digit codes of ``code`` and everything under it."""
    code = check(code)
    digits = SIGNIFICANT[level or level_of(code)]
    prefix = code[:digits]
    return prefix + "0" * (12 - digits), prefix + "9" * (12 - digits)


def is_within(code: str, ancestor: str, ancestor_level: str | None = None) -> bool:
    low, high = code_range(ancestor, ancestor_level)
    return low <= code <= high
