"""Unified social credit codes (统一社会信用代码, GB 32100-2015): parse and validate.

Every employer (用人单位) that declares the levy is identified by this 18-character code::

    9  1  330382  MA2CP0001  0
    |  |  |       |          └ 18     校验码 check character (ISO 7064 MOD 31-3)
    |  |  |       └─────────── 9–17   主体标识码 organisation code (GB 11714)
    |  |  └─────────────────── 3–8    登记管理机关行政区划码 region code (GB/T 2260)
    |  └────────────────────── 2      机构类别代码 entity type, within the authority
    └───────────────────────── 1      登记管理部门代码 registration authority

The code uses digits and upper-case letters except I, O, Z, S and V (they look like
1, 0, 2, 5 and U). The check character comes from python-stdnum
(``stdnum.cn.uscc.calc_check_digit``); we deliberately do *not* use
``stdnum.cn.uscc.validate()`` as the verdict because it requires the first eight
characters to be digits, which rejects genuine codes whose authority is a letter:
``N2…`` (村级集体经济组织, village collectives, who do employ people), ``A1…`` and
``Y1…``. It also cannot say *what* is wrong, which a form needs.

Every failure raises :class:`CreditCodeError` whose ``code`` names the kind of
problem (``required``, ``length``, ``characters``, ``authority``, ``entity_type``,
``region``, ``checksum``) and whose message says exactly what is wrong, Chinese first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from canlian.core.rule_text import english, gettext_noop, listed, translated
from canlian.people.idnumber import PROVINCE_CODES

# GB 32100-2015 §4.1: 0-9 and A-Z without I, O, Z, S, V (31 characters, MOD 31).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
EXCLUDED_LETTERS = "IOZSV"
# The letters people type by mistake for a digit, for the error message.
LOOKALIKES = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}

# 登记管理部门代码 → (name, {机构类别代码: name}), GB 32100-2015 appendix A.
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体",
                       "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
                       "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
                   "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织",
                   "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

# Registrations by a central (national-level) authority use this region code, e.g. the
# foundations registered with the Ministry of Civil Affairs (53100000…).
NATIONAL_REGION = "100000"

# The levy's unit kinds (``canlian.employment.levy.UNIT_KINDS``) that the first two
# characters settle unambiguously; other types (e.g. 93 农民专业合作社) are left to staff.
UNIT_KIND_BY_TYPE = {
    "11": "government",
    "12": "public_institution",
    "51": "social_organisation",
    "52": "private_non_enterprise",
    "91": "enterprise",
}


class CreditCodeError(ValueError):
    """A unified social credit code that is not valid, with the reason."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(english(message, params))
        self.code = code
        self.msgid, self.params = message, params

    @property
    def message(self) -> str:
        """The reason in the active language (``str()`` is English)."""
        return translated(self.msgid, self.params)


@dataclass(frozen=True, slots=True)
class CreditCode:
    """A valid code and what its parts mean."""

    code: str
    authority: str  # 登记管理部门代码
    entity_type: str  # 机构类别代码
    region: str  # 登记管理机关行政区划码
    organisation_code: str  # 主体标识码 (组织机构代码), positions 9–17
    check: str

    @property
    def authority_label(self) -> str:
        return AUTHORITIES[self.authority][0]

    @property
    def entity_type_label(self) -> str:
        return AUTHORITIES[self.authority][1][self.entity_type]

    @property
    def unit_kind(self) -> str | None:
        """The levy's unit kind when the code settles it (``91`` → enterprise), else None."""
        return UNIT_KIND_BY_TYPE.get(self.authority + self.entity_type)

    def __str__(self) -> str:
        return self.code


