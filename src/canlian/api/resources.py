"""/api/v1 read endpoints for certificates, applications, grants, surveys, services,
indicators, rights-casework statistics. Each list is scoped, cursor-paged and filterable by update time."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from pydantic import Field

from canlian.accounts import scoping
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.benefits.models import Grant, SubsidyApplication
from canlian.certificates.models import Certificate
from canlian.certificates.numbers import CertificateNumberError, parse_certificate_number
from canlian.core import clock
from canlian.employment.actions import employers_for
from canlian.employment.models import Declaration
from canlian.indicators import engine, plans
from canlian.people.idnumber import mask
from canlian.privacy.queries import shareable
from canlian.rights import actions, queries
from canlian.rights.models import Outcome
from canlian.services.models import ServiceRecord
from canlian.surveys.models import AnnualSurvey

from .auth import audit_read, need
from .errors import ApiError
from .models import VERIFY_FIELDS, ApiClient
from .paging import CURSOR_PATTERN, MAX_LIMIT, cursor_page, since
from .schemas import (
    ApplicationOut,
    CertificateOut,
    DeclarationOut,
    EmployerOut,
    Error,
    GrantOut,
    IndicatorOut,
    RightsStatisticsRow,
    ServiceOut,
    SurveyOut,
    Verification,
    VerifyIn,
    page_of,
)

router = Router()


class Sync(Schema):
    updated_since: dt.datetime | None = None
    cursor: str | None = Field(None, pattern=CURSOR_PATTERN)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


def _page(request: HttpRequest, qs, sync: Sync, schema, what: str) -> dict:
    # A department that receives data by consent (privacy app) gets consenting persons only.
    qs = shareable(request.user, qs, "person_id")
    if sync.updated_since:
        qs = qs.filter(updated_at__gt=since(sync.updated_since))
    page = cursor_page(qs, sync.cursor, sync.limit)
    audit_read(request, [r.person_id for r in page["results"]], f"接口读取{what}")
    page["results"] = [schema.from_orm(r).dict() for r in page["results"]]
    return page


CertificatePage = page_of(CertificateOut)


NUMBER = r"^\d{17}[\dXx][1-7][1-4](B[1-9])?$"


NUMBER = r"^\d{17}[\dXx][1-7][1-4](B[1-9])?$"


def _released(request: HttpRequest) -> tuple[object, set[str]]:
    """The caller's user and the answer fields its key may receive (api.models.VERIFY_FIELDS).

    ``certificates:read`` receives every field; a department's verification key only the
    fields its scopes name. Neither: 403."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    if "certificates:read" in client.scopes:
        return client.user, {f for fields in VERIFY_FIELDS.values() for f in fields}
    released = {f for scope in client.scopes for f in VERIFY_FIELDS.get(scope, ())}
    if not released:
        raise PermissionDenied("verify:valid")
    return client.user, released


def _verify(request: HttpRequest, number: str) -> dict:
    user, released = _released(request)
    answer = _check(user, request, number)
    return {k: v for k, v in answer.items() if k == "number" or k in released}


def _check(user: object, request: HttpRequest, number: str) -> dict:
    try:
        parsed = parse_certificate_number(number)
    except CertificateNumberError as exc:
        return {"number": mask(number.upper()), "valid": False, "status": "invalid",
                "reason": exc.message}
    found = (Certificate.objects.select_related("person").filter(number=str(parsed))
             .order_by("-issue_date").first())
    if found is None:
        record(user=user, action=Action.VIEW, object_type="certificate", request=request,
               summary="接口核验残疾人证：无此证")
        return {"number": mask(str(parsed)), "valid": False, "status": "unknown"}
    record(user=user, action=Action.VIEW, obj=found, person=found.person, request=request,
           summary="接口核验残疾人证")
    status = found.effective_status()
    return {"number": mask(found.number), "valid": status == "issued", "status": status,
            "category": found.category, "grade": found.grade, "valid_until": found.valid_until}


@router.post("/certificates/verify", tags=["certificates"], exclude_unset=True,
             response={200: Verification, 401: Error, 403: Error, 413: Error, 422: Error})
def verify_certificate_body(request: HttpRequest, payload: VerifyIn) -> dict:
    """Is this certificate number valid today? (Any client with the scope, any region.)

    A department's verification key (scopes ``verify:valid``, ``verify:category``,
    ``verify:expiry``) receives only the fields its scopes name; fields it may not
    receive are left out of the answer. ``certificates:read`` receives them all.

    The number is sent in the body, so it stays out of URLs and the logs that keep them.
    A number of the right shape whose resident-ID part fails its checks is answered
    ``valid: false, status: "invalid"`` with the reason. Every check is audited."""
    return _verify(request, payload.number)


@router.get("/certificates/verify/{number}", tags=["certificates"], deprecated=True,
            exclude_unset=True, response={200: Verification, 401: Error, 403: Error, 422: Error})
def verify_certificate(request: HttpRequest,
                       number: str = PathParam(..., pattern=NUMBER)) -> dict:
    """The same check with the number in the path (kept for existing clients; prefer
    ``POST /certificates/verify``: a path lands in access logs, masked by Canlian's own)."""
    return _verify(request, number)


# After the verify routes: a path parameter without a converter would take "verify".
@router.get("/certificates/{certificate_id}", tags=["certificates"],
            response={200: CertificateOut, 401: Error, 403: Error, 404: Error})
