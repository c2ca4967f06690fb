"""Accessibility supervision (无障碍环境建设监督): checklists, rectification deadlines, overdue.

Public places (roads, transport, hospitals, government service halls, parks) are inspected
against a checklist of accessibility items (GB 50763-2012 《无障碍设计规范》; the checklist
is ``data/checklist.yaml``). A failed item becomes a problem with a severity; the managing
unit must rectify it by a deadline that depends on the severity (严重 / 较重 / 一般). The
days, the "due soon" warning and the extensions allowed (延期整改) vary by deployment and
are data (``data/<deployment>.yaml``, ``inspections:``). No database code.

A problem is ``open`` until rectified, ``due_soon`` in the last days before its deadline,
``overdue`` the day after it (a rectification on the deadline is in time), ``rectified``
once the unit reports it done (awaiting the federation's check) and ``closed`` once
verified. Deadlines are calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

SEVERITIES = {
    "critical": ("严重", "critical"),
    "major": ("较重", "major"),
    "minor": ("一般", "minor"),
}
PLACE_KINDS = {
    "road": ("道路及人行道", "road or pavement"),
    "transport": ("公共交通场站", "public transport"),
    "hospital": ("医疗机构", "hospital or clinic"),
    "service_hall": ("政务服务大厅", "government service hall"),
    "park": ("公园广场", "park or square"),
    "other": ("其他公共场所", "other public place"),
}
RESULTS = {"pass": ("符合", "meets"), "fail": ("不符合", "fails"), "na": ("不适用", "not applicable")}


class RuleError(ValueError):
    """A request the rules refuse (e.g. one extension too many), in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        self.message = f"{zh} ({en})"
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    code: str
    zh: str
    en: str
    kinds: tuple[str, ...]  # place kinds it applies to
    severity: str  # the usual severity of a failure


@dataclass(frozen=True, slots=True)
class RectificationRules:
    days: Mapping[str, int]  # severity → calendar days to rectify
    due_soon_days: int
    extension_days: int
    max_extensions: int


def items_for(kind: str, checklist: Iterable[ChecklistItem]) -> tuple[ChecklistItem, ...]:
    if kind not in PLACE_KINDS:
        raise RuleError(f"未知的场所类型 {kind!r}", f"unknown place kind {kind!r}")
    return tuple(item for item in checklist if kind in item.kinds)


@dataclass(frozen=True, slots=True)
class Summary:
    passed: int
    failed: int
    not_applicable: int

    @property
    def compliance(self) -> float | None:
        """Share of applicable items met (None when no item applies)."""
        applicable = self.passed + self.failed
        return None if applicable == 0 else self.passed / applicable


def check_results(results: Mapping[str, str], items: Iterable[ChecklistItem]) -> Summary:
    """Every item of the place's checklist answered with pass, fail or n/a; nothing else."""
    codes = [item.code for item in items]
    unknown = sorted(set(results) - set(codes))
    if unknown:
        raise RuleError(f"检查项不属于该类场所：{', '.join(unknown)}",
                        f"items not on this place's checklist: {', '.join(unknown)}")
    missing = [c for c in codes if c not in results]
    if missing:
        raise RuleError(f"以下检查项未填写结果：{', '.join(missing)}",
                        f"no result for: {', '.join(missing)}")
    bad = sorted(c for c, r in results.items() if r not in RESULTS)
    if bad:
        raise RuleError(f"检查结果只能是符合、不符合或不适用：{', '.join(bad)}",
                        f"a result must be pass, fail or na: {', '.join(bad)}")
    values = list(results.values())
    return Summary(values.count("pass"), values.count("fail"), values.count("na"))


def deadline(found_on: dt.date, severity: str, rules: RectificationRules) -> dt.date:
    """The rectification deadline of a problem found on ``found_on``."""
    if severity not in SEVERITIES:
        raise RuleError(f"未知的严重程度 {severity!r}", f"unknown severity {severity!r}")
    return found_on + dt.timedelta(days=rules.days[severity])


def extend(current: dt.date, extensions_so_far: int, rules: RectificationRules) -> dt.date:
    """A new deadline after one more extension, refused past ``max_extensions``."""
    if extensions_so_far >= rules.max_extensions:
        raise RuleError(f"已延期 {extensions_so_far} 次，不能再延期（最多 {rules.max_extensions} 次）",
                        f"already extended {extensions_so_far} time(s); at most "
                        f"{rules.max_extensions} allowed")
    return current + dt.timedelta(days=rules.extension_days)


class State(StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    RECTIFIED = "rectified"  # reported done, awaiting verification
    CLOSED = "closed"  # verified


STATE_LABELS = {
    State.OPEN: ("整改中", "being rectified"),
    State.DUE_SOON: ("即将到期", "deadline soon"),
    State.OVERDUE: ("逾期未整改", "overdue"),
    State.RECTIFIED: ("已整改待复核", "rectified, awaiting check"),
    State.CLOSED: ("已复核销号", "verified and closed"),
}


@dataclass(frozen=True, slots=True)
class ProblemStatus:
    state: State
    days_left: int  # negative when overdue; 0 on the deadline
    late: bool  # rectified (or still open) after the deadline

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left) if self.state is State.OVERDUE else 0


def status(deadline_on: dt.date, today: dt.date, rules: RectificationRules,
           rectified_on: dt.date | None = None, verified_on: dt.date | None = None
           ) -> ProblemStatus:
    if verified_on is not None and rectified_on is None:
        raise RuleError("未整改不能复核销号", "cannot verify a problem that was not rectified")
    if rectified_on is not None:
        late = rectified_on > deadline_on
        state = State.CLOSED if verified_on is not None else State.RECTIFIED
        return ProblemStatus(state, (deadline_on - rectified_on).days, late)
    left = (deadline_on - today).days
    if left < 0:
        return ProblemStatus(State.OVERDUE, left, True)
    if left <= rules.due_soon_days:
        return ProblemStatus(State.DUE_SOON, left, False)
    return ProblemStatus(State.OPEN, left, False)
