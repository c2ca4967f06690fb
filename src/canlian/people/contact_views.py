"""Staff review of citizens' contact changes (联系方式变更审核)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts.roles import Capability
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, error_messages, requires

from . import actions
from .models import ContactChangeState


@requires(Capability.VIEW_PEOPLE)
def contact_changes(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", ContactChangeState.PENDING)
    rows = actions.contact_changes_for(request.user).select_related("person", "village__parent")
    if state in ContactChangeState.values:
        rows = rows.filter(state=state)
    page = page_of(request, rows.order_by("requested_at", "id"))
    return render(request, "people/contact_changes.html", {
        "page": page, "state": state, "states": ContactChangeState.choices,
        "query": f"state={state}", "can_decide": request.user.can(Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def contact_change_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    with error_messages(request) as refused:
        actions.decide_contact_change(request.user, pk, approve, note=request.POST.get("note", ""),
                                      request=request)
    if not refused:
        messages.success(request, _("Contact details changed.") if approve
                         else _("Change refused; the citizen sees the reason."))
    return redirect("people:contact_changes")
