"""Staff pages of the privacy app: the review of citizens' correction requests (更正申请审核)
legal holds (依法保全): the active holds of the region, placing one on a person (from the
person's page, or by resident ID from the list) and lifting it; and the consent-based
department accounts (按同意共享的部门账号), enabled or disabled by federation staff."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core.forms import Form, person_from_form
from canlian.core.lists import page_of
from canlian.core.web import AuthedRequest, error_messages, form_errors, requires

from . import actions, queries
from .models import CorrectionState


@requires(Capability.VIEW_PEOPLE)
def corrections(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", CorrectionState.PENDING)
    rows = actions.corrections_for(request.user).select_related("person", "village__parent")
    if state in CorrectionState.values:
        rows = rows.filter(state=state)
    page = page_of(request, rows.order_by("requested_at", "id"))
    return render(request, "privacy/corrections.html", {
        "page": page, "state": state, "states": CorrectionState.choices,
        "query": f"state={state}", "can_decide": request.user.can(Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def correction_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    corrected = request.POST.get("decision") == "corrected"
    with error_messages(request) as refused:  # a request out of reach: 404
        actions.decide_correction(request.user, pk, corrected, note=request.POST.get("note", ""),
                                  request=request)
    if not refused:
        messages.success(request, _("Request closed; the citizen sees your reply."))
    return redirect("privacy:corrections")


# ---- legal holds (依法保全) ----------------------------------------------------------------

REASON_HELP = gettext_lazy("The case, audit or request the hold serves, e.g. “信访案件 2026-015” "
                           "or “法院协助调查函（2026）浙0382协字第12号”.")


class HoldForm(Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the hold"), max_length=200,
                             help_text=REASON_HELP)


class HoldByIdForm(HoldForm):
    resident_id = forms.CharField(label=gettext_lazy("Resident ID of the person"), max_length=20)
    field_order = ["resident_id", "reason"]


def _place(request: AuthedRequest, form: forms.Form, person: object) -> bool:
    with form_errors(form) as refused:
        actions.place_hold(request.user, person, form.cleaned_data["reason"], request=request)
    if refused:
        return False
    messages.success(request, _("Legal hold placed: retention leaves this person's records "
                                "alone until it is lifted."))
    return True


@requires(Capability.MANAGE_LEGAL_HOLDS)
def holds(request: AuthedRequest) -> HttpResponse:
    """The active holds on persons of the user's region, oldest first; a hold can be placed
    here by resident ID (sent by POST: the ID never appears in a URL)."""
    form = HoldByIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = person_from_form(request.user, form)
        if person is not None and _place(request, form, person):
            return redirect("privacy:holds")
    rows = (actions.holds_for(request.user).filter(lifted_at__isnull=True)
            .select_related("person__village__parent", "placed_by").order_by("placed_at", "id"))
    page = page_of(request, rows)
    return render(request, "privacy/holds.html", {"page": page, "form": form, "query": ""},
                  status=400 if form.errors else 200)


@requires(Capability.MANAGE_LEGAL_HOLDS)
def hold_person(request: AuthedRequest, pk: int) -> HttpResponse:
    """Place a hold on one person (linked from the person's page); their holds, active and
    lifted. 404 for a person outside the region."""
    person = scoping.people_for(request.user).select_related("village__parent").filter(
        pk=pk).first()
    if person is None:
        raise Http404("no such person")
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _place(request, form, person):
        return redirect("people:detail", pk=person.pk)
    return render(request, "privacy/hold_person.html", {
        "person": person, "form": form,
        "holds": actions.holds_for(request.user).filter(person=person).select_related(
            "placed_by")}, status=400 if form.errors else 200)


@requires(Capability.MANAGE_LEGAL_HOLDS)
@require_POST
def hold_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    with error_messages(request) as refused:  # a hold out of reach: 404
        hold = actions.lift_hold(request.user, pk, request=request)
    if refused:
        return redirect("privacy:holds")
    messages.success(request, _("Legal hold on %(name)s lifted.") % {"name": hold.person.name})
    target = request.POST.get("next")
    if target == "person":
        return redirect("people:detail", pk=hold.person_id)
    return redirect("privacy:holds")


# ---- consent-based department accounts (按同意共享) ------------------------------------------

@requires(Capability.MANAGE_DATA_SHARING)
def sharing(request: AuthedRequest) -> HttpResponse:
    """The department accounts that receive data only by separate consent: the purpose each
    relies on, how many persons of the region consent now and how many withdrew, their API
    keys, and a button to enable or disable each (no personal data: counts only)."""
    return render(request, "privacy/sharing.html", {
        "rows": queries.sharing_accounts(request.user)})


@requires(Capability.MANAGE_DATA_SHARING)
@require_POST
def sharing_enable(request: AuthedRequest, pk: int) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    with error_messages(request) as refused:  # an account out of reach: 404
        sharing = actions.set_sharing_account_enabled(request.user, pk, enabled, request=request)
    if refused:
        return redirect("privacy:sharing")
    name = sharing.user.organisation or sharing.user.username
    messages.success(request, (_("Account %(name)s enabled.") if enabled else
                               _("Account %(name)s disabled: its API keys are refused.")) % {
        "name": name})
    return redirect("privacy:sharing")
