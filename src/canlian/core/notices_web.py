"""The staff pages of a public notice (公示), shared by the workflows that post one: the
subsidy applications (``benefits``) and the certificate applications (``certificates``).

Each workflow's views keep their permission and their own page; these helpers do what the
pages share: the list of reviewed applications waiting for their village's notice, the
notices posted (with how many persons each), posting a village's notice (``NoticeForm``,
the workflow's ``post_notice`` action, refusals beside the form), and the printable
notice list, audited per person. The rules of a notice's period are ``core.notice_rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record_many
from canlian.audit.models import Action as AuditAction
from canlian.core import clock, notice_rules
from canlian.core.forms import NoticeForm
from canlian.core.web import AuthedRequest, form_errors

WAITING_SHOWN = 500  # reviewed applications listed on the page
POSTED_SHOWN = 100  # notices listed on the page


def notices_page(request: AuthedRequest, *, app: str, post_notice: Callable[..., Any],
                 waiting: QuerySet, posted: QuerySet, template: str,
                 needs_notice: Callable[[Any], bool] | None = None,
                 context: dict[str, Any] | None = None) -> HttpResponse:
    """The notices page of ``app`` (its URL namespace): ``waiting`` are the user's reviewed
    applications without a notice (``needs_notice`` drops those that need none), ``posted``
    the user's notices; a reviewer's POST posts a village's notice with ``post_notice(user,
    village, application ids, starts_on, request=...)`` and goes to ``<app>:notice``."""
    user = request.user
    form = NoticeForm(request.POST or None, initial={"starts_on": clock.today()})
    if request.method == "POST":
        scoping.require(user, Capability.REVIEW)
        if form.is_valid():
            with form_errors(form) as refused:
                notice = post_notice(
                    user, request.POST.get("village", ""),
                    [int(x) for x in request.POST.getlist("applications") if x.isdigit()],
                    form.cleaned_data["starts_on"], request=request)
            if not refused:
                messages.success(request, _("Public notice posted from %(first)s to %(last)s.")
                                 % {"first": f"{notice.starts_on:%Y-%m-%d}",
                                    "last": f"{notice.ends_on:%Y-%m-%d}"})
                return redirect(f"{app}:notice", pk=notice.pk)
    shown = (waiting.select_related("person", "village__parent")
             .order_by("village_id", "id")[:WAITING_SHOWN])
    notices = (posted.select_related("village__parent")
               .annotate(persons=Count("applications"))[:POSTED_SHOWN])
    return render(request, template, {
        "villages": by_village(a for a in shown if needs_notice is None or needs_notice(a)),
        "notices": notices, "form": form,
        "today": clock.today(), "can_post": user.can(Capability.REVIEW),
        **(context or {}),
    })


def by_village(applications: Iterable[Any]) -> list[dict[str, Any]]:
    """``applications`` grouped by village, in their order: ``[{village, applications}]``."""
    villages: dict[str, dict[str, Any]] = {}
    for application in applications:
        entry = villages.setdefault(application.village_id, {"village": application.village,
                                                             "applications": []})
        entry["applications"].append(application)
    return list(villages.values())


def notice_print_page(request: AuthedRequest, pk: int, *, notices: QuerySet, template: str,
                      related: tuple[str, ...], order: tuple[str, ...], summary: str,
                      context: Callable[[list[Any]], dict[str, Any]]) -> HttpResponse:
    """The printable list of notice ``pk`` (one of ``notices``, the user's) for the village
    board: its applications (``select_related(*related)``, ``order_by(*order)``) go to
    ``context`` for the page; each person shown is audited with ``summary`` (``%s``: the
    first day)."""
    notice = get_object_or_404(notices.select_related("village__parent"), pk=pk)
    applications = list(notice.applications.select_related(*related).order_by(*order))
    record_many(user=request.user, action=AuditAction.VIEW, request=request,
                people=[(a.person_id, notice.village_id) for a in applications],
                summary=summary % f"{notice.starts_on:%Y-%m-%d}")
    return render(request, template, {
        "notice": notice, **context(applications),
        "has_run": notice_rules.has_run(notice.ends_on, clock.today()),
    })
