"""Pages of poverty-return watch (防止返贫动态监测): thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, requires

from .. import poverty_rules
from ..models import (
    FLAG_CHOICES,
    HELP_CHOICES,
)
from ..web import button, form_errors, person_form, user_can
from . import actions, queries
from .forms import (
    EventForm,
    ReasonForm,
    ReviewForm,
)


@requires(Capability.VIEW_PEOPLE)
def watch(request: AuthedRequest) -> HttpResponse:
    """The monthly review list (月度研判名单) of the poverty-return watch."""
    month = poverty_rules.month_start(clock.today())
    rows = queries.watch_list(request.user, month)
    pending = request.GET.get("pending") == "1"
    if pending:
        rows = rows.filter(reviewed=False)
    return render(request, "community/watch.html", {
        "page": page_of(request, rows), "month": month, "pending": pending,
        "query": f"pending={'1' if pending else ''}",
        "can_screen": user_can(request, Capability.REVIEW)})


@requires(Capability.REVIEW)
@require_POST
def watch_screen(request: AuthedRequest) -> HttpResponse:
    result = actions.screen(request.user, request=request)
    messages.success(request, _("Screening done: %(flagged)d persons at risk, %(opened)d newly on "
                                "the watch list.") % result)
    return redirect("community:watch")


@requires(Capability.VIEW_PEOPLE)
def watch_case(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(queries.watch_cases_for(request.user).select_related(
        "person__village__parent", "person__household"), pk=pk)
    month = poverty_rules.month_start(clock.today())
    reviews = list(case.reviews.select_related("reviewer"))
    return render(request, "community/watch_case.html", {
        "case": case, "reviews": reviews, "month": month,
        "reviewed": any(r.month == month for r in reviews),
        "events": case.person.watch_events.all()[:10], "form": ReviewForm(), "close": ReasonForm(),
        "flag_labels": FLAG_CHOICES, "help_labels": HELP_CHOICES,
        "can_review": user_can(request, Capability.EDIT_PEOPLE) and case.status == "open",
        "can_close": user_can(request, Capability.REVIEW) and case.status == "open"})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def watch_review(request: AuthedRequest, pk: int) -> HttpResponse:
    back = redirect("community:watch_case", pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if not queries.watch_cases_for(request.user).filter(pk=pk).exists():
            raise Http404
        form_errors(request, form)
        return back
    return button(request, lambda: actions.review_case(request.user, pk, **form.cleaned_data,
                                                       request=request),
                  done=_("Review recorded."), back=back)


@requires(Capability.REVIEW)
@require_POST
def watch_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return button(request, lambda: actions.close_case(request.user, pk, reason=request.POST.get("reason", ""),
                                                    request=request),
                  done=_("The case left the watch list."), back=redirect("community:watch_case", pk=pk))


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def watch_event(request: AuthedRequest, person_id: int) -> HttpResponse:
    return person_form(request, person_id, EventForm, actions.record_event,
                        title=_("Report a shock to the household"),
                        done=_("Recorded; it counts at the next screening."))
