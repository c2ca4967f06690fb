"""Background jobs of the migration import (迁移导入): certificates and running grants.

A national-database extract of a county's certificate holders runs to tens of thousands
of rows, more than a web request may take, so the upload page stores the file and starts
one of these jobs (as ``people/jobs.py`` does for the roster).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from canlian.jobs.kinds import JobError, Kind, register
from canlian.jobs.runner import Context

from . import actions, workbooks
from .models import ImportKind

UPLOAD = "migration.xlsx"


def _run(kind: ImportKind) -> Any:
    def run(context: Context) -> dict[str, Any]:
        filename = context.params.get("filename", UPLOAD)
        try:
            batch = actions.run_import(
                context.user, kind, str(context.input(UPLOAD)), filename=filename,
                request=context.request,
                progress=lambda done, total: context.progress(done, total=total or None))
        except actions.ImportFileError as exc:
            raise JobError(str(exc)) from None
        if batch.errors or batch.flags:
            context.result_file(workbooks.result_workbook(batch), f"迁移导入结果-{batch.pk}.xlsx")
        return {"detail_pk": batch.pk, "rows": batch.rows, "created": batch.created,
                "unchanged": batch.unchanged, "rejected": batch.rejected,
                "flagged": batch.flagged}
    return run


CERTIFICATE_IMPORT = register(Kind(
    "exchange.certificate_import", _("Migration import of certificate holders"),
    actions.CAPABILITY[ImportKind.CERTIFICATES], run=_run(ImportKind.CERTIFICATES),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
GRANT_IMPORT = register(Kind(
    "exchange.grant_import", _("Migration import of running subsidy grants"),
    actions.CAPABILITY[ImportKind.GRANTS], run=_run(ImportKind.GRANTS),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
SERVICE_IMPORT = register(Kind(
    "exchange.service_import", _("Import of service records"),
    actions.CAPABILITY[ImportKind.SERVICES], run=_run(ImportKind.SERVICES),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
SURVEY_IMPORT = register(Kind(
    "exchange.survey_import", _("Import of survey records"),
    actions.CAPABILITY[ImportKind.SURVEYS], run=_run(ImportKind.SURVEYS),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
EDUCATION_IMPORT = register(Kind(
    "exchange.education_import", _("Import of the education bureau's schooling status"),
    actions.CAPABILITY[ImportKind.EDUCATION], run=_run(ImportKind.EDUCATION),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
ALLOWANCE_IMPORT = register(Kind(
    "exchange.allowance_import", _("Import of civil affairs' minimum living allowance changes"),
    actions.CAPABILITY[ImportKind.ALLOWANCE], run=_run(ImportKind.ALLOWANCE),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
INSURANCE_IMPORT = register(Kind(
    "exchange.insurance_import", _("Import of insurance enrolment confirmations"),
    actions.CAPABILITY[ImportKind.INSURANCE], run=_run(ImportKind.INSURANCE),
    summary_template="exchange/job_summary.html", detail_url="exchange:result"))
KIND_OF = {ImportKind.CERTIFICATES: CERTIFICATE_IMPORT, ImportKind.GRANTS: GRANT_IMPORT,
           ImportKind.SERVICES: SERVICE_IMPORT, ImportKind.SURVEYS: SURVEY_IMPORT,
           ImportKind.EDUCATION: EDUCATION_IMPORT, ImportKind.ALLOWANCE: ALLOWANCE_IMPORT,
           ImportKind.INSURANCE: INSURANCE_IMPORT}
