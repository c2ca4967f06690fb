"""The daily rating invitations (满意度短信邀评) in the ops scheduler: a text message with
a reply code for every item closed in the last days whose person has a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.ops.registry import Scheduled, register
from canlian.regions.models import Deployment

from . import actions


def rating_invitations(slot: dt.datetime) -> dict[str, Any]:
    deployment = Deployment.current()
    if deployment is None:
        return {"invitations": 0}
    return {"invitations": actions.invite(deployment.root, clock.today())}


JOB = register(Scheduled("rating_invitations", _("Satisfaction rating invitations"),
                         rating_invitations, "10 9 * * *"))
