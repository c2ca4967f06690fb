"""Auditing reads (查看留痕): every page a staff member (or an employer) opens is recorded.

A page that writes its own, more precise record (a person's file, an export, an upload
opened) keeps it: ``record`` marks the request, and nothing more is written. Every other
successful page view is recorded here, after the view, with the page and its query
(resident IDs in it masked; a search kept out of the URL, core/searches.py, is added by the
view as ``request.audit_detail``) and, where the URL names a record about one person, that
person, so "who looked at X" finds it. The few pages that show no personal data are
listed in ``NOT_PERSONAL``; a new page is audited unless it is added there, and
``core/tests/test_audited_reads.py`` walks every page to hold both to it.

The API audits its own reads (``api/auth.py:audit_read``); citizens' own portal pages are
about themselves and are not recorded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse

from canlian.core.logmask import mask_text

from .actions import record
from .models import Action

# Pages with no personal data on them (aggregates, empty forms, templates).
NOT_PERSONAL = frozenset({
    "home", "people:create", "people:import", "people:import_template",
    "indicators:dashboard", "indicators:plan", "indicators:indicator", "indicators:external",
    "community:statistics", "community:index", "services:index", "services:institutions",
    "employment:course_new", "community:volunteer_new",
    "accounts:login", "accounts:password_change", "accounts:two_factor",
    "accounts:two_factor_setup", "set_language", "verify",
    "programmes:figures", "programmes:simulate", "exchange:index", "exchange:template",
    "exchange:subsidy_monthly", "exchange:indicators_annual",
})
AUDITED_ROLES = frozenset({"village_worker", "township_staff", "federation_staff", "assessor",
                           "auditor", "employer"})

# url name → (model, path from it to the person) for pages about one record of one person.
PERSON_OF: dict[str, tuple[str, str]] = {
    "certificates:application": ("certificates.Application", "person_id"),
    "certificates:card": ("certificates.Certificate", "person_id"),
    "benefits:application": ("benefits.SubsidyApplication", "person_id"),
    "benefits:grant": ("benefits.Grant", "person_id"),
    "community:request": ("community.ServiceRequest", "person_id"),
    "community:request_log": ("community.ServiceRequest", "person_id"),
    "community:watch_case": ("community.WatchCase", "person_id"),
    "services:renovation": ("services.Renovation", "person_id"),
    "people:contact_change_decide": ("people.ContactChange", "person_id"),
    "privacy:correction_decide": ("privacy.CorrectionRequest", "person_id"),
    "programmes:application": ("programmes.Application", "person_id"),
    "programmes:claim": ("programmes.Claim", "person_id"),
}


def person_of(request: HttpRequest) -> Any:
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    person_id = kwargs.get("person_id")
    if person_id is None and match and match.view_name in PERSON_OF and "pk" in kwargs:
        label, path = PERSON_OF[match.view_name]
        person_id = (apps.get_model(label).objects.filter(pk=kwargs["pk"])
                     .values_list(path, flat=True).first())
    if person_id is None and match and match.view_name in ("people:detail", "people:edit",
                                                           "community:person"):
        person_id = kwargs.get("pk")
    if person_id is None:
        return None
    return apps.get_model("people.Person").objects.only("id", "village_id").filter(
        pk=person_id).first()


_TITLE = re.compile(rb"<title>\s*(.*?)\s*</title>", re.S)


def page_title(response: HttpResponse) -> str:
    """The page's own title (without the site name), so the log says which page in words."""
    if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
        return ""
    found = _TITLE.search(response.content[:4096])
    if not found:
        return ""
    title = html.unescape(found.group(1).decode("utf-8", "replace")).rsplit(" · ", 1)[0]
    return " ".join(title.split())[:80]


def note(request: HttpRequest, detail: str) -> None:
    """Add ``detail`` to this page view's audit entry: what a search kept out of the URL
    (core/searches.py) asked for; resident IDs in it are masked when the entry is written."""
    request.__dict__["audit_detail"] = detail


def page_summary(request: HttpRequest, response: HttpResponse) -> str:
    """``查看页面 <path>（<title>）``: the path for the exact query, the title for the reader."""
    title = page_title(response)
    path = mask_text(request.get_full_path())
    summary = f"查看页面 {path}（{title}）" if title else f"查看页面 {path}"
    # A search sent by POST and kept in the session (core/searches.py) is not in the path:
    # the view names it (``request.audit_detail``), resident IDs masked here.
    detail = getattr(request, "audit_detail", "")
    return f"{summary} {mask_text(detail)}" if detail else summary


def should_record(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if getattr(request, "_audited", False) or request.path.startswith(("/api/", "/static/")):
        return False
    match = request.resolver_match
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return False
    if request.path.startswith("/admin/"):
        return True
    return user.role in AUDITED_ROLES and match.view_name not in NOT_PERSONAL


class AuditReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if should_record(request, response):

            record(user=request.user, action=Action.VIEW, person=person_of(request),
                   request=request, object_type="page",
                   object_id=request.resolver_match.view_name[:40],  # type: ignore[union-attr]
                   summary=page_summary(request, response))
        return response