def get_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    user = need(request, "certificates:read")
    certificate = get_object_or_404(shareable(user, scoping.certificates_for(user), "person_id")
                                    .select_related("person"), pk=certificate_id)
    record(user=user, action=Action.VIEW, obj=certificate, person=certificate.person,
           request=request, summary="接口读取残疾人证")
    return certificate


ApplicationPage = page_of(ApplicationOut)


@router.get("/applications", tags=["applications"],
            response={200: ApplicationPage, 401: Error, 403: Error, 422: Error})
def list_applications(request: HttpRequest, sync: Query[Sync]) -> dict:
    """Subsidy applications (``kind`` is the subsidy) in the client's region."""
    user = need(request, "benefits:read")
    qs = SubsidyApplication.objects.filter(person__in=scoping.people_for(user))
    return _page(request, qs, sync, _SubsidyApplicationOut, "补贴申请")


class _SubsidyApplicationOut(ApplicationOut):
    @staticmethod
    def resolve_kind(obj: SubsidyApplication) -> str:
        return obj.subsidy


GrantPage = page_of(GrantOut)


@router.get("/grants", tags=["applications"],
            response={200: GrantPage, 401: Error, 403: Error, 422: Error})
def list_grants(request: HttpRequest, sync: Query[Sync]) -> dict:
    user = need(request, "benefits:read")
    return _page(request, Grant.objects.filter(person__in=scoping.people_for(user)), sync,
                 GrantOut, "补贴发放")


SurveyPage = page_of(SurveyOut)


@router.get("/surveys", tags=["records"],
            response={200: SurveyPage, 401: Error, 403: Error, 422: Error})
def list_surveys(request: HttpRequest, sync: Query[Sync]) -> dict:
    user = need(request, "records:read")
    return _page(request, AnnualSurvey.objects.filter(person__in=scoping.people_for(user)), sync,
                 SurveyOut, "年度调查")


ServicePage = page_of(ServiceOut)


@router.get("/services", tags=["records"],
            response={200: ServicePage, 401: Error, 403: Error, 422: Error})
def list_services(request: HttpRequest, sync: Query[Sync]) -> dict:
    user = need(request, "records:read")
    qs = ServiceRecord.objects.filter(person__in=scoping.people_for(user)).select_related(
        "service_type")
    return _page(request, qs, sync, ServiceOut, "服务记录")


@router.get("/indicators/{plan_code}/{year}", tags=["indicators"],
            response={200: list[IndicatorOut], 401: Error, 403: Error, 404: Error,
                      422: Error})
def indicators(request: HttpRequest, plan_code: str, year: int) -> list[dict]:
    """A plan's indicators for a year, over the client's region."""
    user = need(request, "indicators:read")
    if plan_code not in plans.available():
        raise ApiError(404, "not_found", gettext("No plan %(code)s") % {"code": plan_code},
                       "plan_code")
    plan = plans.load(plan_code)
    if not plan.start <= year <= plan.end:
        raise ApiError(404, "not_found", gettext("The plan runs %(first)s–%(last)s")
                       % {"first": plan.start, "last": plan.end},
                       "year")
    if user.region is None:
        raise ApiError(403, "forbidden", gettext("The key has no region"))
    data = engine.as_json(plan, year, user.region, engine.compute(plan, year, user.region,
                                                                  townships=False))
    return data["indicators"]


@router.get("/employers", tags=["employment"], response={200: list[EmployerOut], 401: Error,
                                                        403: Error})
def list_employers(request: HttpRequest) -> list:
    """Employers in the client's region (at most 5,000; filter declarations by year)."""
    user = need(request, "records:read")
    return list(employers_for(user).order_by("id")[:5000])


DeclarationPage = page_of(DeclarationOut)


@router.get("/declarations", tags=["employment"],
            response={200: DeclarationPage, 401: Error, 403: Error, 422: Error})
def list_declarations(request: HttpRequest, sync: Query[Sync]) -> dict:
    """Employers' quota declarations with their levy, for incremental sync."""
    user = need(request, "records:read")
    page = cursor_page(_since(Declaration.objects.filter(employer__in=employers_for(user)),
                              sync), sync.cursor, sync.limit)
    page["results"] = [DeclarationOut.from_orm(r).dict() for r in page["results"]]
    return page


def _since(qs, sync: Sync):
    return qs.filter(updated_at__gt=since(sync.updated_since)) if sync.updated_since else qs


@router.get("/rights/statistics/{year}", tags=["rights"],
            response={200: list[RightsStatisticsRow], 401: Error, 403: Error, 422: Error})
def rights_statistics(request: HttpRequest,
                      year: int = PathParam(..., ge=2015, le=2100)) -> list[dict]:
    """Rights cases (信访, legal aid, complaints) received in the year, per township and
    kind, over the client's region: counts only, no persons."""

    user = need(request, "indicators:read")
    stats = queries.statistics(actions.cases_for(user), dt.date(year, 1, 1),
                               dt.date(year, 12, 31), clock.today())
    return [{"township": r["township"], "kind": r["kind"], "received": r["total"],
             "open": r["open"], "not_accepted": r["not_accepted"],
             "closed_by_outcome": {o: r[f"o_{o}"] for o in Outcome.values},
             "overdue": r["overdue"], "supervised": r["supervised"], "reopened": r["reopened"],
             "satisfaction_asked": r["asked"], "satisfied": r["satisfied"]}
            for r in stats["rows"]]
