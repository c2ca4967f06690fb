"""Staff review of citizens' correction requests (更正申请审核)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts.roles import Capability
from canlian.core.domain import DomainError
from canlian.core.web import AuthedRequest, requires

from . import actions
from .models import CorrectionRequest, CorrectionState


@requires(Capability.VIEW_PEOPLE)
def corrections(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", CorrectionState.PENDING)
    rows = actions.corrections_for(request.user).select_related("person", "village__parent")
    if state in CorrectionState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows.order_by("requested_at", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "privacy/corrections.html", {
        "page": page, "state": state, "states": CorrectionState.choices,
        "query": f"state={state}", "can_decide": request.user.can(Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def correction_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    corrected = request.POST.get("decision") == "corrected"
    try:
        actions.decide_correction(request.user, pk, corrected, note=request.POST.get("note", ""),
                                  request=request)
    except CorrectionRequest.DoesNotExist:
        raise Http404("no such request") from None
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request closed; the citizen sees your reply."))
    return redirect("privacy:corrections")
