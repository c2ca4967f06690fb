"""One DomainError: every app's refusal carries a stable code and a message."""

from __future__ import annotations

import pytest

from canlian.benefits.actions import SubsidyError
from canlian.benefits.rolls import RollError
from canlian.community.shared import CommunityError
from canlian.core.domain import DomainError
from canlian.portal.actions import SignInError
from canlian.services.actions import RenovationError


@pytest.mark.parametrize(("error", "code"), [
    (SubsidyError, "subsidy_refused"), (RollError, "roll_refused"),
    (CommunityError, "community_refused"), (RenovationError, "renovation_refused"),
    (SignInError, "sign_in_refused"),
])
def test_each_app_error_is_a_domain_error_with_its_code(error, code):
    exc = error("不允许 (not allowed)")
    assert isinstance(exc, DomainError)
    assert (exc.code, exc.message, str(exc)) == (code, "不允许 (not allowed)", "不允许 (not allowed)")


def test_a_code_can_be_named_where_raised():
    assert DomainError("x", code="roll_final").code == "roll_final"
    assert DomainError("x").code == "refused"
    assert SignInError("x", field="code").field == "code"
