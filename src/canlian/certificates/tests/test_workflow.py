import datetime as dt

import pytest

from canlian.accounts.roles import Capability
from canlian.certificates import workflow
from canlian.certificates.workflow import Action, IllegalTransition, Kind, State

LEGAL = [
    (State.APPLIED, Action.ASSESS, State.ASSESSED, Capability.ASSESS),
    (State.ASSESSED, Action.REVIEW, State.REVIEWED, Capability.REVIEW),
    (State.REVIEWED, Action.APPROVE, State.APPROVED, Capability.APPROVE),
    (State.APPROVED, Action.ISSUE, State.ISSUED, Capability.APPROVE),
    (State.APPLIED, Action.REJECT, State.REJECTED, Capability.REVIEW),
    (State.ASSESSED, Action.REJECT, State.REJECTED, Capability.REVIEW),
    (State.REVIEWED, Action.REJECT, State.REJECTED, Capability.REVIEW),
    (State.APPROVED, Action.REJECT, State.REJECTED, Capability.REVIEW),
    (State.APPLIED, Action.WITHDRAW, State.WITHDRAWN, Capability.MANAGE_CERTIFICATES),
    (State.ASSESSED, Action.WITHDRAW, State.WITHDRAWN, Capability.MANAGE_CERTIFICATES),
    (State.REVIEWED, Action.WITHDRAW, State.WITHDRAWN, Capability.MANAGE_CERTIFICATES),
]


@pytest.mark.parametrize(("source", "action", "target", "capability"), LEGAL)
def test_every_legal_transition(source, action, target, capability):
    t = workflow.transition(Kind.NEW, source, action)
    assert (t.target, t.capability) == (target, capability)


LEGAL_PAIRS = {(s, a) for s, a, _, _ in LEGAL}


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_every_other_transition_is_refused_with_a_message(state, action):
    if (state, action) in LEGAL_PAIRS:
        return
    with pytest.raises(IllegalTransition) as info:
        workflow.transition(Kind.NEW, state, action)
    assert "不能执行" in info.value.message


@pytest.mark.parametrize("kind", [Kind.RENEWAL, Kind.REISSUE, Kind.TRANSFER, Kind.CANCELLATION])
def test_kinds_without_assessment_start_assessed_and_refuse_assess(kind):
    assert workflow.first_state(kind) == State.ASSESSED
    with pytest.raises(IllegalTransition, match="不需要残疾评定"):
        workflow.transition(kind, State.APPLIED, Action.ASSESS)
    assert Action.ASSESS not in workflow.allowed_actions(kind, State.APPLIED)


def test_new_and_change_start_applied():
    assert workflow.first_state(Kind.NEW) == State.APPLIED
    assert workflow.first_state(Kind.CHANGE) == State.APPLIED


def test_terminal_states_allow_nothing():
    for state in (State.ISSUED, State.REJECTED, State.WITHDRAWN):
        assert workflow.allowed_actions(Kind.NEW, state) == []


def test_working_days_skip_weekends():
    friday = dt.date(2026, 11, 20)
    assert workflow.add_working_days(friday, 1) == dt.date(2026, 11, 23)
    assert workflow.add_working_days(friday, 5) == dt.date(2026, 11, 27)
    assert workflow.due_date(State.REVIEWED, friday) == dt.date(2026, 12, 4)
    assert workflow.due_date(State.ISSUED, friday) is None


def test_reapply_bar_after_cancellation():
    cancelled = dt.date(2025, 6, 1)
    assert not workflow.may_reapply(cancelled, "recovered", dt.date(2026, 5, 31))
    assert workflow.may_reapply(cancelled, "recovered", dt.date(2026, 6, 1))
    assert workflow.may_reapply(cancelled, "death", dt.date(2025, 6, 2))
    assert workflow.may_reapply(None, None, dt.date(2025, 6, 2))
