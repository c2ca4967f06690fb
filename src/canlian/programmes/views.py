"""Programme pages (“1+X” 项目): thin views over ``queries`` and ``actions``.

Staff see the opened applications per programme with filters and decide them; the
federation sees the monthly and yearly figures per township, simulates a draft rule file
and exchanges rosters. A refusal is shown beside its field (``core.forms.add_errors``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock, exports
from canlian.core.forms import add_errors
from canlian.core.web import AuthedRequest, requires

from . import actions, facts, queries, rules
from .actions import ProgrammeError
from .forms import BillForm, ConfirmationForm, DecisionForm, SimulationForm
from .models import Application, Roster

STATE_FILTERS = [s for s, _label in Application.STATES]


def _names() -> dict[str, str]:
    catalogue = facts.catalogue()
    return {p.code: p.latest.name_zh for p in catalogue} if catalogue else {}


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    names = _names()
    rows = actions.applications_for(request.user).select_related("person", "village__parent")
    code = request.GET.get("programme", "")
    state = request.GET.get("state", "")
    township = request.GET.get("township", "")
    if code in names:
        rows = rows.filter(programme=code)
    rows = rows.filter(state=state) if state in STATE_FILTERS else rows.exclude(state="offered")
    if township.isdigit():
        rows = rows.filter(village__parent_id=int(township))
    page = Paginator(rows.order_by("due_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "programmes/index.html", {
        "page": page, "names": names, "code": code, "state": state, "township": township,
        "states": Application.STATES, "today": clock.today(),
        "townships": scoping.region_of(request.user).townships()
        if request.user.region else [],
        "catalogue": facts.catalogue()})


@requires(Capability.VIEW_PEOPLE)
def application(request: AuthedRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(actions.applications_for(request.user).select_related(
        "person", "institution", "reviewed_by", "decided_by"), pk=pk)
    form = DecisionForm(request.POST or None)
    bill_form = BillForm(request.POST or None, prefix="bill")
    if request.method == "POST":
        try:
            if "bill-claimed" in request.POST:
                if bill_form.is_valid():
                    line = actions.bill(request.user, app.pk, month=bill_form.cleaned_data["month"],
                                        claimed=bill_form.cleaned_data["claimed"], request=request)
                    messages.success(request, _("Bill recorded: %(amount)s yuan accepted.")
                                     % {"amount": line.accepted})
                    return redirect("programmes:application", pk=app.pk)
            elif form.is_valid():
                move, note = form.cleaned_data["move"], form.cleaned_data["note"]
                if move == "review":
                    actions.review(request.user, app.pk, note=note, request=request)
                else:
                    actions.decide(request.user, app.pk, approve=move == "approve", note=note,
                                   request=request)
                messages.success(request, _("Decision recorded."))
                return redirect("programmes:application", pk=app.pk)
        except ProgrammeError as exc:
            add_errors(bill_form if "bill-claimed" in request.POST else form, exc)
        except PermissionDenied:
            add_errors(form, ProgrammeError(_("Your role cannot take this step.")))
    version = facts.catalogue().get(app.programme) if facts.catalogue() else None  # type: ignore[union-attr]
    return render(request, "programmes/application.html", {
        "app": app, "form": form, "bill_form": bill_form, "names": _names(),
        "version": version.on(clock.today()) if version else None,
        "bills": app.bills.all(), "payments": app.payments.all()})


@requires(Capability.VIEW_PEOPLE)
def figures(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    code = request.GET.get("programme", "")
    names = _names()
    return render(request, "programmes/figures.html", {
        "rows": queries.figures(request.user, year), "year": year, "names": names, "code": code,
        "monthly": queries.monthly(request.user, year, code) if code in names else None,
        "years": range(today.year - 3, today.year + 1)})


@requires(Capability.APPROVE)
def simulate(request: AuthedRequest) -> HttpResponseBase:
    catalogue = facts.catalogue()
    deployment_file = rules.DATA_DIR / f"{catalogue.deployment}.yaml" if catalogue else None
    initial = {"draft": deployment_file.read_text(encoding="utf-8") if deployment_file else "",
               "on": clock.today()}
    form = SimulationForm(request.POST or None, initial=initial)
    sim = None
    if request.method == "POST" and form.is_valid():
        try:
            draft = rules.loads(form.cleaned_data["draft"], "draft.yaml")
        except rules.RuleFileError as exc:
            form.add_error("draft", exc.message)
        else:
            sim = queries.simulate(request.user, draft, form.cleaned_data["on"])
            if "xlsx" in request.POST:
                path = exports.build(lambda book: queries.simulation_sheet(book, sim))
                return exports.response(path, f"programme-simulation-{sim.on}.xlsx")
    return render(request, "programmes/simulate.html", {"form": form, "sim": sim})


@requires(Capability.APPROVE)
def roster(request: AuthedRequest, code: str) -> HttpResponseBase:
    year = clock.today().year
    names = _names()
    if code not in names:
        raise PermissionDenied(code)
    existing = Roster.objects.filter(programme=code, year=year,
                                     region=scoping.region_of(request.user)).first()
    form = ConfirmationForm(request.POST or None, request.FILES or None)
    result: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            if "make" in request.POST:
                existing = actions.make_roster(request.user, code, year, request=request)
                messages.success(request, _("Roster made."))
                return redirect("programmes:roster", code=code)
            if "download" in request.POST and existing is not None:
                made = existing

                def write(book: Any) -> None:
                    sheet = book.create_sheet(names[code])
                    sheet.header(["身份证号", "姓名", "村（社区）", "金额（元）", "结果", "说明"])
                    for line in made.lines.select_related("person", "village"):
                        sheet.append([line.person.resident_id, line.person.name,
                                      line.village.name, float(line.amount), "", ""])
                return exports.response(exports.build(write), f"roster-{code}-{year}.xlsx")
            if existing is not None and form.is_valid():
                result = actions.read_confirmation(request.user, existing.pk,
                                                   form.cleaned_data["file"], request=request)
        except ProgrammeError as exc:
            add_errors(form, exc)
    lines = existing.lines.select_related("person", "village")[:200] if existing else []
    return render(request, "programmes/roster.html", {
        "code": code, "name": names[code], "year": year, "roster": existing, "lines": lines,
        "form": form, "result": result})
