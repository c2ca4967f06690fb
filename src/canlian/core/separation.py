"""The refusal of the separation-of-duties rule (审批分离), as users read it.

``core/duties.py`` holds the rule; this module gives it words (translated) for the two
places that use it: an app's action raises ``SameReviewerError`` before it writes, and the
app's page shows ``blocked_reason`` beside the approve button it disables, with who reviewed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .domain import DomainError
from .duties import Workflow, conflicts


class SameReviewerError(DomainError):
    """The approving step was asked of the person who did the reviewing step."""

    code = "same_reviewer"


def _name(user: Any) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", "") or str(user)


def blocked_reason(workflow: Workflow, step: str, *, reviewer: Any, actor: Any) -> str | None:
    """Why ``actor`` may not do ``step`` here, or None when they may."""
    if not conflicts(workflow, step, reviewer_id=getattr(reviewer, "pk", None),
                     actor_id=getattr(actor, "pk", None)):
        return None
    return _("You reviewed this case yourself (%(reviewer)s), so another person must approve "
             "it: the reviewer and the approver must be two different people.") % {
        "reviewer": _name(reviewer)}


def check(workflow: Workflow, step: str, *, reviewer: Any, actor: Any) -> None:
    """Refuse ``step`` when ``actor`` reviewed the case (raise ``SameReviewerError``)."""
    reason = blocked_reason(workflow, step, reviewer=reviewer, actor=actor)
    if reason is not None:
        raise SameReviewerError(reason)
