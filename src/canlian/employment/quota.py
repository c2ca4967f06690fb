"""The employer quota (按比例安排残疾人就业): who is over, at or short of the ratio, and
the Linzi plan's rule that larger public units employ at least one disabled person.

(a) :func:`quota_status` compares the counted disabled employees A (weighted exactly as
for the levy: grade 1–2 count 2) with the required number N·r. Federations reward
employers over the ratio (超比例安排残疾人就业奖励) and follow up those short of it;
the levy itself is :mod:`canlian.employment.levy`. "Over" is literal: A > N·r. Rewards
are usually paid per whole person over the quota, so :attr:`QuotaStatus.excess_persons`
is also given: with N·r = 7.5 and A = 8 the employer is over by 0.5 but by no whole
person. The small-enterprise exemption waives the levy, not the quota, so an exempt
enterprise can still be "short".

(b) :func:`public_unit_in_breach`: the Linzi plan (临淄区残疾人事业发展“十四五”规划, code
``linzi-14th``, text target ``public_unit_quota``)
requires 编制 50 人以上党政机关、67 人以上事业单位（中小学、幼儿园除外）至少安排 1 名残疾人.
"以上" includes the number itself (the usual reading in Chinese legal texts), so 50 and 67
posts are already covered. The thresholds and the text citing them are rule data
(``data/public_units.yaml``, per deployment): a deployment without such a rule (Yueqing)
has none, and its pages do not cite Linzi's.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

import yaml

from canlian.core.rule_text import gettext_noop
from canlian.employment.levy import (
    UNIT_KINDS,
    Declaration,
    Employee,
    LevyInputError,
    LevyTable,
    check,
)


class QuotaInputError(LevyInputError):
    """Bad input to the public-unit rule, naming the field (a :class:`LevyInputError`)."""


class Standing(StrEnum):
    """Where an employer stands against the ratio."""

    OVER = "over"  # 超比例: A > N·r, candidate for the over-quota reward
    MEETING = "meeting"  # 达标: A = N·r
    SHORT = "short"  # 未达比例: A < N·r, owes the levy (unless exempt) and is followed up

    @property
    def label_zh(self) -> str:
        return {"over": "超比例安排", "meeting": "达到规定比例", "short": "未达到规定比例"}[self.value]

    @property
    def label_en(self) -> str:
        return {"over": "over the ratio", "meeting": "meets the ratio",
                "short": "short of the ratio"}[self.value]


@dataclass(frozen=True, slots=True)
class QuotaStatus:
    standing: Standing
    staff: Decimal  # N
    ratio: Decimal  # r
    required: Decimal  # N·r, not rounded
    counted: Decimal  # A, weighted
    counted_heads: int  # persons counted
    actual_ratio: Decimal | None  # A/N; None when N = 0
    difference: Decimal  # A − N·r: positive over, negative short

    @property
    def excess(self) -> Decimal:
        """超出人数 A − N·r when over, else 0."""
        return max(Decimal(0), self.difference)

    @property
    def excess_persons(self) -> int:
        """Whole persons over the quota (rewards are usually per whole person)."""
        return math.floor(self.excess)

    @property
    def shortfall(self) -> Decimal:
        """差额人数 N·r − A when short, else 0 (the levy's shortfall)."""
        return max(Decimal(0), -self.difference)

    @property
    def shortfall_persons(self) -> int:
        """Counted persons still to hire to reach the ratio (a grade 1–2 hire counts 2)."""
        return math.ceil(self.shortfall)

    @property
    def message(self) -> str:
        def n(value: Decimal) -> str:
            return format(value.normalize(), "f")

        numbers = f"A = {n(self.counted)}, N×r = {n(self.required)}"
        if self.standing is Standing.OVER:
            return (f"{self.standing.label_zh}，超出 {n(self.excess)} 人（{numbers}） "
                    f"({self.standing.label_en} by {n(self.excess)}: {numbers})")
        if self.standing is Standing.SHORT:
            return (f"{self.standing.label_zh}，差 {n(self.shortfall)} 人（{numbers}） "
                    f"({self.standing.label_en} by {n(self.shortfall)}: {numbers})")
        return f"{self.standing.label_zh}（{numbers}） ({self.standing.label_en}: {numbers})"


def quota_status(decl: Declaration, table: LevyTable | None = None) -> QuotaStatus:
    """Classify an employer's declaration. Raises :class:`LevyInputError` for bad input."""
    c = check(decl, table)
    required = c.required
    difference = c.counted - required
    if difference > 0:
        standing = Standing.OVER
    elif difference < 0:
        standing = Standing.SHORT
    else:
        standing = Standing.MEETING
    return QuotaStatus(standing=standing, staff=c.staff, ratio=c.rules.ratio.ratio, required=required,
                       counted=c.counted, counted_heads=c.counted_heads, actual_ratio=c.actual_ratio,
                       difference=difference)


# --- the Linzi plan's public-units rule --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicUnitRule:
    """Minimum 编制 (posts) from which a public unit must employ a disabled person."""

    government_min_posts: int  # 党政机关
    public_institution_min_posts: int  # 事业单位, except 中小学 and 幼儿园
    min_disabled: int
    basis: str


PUBLIC_UNITS_FILE = Path(__file__).resolve().parent / "data" / "public_units.yaml"


class PublicUnitDataError(ValueError):
    """``data/public_units.yaml`` cannot be used: the message names the entry and field."""


def load_public_unit_rules(path: Path = PUBLIC_UNITS_FILE) -> dict[str, tuple[tuple[dt.date,
                                                                                 PublicUnitRule], ...]]:
    """Every deployment's versions of the public-unit rule, oldest first (strict reader)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = path.name

    def fail(entry: str, field: str, why: str) -> NoReturn:
        raise PublicUnitDataError(f"{name}: {entry}, {field}: {why}")

    if not isinstance(data, dict) or set(data) != {"schema", "deployments"} or data["schema"] != 1:
        fail("-", "schema", "expected schema: 1 and deployments")
    result = {}
    for code, versions in (data["deployments"] or {}).items():
        if not isinstance(versions, list):
            fail(code, "-", "expected a list of versions")
        out = []
        for i, row in enumerate(versions):
            entry = f"deployments.{code}[{i}]"
            fields = {"effective_from", "government_min_posts", "public_institution_min_posts",
                      "min_disabled", "basis"}
            if not isinstance(row, dict):
                fail(entry, "-", "expected a mapping")
            for key in set(row) - fields:
                fail(entry, key, "unknown field")
            for key in fields - set(row):
                fail(entry, key, "missing")
            if not isinstance(row["effective_from"], dt.date):
                fail(entry, "effective_from", f"expected a date, got {row['effective_from']!r}")
            for key in ("government_min_posts", "public_institution_min_posts", "min_disabled"):
                value = row[key]
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    fail(entry, key, f"expected a whole number ≥ 1, got {value!r}")
            if not isinstance(row["basis"], str) or not row["basis"].strip():
                fail(entry, "basis", "expected the document the rule comes from")
            out.append((row["effective_from"], PublicUnitRule(
                row["government_min_posts"], row["public_institution_min_posts"],
                row["min_disabled"], row["basis"])))
        result[code] = tuple(sorted(out, key=lambda v: v[0]))
    return result


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[tuple[dt.date, PublicUnitRule], ...]]:
    return load_public_unit_rules()


def public_unit_rule(deployment: str, on: dt.date) -> PublicUnitRule | None:
    """The deployment's public-unit rule in force on ``on``, or None (no such local rule)."""
    found = None
    for start, rule in _shipped().get(deployment, ()):
        if start <= on:
            found = rule
    return found


# The Linzi plan's rule as transcribed in the data file (the tests' worked examples).
LINZI_2021_2025 = _shipped()["linzi"][0][1]


@dataclass(frozen=True, slots=True)
class PublicUnitVerdict:
    """Truthy when the unit is in breach; ``reason`` says why either way."""

    in_breach: bool
    applies: bool  # the rule covers this unit at all
    reason_zh: str
    reason_en: str

    def __bool__(self) -> bool:
        return self.in_breach

    @property
    def reason(self) -> str:
        return f"{self.reason_zh} ({self.reason_en})"


def public_unit_in_breach(
    kind: str,
    posts: int,
    is_school_or_kindergarten: bool,
    disabled_employees: int | Iterable[Employee],
    rule: PublicUnitRule = LINZI_2021_2025,
) -> PublicUnitVerdict:
    """Is a public unit in breach of the at-least-one-disabled-employee rule?

    ``kind`` is a levy unit kind (``government`` for 党政机关, ``public_institution``
    for 事业单位; other kinds are outside the rule). ``posts`` is the unit's 编制
    (approved establishment), not its head count. ``is_school_or_kindergarten`` means a
    primary or secondary school (中小学) or a kindergarten; universities and vocational
    colleges are not excepted. ``disabled_employees`` is a head count, or the employees,
    of whom only those that count toward the quota (``counted``) are counted; a grade
    1–2 employee is still one person here, since the rule asks for persons.

    The verdict is truthy when the unit is in breach, so ``if public_unit_in_breach(…)``
    reads naturally; ``verdict.reason`` says why.
    """
    if kind not in UNIT_KINDS:
        raise QuotaInputError("kind", gettext_noop("Unknown unit kind %(kind)s"), "unknown",
                              kind=repr(kind))
    if isinstance(posts, bool) or not isinstance(posts, int) or posts < 0:
        raise QuotaInputError("posts", gettext_noop("Posts must be a whole number ≥ 0, got %(posts)s"),
                              "negative", posts=repr(posts))
    if kind == "government" and is_school_or_kindergarten:
        raise QuotaInputError(
            "is_school_or_kindergarten",
            gettext_noop("A party or government body cannot be a school or kindergarten; "
                         "check the unit kind"),
            "contradiction",
        )
    heads = _heads(disabled_employees)
    zh_kind = UNIT_KINDS[kind][0]
    if kind == "government":
        threshold = rule.government_min_posts
    elif kind == "public_institution":
        threshold = rule.public_institution_min_posts
    else:
        return PublicUnitVerdict(False, False, f"{zh_kind}不属于党政机关或事业单位，本条不适用",
                                 "not a party or government body or a public institution: "
                                 "the rule does not apply")
    if is_school_or_kindergarten:
        return PublicUnitVerdict(False, False, "中小学、幼儿园不适用本条",
                                 "primary and secondary schools and kindergartens are excepted")
    if posts < threshold:
        return PublicUnitVerdict(False, False, f"编制 {posts} 人，不足 {threshold} 人，本条不适用",
                                 f"{posts} posts, fewer than {threshold}: the rule does not apply")
    if heads >= rule.min_disabled:
        return PublicUnitVerdict(False, True, f"编制 {posts} 人，已安排残疾人 {heads} 名，符合要求",
                                 f"{posts} posts and {heads} disabled employee(s): meets the rule")
    return PublicUnitVerdict(
        True, True,
        f"编制 {threshold} 人以上的{zh_kind}应至少安排 {rule.min_disabled} 名残疾人，"
        f"该单位编制 {posts} 人，实际安排 {heads} 名（{rule.basis}）",
        f"a {UNIT_KINDS[kind][1]} with {threshold}+ posts must employ at least {rule.min_disabled} "
        f"disabled person(s); this one has {posts} posts and {heads}",
    )


def _heads(disabled_employees: int | Iterable[Employee]) -> int:
    if isinstance(disabled_employees, bool):
        raise QuotaInputError("disabled_employees",
                              gettext_noop("The number of disabled employees must be a whole number"),
                              "invalid")
    if isinstance(disabled_employees, int):
        if disabled_employees < 0:
            raise QuotaInputError(
                "disabled_employees",
                gettext_noop("The number of disabled employees cannot be negative: %(heads)s"),
                "negative", heads=disabled_employees)
        return disabled_employees
    heads = 0
    for i, employee in enumerate(disabled_employees):
        if not isinstance(employee, Employee):
            raise QuotaInputError(
                f"disabled_employees[{i}]",
                gettext_noop("Disabled employee %(number)s is not in the right form"), number=i + 1)
        heads += employee.counted
    return heads
