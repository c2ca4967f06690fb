"""Background jobs of the registry: the roster import (花名册导入).

A roster of a few hundred thousand rows passes the upload limit but takes longer than a
web request may (gunicorn kills a worker after 30 s), so the upload page stores the file
and starts this job; the worker imports it with progress, keeps the outcome as a
``RosterImport`` and the rejected rows as the job's result workbook.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from canlian.accounts.roles import Capability
from canlian.jobs.kinds import JobError, Kind, register
from canlian.jobs.runner import Context

from . import actions, roster, workbooks

ROSTER_FILE = "roster.xlsx"


def import_roster(context: Context) -> dict[str, Any]:
    filename = context.params.get("filename", ROSTER_FILE)

    def progress(row: int, result: roster.ImportResult) -> None:
        context.progress(min(row, result.last_row or row), total=result.last_row or None)

    try:
        result = roster.import_persons(context.user, str(context.input(ROSTER_FILE)),
                                       filename=filename, request=context.request,
                                       progress=progress)
    except roster.RosterError as exc:
        raise JobError(str(exc)) from None
    batch = actions.record_roster_import(context.user, filename, result)
    if batch.errors:
        context.result_file(workbooks.error_workbook(batch.errors), f"导入错误-{batch.pk}.xlsx")
    return {"detail_pk": batch.pk, "rows": result.rows, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged,
            "rejected": result.rejected}


ROSTER_IMPORT = register(Kind(
    "people.roster_import", _("Roster import"), Capability.IMPORT_PEOPLE, run=import_roster,
    summary_template="people/import_job_summary.html", detail_url="people:import_result"))
