"""Background jobs of the two subsidies: making a month's payment roll (发放花名册) and
writing a finalised roll's bank file (银行发放文件).

On the 20,000-person demo the roll took 4 s inside the request with no feedback (issue 23);
a roll pays one line per grant, so at a county of a million persons it is minutes, and so
is its bank file. The roll pages start these jobs instead (jobs app, django-tasks database
backend): the job page shows the progress and, when done, links the roll or offers the file.
Both kinds check the same rules as the pages did: rolls are the federation's (federation
staff make them; federation staff and auditors read them and their bank files).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record_many
from canlian.audit.models import Action as AuditAction
from canlian.jobs.kinds import JobError, Kind, register
from canlian.jobs.runner import Context

from . import bankfiles, rolls
from .models import Roll, RollStatus

ROLL_READERS = (Role.FEDERATION_STAFF, Role.AUDITOR)


def _region(context: Context) -> Any:
    user = context.user
    if user is None or user.role not in ROLL_READERS or user.region is None:
        raise JobError(_("Payment rolls are kept by the federation."))
    return user.region


def _roll_id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise JobError(_("This roll does not exist in your area.")) from None


def make_roll(context: Context) -> dict[str, Any]:
    """Generate (or refresh) the draft roll of ``params["month"]`` (YYYY-MM-01)."""
    region = _region(context)
    if not context.user or not context.user.can(Capability.APPROVE):
        raise JobError(_("Payment rolls are kept by the federation."))
    try:
        month = dt.date.fromisoformat(context.params["month"])
    except (KeyError, TypeError, ValueError):
        raise JobError(_("Choose the month of the roll.")) from None
    context.progress(0, total=2, note=_("Reading the grants and computing the payments"))
    try:
        outcome = rolls.generate(region, month, user=context.user,
                                 request=context.request)
    except rolls.RollError as exc:
        raise JobError(exc.message) from None
    context.progress(1, note=_("Checking the roll"))
    context.progress(2)
    return {"detail_pk": outcome.roll.pk, "message": outcome.message,
            "lines": outcome.roll.line_count, "month": f"{month:%Y-%m}"}


def make_bank_file(context: Context) -> dict[str, Any]:
    """Write the bank file of the finalised roll ``params["roll"]``."""
    region = _region(context)
    roll = Roll.objects.filter(pk=_roll_id(context.params.get("roll")), region=region).first()
    if roll is None:
        raise JobError(_("This roll does not exist in your area."))
    if roll.status != RollStatus.FINALISED:
        raise JobError(_("Only a finalised roll has a bank file."))
    context.progress(0, total=roll.line_count, note=_("Writing the bank file"))
    path = bankfiles.bank_file(roll, progress=lambda done, total: context.progress(done, total))
    name = f"发放文件-{roll.month:%Y-%m}-{roll.sequence}.xlsx"
    context.result_file(path, name)
    # Audited once the file exists, for every person on it (as the direct download is).
    record_many(user=context.user, action=AuditAction.EXPORT,
                request=context.request,
                people=roll.lines.values_list("person_id", "village_code"),
                summary=f"导出银行发放文件 {roll.month:%Y-%m}")
    context.progress(roll.line_count)
    return {"lines": roll.line_count, "month": f"{roll.month:%Y-%m}", "file": name}


ROLL = register(Kind("benefits.roll", gettext_lazy("Monthly payment roll"), Capability.APPROVE,
                     run=make_roll, summary_template="benefits/roll_job_summary.html",
                     detail_url="benefits:roll"))
BANK_FILE = register(Kind("benefits.bank_file", gettext_lazy("Bank payment file"),
                          Capability.VIEW_PEOPLE, run=make_bank_file))