def normalise(text: str) -> str:
    """Fold full-width characters (NFKC), drop blanks and hyphens, upper-case letters."""
    folded = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s\-]", "", folded).upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 31-3 check character of the first 17 characters (via stdnum)."""
    if len(first17) != 17 or any(c not in ALPHABET for c in first17):
        raise CreditCodeError(
            "characters",
            f"需要 17 位数字或大写字母（不含 I、O、Z、S、V）：{first17!r} "
            f"(17 digits or capital letters other than I, O, Z, S, V expected)",
        )
    return stdnum_uscc.calc_check_digit(first17)


def make(first17: str) -> str:
    """Append the check character to ``first17`` (used by the demo generator and tests).

    Only the length and the alphabet are checked, so tests can build codes whose
    authority or region is wrong and see :func:`validate` reject them for that.
    """
    return first17 + check_character(first17)


def validate(text: str) -> str:
    """Return the normalised code or raise :class:`CreditCodeError`.

    Checks, in order: length, characters, registration authority, entity type,
    region code, check character.
    """
    return parse(text).code


def parse(text: str) -> CreditCode:
    """Like :func:`validate` but return the parts of the code."""
    code = normalise(text)
    if not code:
        raise CreditCodeError("required",
                              gettext_noop("The unified social credit code is required"))
    if len(code) != 18:
        raise CreditCodeError(
            "length",
            gettext_noop("The unified social credit code must have 18 characters, got %(length)s"),
            length=len(code),
        )
    bad = [(i + 1, c) for i, c in enumerate(code) if c not in ALPHABET]
    if bad:
        raise _characters_error(bad)
    authority, entity_type, region = code[0], code[1], code[2:8]
    if authority not in AUTHORITIES:
        known = "、".join(AUTHORITIES)
        raise CreditCodeError(
            "authority",
            f"第 1 位登记管理部门代码 {authority} 不存在（应为 {known} 之一） "
            f"(registration-authority code {authority} does not exist; expected one of "
            f"{', '.join(AUTHORITIES)})",
        )
    name, types = AUTHORITIES[authority]
    if entity_type not in types:
        allowed = "、".join(f"{k} {v}" for k, v in types.items())
        raise CreditCodeError(
            "entity_type",
            f"第 2 位机构类别代码 {entity_type} 不属于登记管理部门「{name}」（可用：{allowed}） "
            f"(entity-type code {entity_type} does not exist under authority {authority}; "
            f"expected one of {', '.join(types)})",
        )
    if not region.isdigit():
        raise CreditCodeError(
            "region",
            gettext_noop("The region code in positions 3–8 must be 6 digits, got %(region)s"),
            region=region,
        )
    if region[:2] not in PROVINCE_CODES and region != NATIONAL_REGION:
        raise CreditCodeError(
            "region",
            f"第 3–8 位 {region} 不是有效的行政区划代码（省级代码 {region[:2]} 不存在） "
            f"({region} is not a region code: there is no province {region[:2]})",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            "checksum",
            gettext_noop("The check character should be %(expected)s, got %(got)s; "
                         "look for a mistyped character"),
            expected=expected, got=code[17],
        )
    return CreditCode(code=code, authority=authority, entity_type=entity_type, region=region,
                      organisation_code=code[8:17], check=code[17])


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except CreditCodeError:
        return False
    return True


def _characters_error(bad: list[tuple[int, str]]) -> CreditCodeError:
    where = listed(translated(gettext_noop("position %(position)s “%(character)s”"),
                              {"position": pos, "character": c}) for pos, c in bad)
    hints = [translated(gettext_noop("%(character)s should be %(meant)s?"),
                        {"character": c, "meant": LOOKALIKES[c]})
             for c in dict.fromkeys(c for _, c in bad) if c in LOOKALIKES]
    if hints:
        return CreditCodeError(
            "characters",
            gettext_noop("Only digits and capital letters other than I, O, Z, S, V are allowed: "
                         "%(where)s not allowed (%(hints)s)"),
            where=where, hints=" ".join(hints))
    return CreditCodeError(
        "characters",
        gettext_noop("Only digits and capital letters other than I, O, Z, S, V are allowed: "
                     "%(where)s not allowed"),
        where=where)
