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


# Every import kind is one job kind of the same shape: (import kind, job code, title).
_KINDS: tuple[tuple[ImportKind, str, Any], ...] = (
    (ImportKind.CERTIFICATES, "exchange.certificate_import",
     _("Migration import of certificate holders")),
    (ImportKind.GRANTS, "exchange.grant_import", _("Migration import of running subsidy grants")),
    (ImportKind.SERVICES, "exchange.service_import", _("Import of service records")),
    (ImportKind.SURVEYS, "exchange.survey_import", _("Import of survey records")),
    (ImportKind.EDUCATION, "exchange.education_import",
     _("Import of the education bureau's schooling status")),
    (ImportKind.ALLOWANCE, "exchange.allowance_import",
     _("Import of civil affairs' minimum living allowance changes")),
    (ImportKind.INSURANCE, "exchange.insurance_import",
     _("Import of insurance enrolment confirmations")),
)
KIND_OF: dict[ImportKind, Kind] = {
    kind: register(Kind(code, title, actions.CAPABILITY[kind], run=_run(kind),
                        summary_template="exchange/job_summary.html", detail_url="exchange:result"))
    for kind, code, title in _KINDS}
