"""The certificate application workflow (办证流程) as a state machine. No database code.

Every kind of application walks the same states, skipping those that do not apply:

    applied ─assess→ assessed ─review→ reviewed ─approve→ approved ─issue→ issued
       │                 │                 │                  │
       └──── reject / withdraw (from any open state) ─────────┘→ rejected / withdrawn

- new (新办) and change (变更, re-assessment) need an assessment by a designated assessor.
- renewal (换领), reissue (补办), transfer (迁移) and cancellation (注销) skip assessment:
  they start at ``assessed`` as far as the machine is concerned (``first_state``).
- After the township review, a new certificate and a change of category or grade are
  posted for 5 working days in the village (公示, ``NEEDS_NOTICE``); the federation may
  approve only after the notice has run (``core.notice_rules``) and decides within 10
  working days (管理办法).

Transitions name the capability they need; the caller checks the actor's role and region.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from canlian.accounts.roles import Capability
from canlian.core import calendar
from canlian.core.rule_text import gettext_noop, translated


class Kind(StrEnum):
    NEW = "new"  # 新办
    RENEWAL = "renewal"  # 换领 (expiry)
    CHANGE = "change"  # 变更类别/等级 (re-assessment)
    REISSUE = "reissue"  # 补办 (lost)
    TRANSFER = "transfer"  # 迁移
    CANCELLATION = "cancellation"  # 注销


KIND_LABELS = {
    Kind.NEW: "新办", Kind.RENEWAL: "换领", Kind.CHANGE: "类别/等级变更", Kind.REISSUE: "遗失补办",
    Kind.TRANSFER: "迁移", Kind.CANCELLATION: "注销",
}


class State(StrEnum):
    APPLIED = "applied"
    ASSESSED = "assessed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    ISSUED = "issued"  # done: certificate issued, changed, transferred or cancelled
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    State.APPLIED: "待评定", State.ASSESSED: "待镇街审核", State.REVIEWED: "待区残联审批",
    State.APPROVED: "待发证", State.ISSUED: "已办结", State.REJECTED: "未通过",
    State.WITHDRAWN: "已撤回",
}
OPEN_STATES = frozenset({State.APPLIED, State.ASSESSED, State.REVIEWED, State.APPROVED})

NEEDS_ASSESSMENT = frozenset({Kind.NEW, Kind.CHANGE})
# The public notice (公示) after the township review: the kinds that decide a disability
# (a first certificate, a re-assessed category or grade) are posted in the village; a
# renewal, reissue, transfer or cancellation decides nothing a neighbour could object to.
NEEDS_NOTICE = NEEDS_ASSESSMENT
NOTICE_WORKING_DAYS = 5  # 残疾人证管理办法: 5 working days in the village (community)
NEEDS_CURRENT_CERTIFICATE = frozenset(
    {Kind.RENEWAL, Kind.CHANGE, Kind.REISSUE, Kind.TRANSFER, Kind.CANCELLATION}
)


class Action(StrEnum):
    ASSESS = "assess"
    REVIEW = "review"
    APPROVE = "approve"
    ISSUE = "issue"
    REJECT = "reject"
    WITHDRAW = "withdraw"


ACTION_LABELS = {
    Action.ASSESS: "录入评定结果", Action.REVIEW: "镇街审核通过", Action.APPROVE: "区残联审批通过",
    Action.ISSUE: "发证/办结", Action.REJECT: "不予通过", Action.WITHDRAW: "撤回申请",
}
# The first step of every application is recorded as "apply" (提交申请); it is not a transition.
APPLY = "apply"
STEP_LABELS: dict[str, str] = {APPLY: "提交申请", **{str(a): v for a, v in ACTION_LABELS.items()}}


@dataclass(frozen=True)
class Transition:
    action: Action
    source: State
    target: State
    capability: Capability


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.ASSESS, State.APPLIED, State.ASSESSED, Capability.ASSESS),
    Transition(Action.REVIEW, State.ASSESSED, State.REVIEWED, Capability.REVIEW),
    Transition(Action.APPROVE, State.REVIEWED, State.APPROVED, Capability.APPROVE),
    Transition(Action.ISSUE, State.APPROVED, State.ISSUED, Capability.APPROVE),
    *(Transition(Action.REJECT, s, State.REJECTED, Capability.REVIEW)
      for s in (State.APPLIED, State.ASSESSED, State.REVIEWED, State.APPROVED)),
    *(Transition(Action.WITHDRAW, s, State.WITHDRAWN, Capability.MANAGE_CERTIFICATES)
      for s in (State.APPLIED, State.ASSESSED, State.REVIEWED)),
)


class IllegalTransition(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def first_state(kind: Kind) -> State:
    return State.APPLIED if kind in NEEDS_ASSESSMENT else State.ASSESSED


def transition(kind: Kind, state: State, action: Action) -> Transition:
    """The transition ``action`` from ``state``, or IllegalTransition saying why not."""
    if action == Action.ASSESS and kind not in NEEDS_ASSESSMENT:
        raise IllegalTransition(translated(gettext_noop(
            "A %(kind)s application needs no disability assessment"),
            {"kind": KIND_LABELS[kind]}))
    for t in TRANSITIONS:
        if t.action == action and t.source == state:
            return t
    raise IllegalTransition(translated(gettext_noop(
        "The application is “%(state)s”: “%(action)s” cannot be done now"),
        {"state": STATE_LABELS[state], "action": ACTION_LABELS[action]}))


def allowed_actions(kind: Kind, state: State) -> list[Action]:
    result = []
    for t in TRANSITIONS:
        if t.source != state:
            continue
        if t.action == Action.ASSESS and kind not in NEEDS_ASSESSMENT:
            continue
        result.append(t.action)
    return result


def notice_days(kind: Kind) -> int | None:
    """The working days of public notice an application of ``kind`` needs, or None."""
    return NOTICE_WORKING_DAYS if kind in NEEDS_NOTICE else None


# Service-time limits, in working days, from entering a state (管理办法 and local practice).
DUE_WORKING_DAYS = {
    State.APPLIED: 15,  # assessment at the designated hospital
    State.ASSESSED: 5,  # township review
    State.REVIEWED: 10,  # county federation review (after the public notice, if any)
    State.APPROVED: 5,  # printing and issuing
}


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``start`` plus ``days`` working days on the official calendar (``core.calendar``:
    Monday–Friday less public holidays, plus adjusted working weekends)."""
    return calendar.add_working_days(start, days)


def due_date(state: State, entered: dt.date, kind: Kind | None = None) -> dt.date | None:
    """When the step after ``state`` is due; a reviewed application that needs a public
    notice has the notice's working days more."""
    days = DUE_WORKING_DAYS.get(state)
    if days is None:
        return None
    if state == State.REVIEWED and kind is not None:
        days += notice_days(kind) or 0
    return add_working_days(entered, days)


REAPPLY_BAR_DAYS = 365  # no new application for a year after a cancellation (not on death)


def may_reapply(cancelled_on: dt.date | None, reason: str | None, today: dt.date) -> bool:
    if cancelled_on is None or reason == "death":
        return True
    return (today - cancelled_on).days >= REAPPLY_BAR_DAYS
