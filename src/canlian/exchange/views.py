"""Staff pages of the migration import (迁移导入): upload, templates, the result with its
reconciliation report. The import itself runs as a background job (``exchange.jobs``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.api import actions as api_actions
from canlian.api.models import SCOPES, VERIFY_FIELDS
from canlian.core import clock, exports
from canlian.core.web import AuthedRequest, refusal, requires
from canlian.indicators.views import _plan_for
from canlian.jobs import actions as jobs
from canlian.people import roster

from . import actions, datasets, workbooks
from .jobs import KIND_OF, UPLOAD
from .models import ImportKind, MigrationImport


def _kind(value: str) -> ImportKind:
    try:
        return ImportKind(value)
    except ValueError:
        raise Http404 from None


def _check(upload: object) -> str:
    if upload is None:
        return _("Choose an .xlsx file to upload.")
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        return _("Only .xlsx workbooks can be imported.")
    if (getattr(upload, "size", 0) or 0) > settings.CANLIAN_MAX_ROSTER_BYTES:
        return _("The file is larger than the limit of %(mb)d MB.") % {
            "mb": settings.CANLIAN_MAX_ROSTER_BYTES // (1024 * 1024)}
    if upload.read(4) != b"PK\x03\x04":  # type: ignore[attr-defined]
        return _("This file is not an .xlsx workbook.")
    try:
        roster.check_size(upload)  # type: ignore[arg-type]
    except roster.RosterError as exc:
        return str(exc)
    return ""


@requires(Capability.IMPORT_PEOPLE)
@require_http_methods(["GET", "POST"])
def index(request: AuthedRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        kind = _kind(request.POST.get("kind", ""))
        if not request.user.can(actions.CAPABILITY[kind]):
            raise PermissionDenied(kind)
        upload = request.FILES.get("file")
        errors[kind] = _check(upload)
        if not errors[kind] and upload is not None:
            job = jobs.start(request.user, KIND_OF[kind].code,
                             params={"filename": upload.name}, files={UPLOAD: upload},
                             request=request)
            return redirect("jobs:detail", pk=job.pk)
    batches = MigrationImport.objects.filter(user=request.user)[:20]
    return render(request, "exchange/index.html", {
        "errors": errors, "batches": batches,
        "can_grants": request.user.can(actions.CAPABILITY[ImportKind.GRANTS]),
        "can_insurance": request.user.can(actions.CAPABILITY[ImportKind.INSURANCE]),
        "education_columns": actions.EDUCATION_COLUMNS,
        "allowance_columns": actions.ALLOWANCE_COLUMNS,
        "insurance_columns": actions.INSURANCE_COLUMNS,
        "certificate_columns": actions.CERTIFICATE_COLUMNS,
        "grant_columns": actions.GRANT_COLUMNS,
        "service_columns": actions.SERVICE_COLUMNS,
        "survey_columns": actions.SURVEY_COLUMNS,
        "last_month": (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
        "last_year": clock.today().year - 1,
    }, status=400 if any(errors.values()) else 200)


@requires(Capability.IMPORT_PEOPLE)
def result(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(MigrationImport, pk=pk, user=request.user)
    labels = workbooks.key_labels(batch)
    return render(request, "exchange/result.html", {
        "batch": batch, "errors": batch.errors[:200], "flags": batch.flags[:200],
        "labels": labels, "table": actions.counts_table(batch),
    })


@requires(Capability.IMPORT_PEOPLE)
@exports.clean_failure
def result_workbook(request: AuthedRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(MigrationImport, pk=pk, user=request.user)
    return exports.response(workbooks.result_workbook(batch), f"迁移导入结果-{batch.pk}.xlsx")


@requires(Capability.IMPORT_PEOPLE)
@exports.clean_failure
def template(request: AuthedRequest, kind: str) -> FileResponse:
    kind = _kind(kind)
    name = {ImportKind.CERTIFICATES: "持证人员迁移模板.xlsx", ImportKind.GRANTS: "在发补贴迁移模板.xlsx",
            ImportKind.SERVICES: "服务记录导入模板.xlsx",
            ImportKind.SURVEYS: "调查记录导入模板.xlsx",
            ImportKind.EDUCATION: "学籍状况导入模板_education-status-1.xlsx",
            ImportKind.ALLOWANCE: "低保变更导入模板_dibao-changes-1.xlsx",
            ImportKind.INSURANCE: "参保确认导入模板_insurance-enrolment-1.xlsx"}[kind]
    return exports.response(workbooks.template(kind), name)


@requires(Capability.APPROVE)
@require_http_methods(["GET", "POST"])
def verification_keys(request: AuthedRequest) -> HttpResponse:
    """Other departments' certificate-verification keys (证件核验密钥): list, issue.

    A new key is shown once on the page that issued it and never again (only its digest
    is stored)."""
    new_key = ""
    errors: list[str] = []
    if request.method == "POST":
        with refusal() as refused:
            _, new_key = api_actions.issue_verification_key(
                request.user, request.POST.get("department", ""),
                ["verify:valid", *request.POST.getlist("fields")], request=request)
        errors = refused.messages
    return render(request, "exchange/verification_keys.html", {
        "keys": api_actions.verification_keys(request.user), "new_key": new_key, "errors": errors,
        "optional": [(scope, SCOPES[scope]) for scope in VERIFY_FIELDS if scope != "verify:valid"],
        "labels": SCOPES,
    }, status=400 if errors else 200)


@requires(Capability.APPROVE)
@require_POST
def verification_key_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(api_actions.verification_keys(request.user), pk=pk)
    api_actions.revoke_verification_key(request.user, client, request=request)
    messages.success(request, _("The key is revoked: the department's next check is refused."))
    return redirect("exchange:verification_keys")


@require_http_methods(["GET", "POST"])
def sms_report(request: HttpRequest, reference: str) -> HttpResponse:
    """The SMS gateway's delivery report (``dlr-url``): the random reference in the URL is
    the only key, so an unknown one gets 404 and tells nothing."""
    try:
        code = int(request.GET.get("status", ""))
    except ValueError:
        return HttpResponse("status must be a number", status=400, content_type="text/plain")
    if not actions.record_report(reference, code):
        raise Http404
    return HttpResponse("ok", content_type="text/plain")


@requires(Capability.VIEW_PEOPLE)
def subsidy_monthly(request: AuthedRequest, month: str) -> HttpResponse:
    """The two subsidies' monthly figures of the user's region (``subsidy-monthly/1``)."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Http404 from None
    rows = datasets.subsidy_monthly(request.user, first)
    body = datasets.write_csv(rows, datasets.SUBSIDY_MONTHLY_COLUMNS)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subsidy-monthly-1-{month}.csv"'
    return response


@requires(Capability.VIEW_PEOPLE)
def indicators_annual(request: AuthedRequest, year: int) -> HttpResponse:
    """The plan's indicator figures of the user's region for a year (``indicators-annual/1``)."""
    plan = _plan_for(request)
    if not plan.start <= year <= clock.today().year:
        raise Http404("year outside the plan")
    rows = datasets.indicator_aggregates(plan, year, scoping.region_of(request.user))
    body = datasets.write_csv(rows, datasets.INDICATORS_ANNUAL_COLUMNS)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicators-annual-1-{year}.csv"'
    return response


@requires(Capability.VIEW_PEOPLE)
def survey_annual(request: AuthedRequest, year: int) -> HttpResponse:
    """The year's status-and-needs survey counts of the user's region (``survey-annual/1``)."""
    if not 2000 <= year <= clock.today().year:
        raise Http404("year")
    rows = datasets.survey_annual(request.user, year)
    body = datasets.write_csv(rows, datasets.SURVEY_ANNUAL_COLUMNS)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-annual-1-{year}.csv"'
    return response
