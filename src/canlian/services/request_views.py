"""Staff pages for citizens' service requests (康复/辅具服务申请): the list and each decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts.roles import Capability
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, error_messages, requires

from . import actions
from .models import RequestState


@requires(Capability.VIEW_PEOPLE)
def requests(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", "submitted")
    rows = actions.requests_for(request.user).select_related("person", "village__parent", "device")
    if state in RequestState.values:
        rows = rows.filter(state=state)
    page = page_of(request, rows.order_by("submitted_on", "id"))
    return render(request, "services/requests.html", {
        "page": page, "state": state, "states": RequestState.choices, "query": f"state={state}",
        "can_decide": request.user.can(Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def request_decide(request: AuthedRequest, pk: int, move: str) -> HttpResponse:
    with error_messages(request) as refused:
        actions.decide_request(request.user, pk, move, note=request.POST.get("note", ""))
    if not refused:
        messages.success(request, _("Request updated."))
    state = request.POST.get("state", "")
    return redirect(reverse("services:requests") + (f"?state={state}" if state in RequestState.values
                                                    else ""))
