"""Programme pages (“1+X” 项目): thin views over ``queries`` and ``actions``.

Staff see the opened applications per programme with filters and decide them; the
federation sees the monthly and yearly figures per township, simulates a draft rule file
and exchanges rosters. A refusal is shown beside its field (``core.forms.add_errors``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock, exports, notice_rules
from canlian.core.forms import add_errors
from canlian.core.lists import Column, Filter, Listing, region_name
from canlian.core.web import AuthedRequest, requires
from canlian.services.models import Institution

from . import actions, facts, queries, rules
from .actions import ProgrammeError
from .forms import (
    BillForm,
    ClaimForm,
    ConfirmationForm,
    DecisionForm,
    PaidForm,
    PostRewardsForm,
    RecordDecisionForm,
    SimulationForm,
    SupportForm,
)
from .models import Application, Claim, EmployerReward, InstitutionGrant, Roster

T = TypeVar("T")


def _names() -> dict[str, str]:
    catalogue = facts.catalogue()
    return {p.code: p.latest.name_zh for p in catalogue} if catalogue else {}


# The state filter's first choice: every application that was opened (an offer the engine
# made and nobody confirmed is not yet an application).
OPENED = "opened"


def applications_listing(request: AuthedRequest) -> Listing:
    """The applications of the user's area by programme, state, township and village, the
    ones to decide first at the top; offers are shown only when asked for."""
    names = _names()
    rows = (actions.applications_for(request.user)
            .select_related("person", "village__parent").order_by("due_on", "-id"))
    return Listing(
        request, rows, region_field="village__code", title=_("Applications"),
        filename="1+X项目申请", filters=[
            *([Filter("programme", _("Programme"), field="programme",
                      choices=list(names.items()))] if names else []),
            Filter("state", _("State"), choices=[(OPENED, _("Opened (not offers)")),
                                                  *Application.STATES],
                   default=OPENED, blank=False,
                   apply=lambda qs, v: qs.exclude(state="offered") if v == OPENED
                   else qs.filter(state=v))],
        columns=[
            Column(_("Name"), lambda a: a.person.name),
            Column(_("Resident ID"), lambda a: a.person.masked_id),
            Column(_("Programme"), lambda a: names.get(a.programme, a.programme)),
            Column(_("State"), lambda a: a.get_state_display()),
            Column(_("Amount"), lambda a: a.amount),
            Column(_("Decide by"), lambda a: a.due_on),
            Column(_("Township / village"), lambda a: region_name(a.village)),
        ],
        person=lambda a: (a.person_id, a.village_id))


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponseBase:
    """The applications of the user's area (filters, pages, an Excel export) and the
    programmes in force."""
    listing = applications_listing(request)
    if listing.wants_export:
        return listing.export()
    return render(request, "programmes/index.html", {
        "listing": listing, "names": _names(), "today": clock.today(),
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
    catalogue = facts.catalogue()
    version = catalogue.get(app.programme) if catalogue else None
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
            form.add_error("draft", exc.in_language(get_language() or "zh-hans"))
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


# ---- the pieces the claim, reward and institution-support pages share --------------------------

def _refuse(form: Any, exc: ProgrammeError | PermissionDenied) -> None:
    """A refusal beside the field it names, else at the top of the form."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, _("Your role cannot take this step."))
        return
    field = getattr(exc, "field", "__all__")
    form.add_error(field if field in form.fields else None, exc.message)


def _submit(request: AuthedRequest, form: Any, save: Callable[[dict[str, Any]], T], *,
            done: Callable[[T], str], then: Callable[[T], HttpResponseBase]
            ) -> HttpResponseBase | None:
    """A list page's form (file a claim, post the rewards, apply for an institution) through
    its action ``save(cleaned_data)``: the message ``done(made)`` and the redirect
    ``then(made)``, or None when the page is shown again (a GET, invalid input, or the
    action's refusal put on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        made = save(form.cleaned_data)
    except (ProgrammeError, PermissionDenied) as exc:
        _refuse(form, exc)
        return None
    messages.success(request, done(made))
    return then(made)


def _decision(request: AuthedRequest, pk: int, *, decide: Callable[..., Any],
              pay: Callable[..., Any], to: str
              ) -> tuple[RecordDecisionForm, PaidForm, HttpResponseBase | None]:
    """The decision and the payment of one claim, reward or institution grant: the two
    forms, and the redirect to the record's page (``to``) after a decision or a payment
    recorded. The action refuses (a ``ProgrammeError`` or ``PermissionDenied``: deciding
    twice, deciding one's own filing, a role without the right) and the refusal is shown
    on the form that was posted."""
    decision = RecordDecisionForm(request.POST if "move" in request.POST else None)
    paid = PaidForm(request.POST if "paid_on" in request.POST else None,
                    initial={"paid_on": clock.today()})
    if request.method != "POST":
        return decision, paid, None
    try:
        if "paid_on" in request.POST and paid.is_valid():
            pay(request.user, pk, paid_on=paid.cleaned_data["paid_on"], request=request)
            messages.success(request, _("Payment recorded."))
            return decision, paid, redirect(to, pk=pk)
        if "move" in request.POST and decision.is_valid():
            decide(request.user, pk, approve=decision.cleaned_data["move"] == "approve",
                   note=decision.cleaned_data["note"], request=request)
            messages.success(request, _("Decision recorded."))
            return decision, paid, redirect(to, pk=pk)
    except (ProgrammeError, PermissionDenied) as exc:
        _refuse(paid if "paid_on" in request.POST else decision, exc)
    return decision, paid, None


def _years(today: dt.date) -> list[tuple[int, int]]:
    return [(y, y) for y in range(today.year - 4, today.year + 1)]


# ---- accident insurance claims (意外伤害保险理赔) ----------------------------------------------

def _claim_programme() -> tuple[str, Any] | None:
    """The insurance programme that pays claims today (its code and version), if any."""
    catalogue = facts.catalogue()
    today = clock.today()
    for p in catalogue or []:
        version = p.on(today)
        if version is not None and version.settlement.claims is not None:
            return p.code, version
    return None


def claims_listing(request: AuthedRequest) -> Listing:
    """The claims in the user's area, by state, kind of loss, township and village."""
    rows = (Claim.objects.filter(scoping.region_q(request.user, "village__code"))
            .select_related("person", "village__parent").order_by("-reported_on", "-id"))
    return Listing(request, rows, region_field="village__code",
                   title=_("Accident insurance claims"), filters=[
                       Filter("state", _("State"), field="state", choices=Claim.STATES),
                       Filter("kind", _("Kind of loss"), field="kind", choices=Claim.KINDS)])


@requires(Capability.VIEW_PEOPLE)
def claims(request: AuthedRequest) -> HttpResponseBase:
    """The claims in the user's area, filtered by state, kind and township; staff who may
    edit records file a new claim from the insurer's papers."""
    found = _claim_programme()
    form = ClaimForm(request.POST or None)

    def file(data: dict[str, Any]) -> Claim:
        assert found is not None
        person = (scoping.people_for(request.user)
                  .filter(resident_id=data["resident_id"].strip().upper()).first())
        if person is None:
            raise ProgrammeError(_("No person with this resident ID in your area."),
                                 "unknown_person", "resident_id")
        return actions.file_claim(request.user, person, found[0], kind=data["kind"],
                                  accident_on=data["accident_on"], claimed=data["claimed"],
                                  note=data["note"], request=request)

    done = found is not None and _submit(
        request, form, file,
        done=lambda claim: _("Claim filed: %(amount)s yuan payable.")
        % {"amount": f"{claim.payable:,.2f}"},
        then=lambda claim: redirect("programmes:claim", pk=claim.pk))
    return done or render(request, "programmes/claims.html", {
        "listing": claims_listing(request), "form": form,
        "programme": found[1] if found else None,
        "can_file": request.user.can(Capability.EDIT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def claim(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """One claim: the cover, the amounts and the decision (by someone other than the
    filer), then the insurer's payment."""
    item = get_object_or_404(
        Claim.objects.filter(scoping.region_q(request.user, "village__code"))
        .select_related("person", "village__parent", "filed_by", "decided_by",
                        "roster_line__roster"), pk=pk)
    decision, paid, done = _decision(request, item.pk, decide=actions.decide_claim,
                                     pay=actions.pay_claim, to="programmes:claim")
    found = _claim_programme()
    return done or render(request, "programmes/claim.html", {
        "claim": item, "decision": decision, "paid": paid,
        "limits": found[1].settlement.claims if found else None,
        "can_decide": request.user.can(Capability.APPROVE)
        and item.filed_by_id != request.user.pk})


# ---- over-quota employer rewards (超比例安排残疾人就业奖励) ------------------------------------

def rewards_listing(request: AuthedRequest) -> Listing:
    """The rewards of the user's area by year, state and township (employers are
    registered at township level: no village filter)."""
    rows = (EmployerReward.objects.filter(scoping.region_q(request.user, "township__code"))
            .select_related("employer", "township").order_by("-year", "employer__name"))
    return Listing(request, rows, region_field="township__code", villages=False,
                   title=_("Over-quota employer rewards"), filters=[
                       Filter("year", _("Year"), field="year", choices=_years(clock.today())),
                       Filter("state", _("State"), field="state",
                              choices=EmployerReward.STATES)])


@requires(Capability.VIEW_PEOPLE)
def rewards(request: AuthedRequest) -> HttpResponseBase:
    """The rewards of the user's area by year, state and township; the federation posts
    the year's rewards for public notice."""
    today = clock.today()
    catalogue = facts.catalogue()
    form = PostRewardsForm(request.POST or None, initial={"year": today.year - 1})
    done = _submit(
        request, form,
        lambda data: (data["year"], actions.post_rewards(request.user, data["year"],
                                                         request=request)),
        done=lambda made: _("%(n)s rewards posted for public notice.")
        % {"n": f"{len(made[1]):,}"},
        then=lambda made: redirect(reverse("programmes:rewards") + f"?year={made[0]}"))
    return done or render(request, "programmes/rewards.html", {
        "listing": rewards_listing(request), "form": form,
        "rule": catalogue.reward_on(today) if catalogue else None,
        "can_post": request.user.can(Capability.APPROVE)})


@requires(Capability.VIEW_PEOPLE)
def reward(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """One reward: the declaration's figures, the notice period, the decision after it (by
    someone other than the poster) and the payment."""
    item = get_object_or_404(
        EmployerReward.objects.filter(scoping.region_q(request.user, "township__code"))
        .select_related("employer", "township", "declaration", "posted_by", "decided_by"),
        pk=pk)
    decision, paid, done = _decision(request, item.pk, decide=actions.decide_reward,
                                     pay=actions.pay_reward, to="programmes:reward")
    return done or render(request, "programmes/reward.html", {
        "reward": item, "decision": decision, "paid": paid,
        "has_run": notice_rules.has_run(item.notice_last, clock.today()),
        "can_decide": request.user.can(Capability.APPROVE)
        and item.posted_by_id != request.user.pk})


@requires(Capability.VIEW_PEOPLE)
def reward_notice(request: AuthedRequest) -> HttpResponse:
    """The public notice (公示) of the rewards on notice on a day, to print and post."""
    day = clock.today()
    with contextlib.suppress(ValueError):
        day = dt.date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else day
    catalogue = facts.catalogue()
    rows = list(actions.on_notice(request.user, day).select_related("township"))
    return render(request, "programmes/reward_notice.html", {
        "rows": rows, "day": day, "rule": catalogue.reward_on(day) if catalogue else None,
        "total": sum((r.amount for r in rows), Decimal(0)),
        "last": max((r.notice_last for r in rows), default=None)})


# ---- institution support (辅助性就业机构 / 盲人按摩机构扶持) -----------------------------------

def _supports_in_force(today: dt.date) -> dict[str, rules.InstitutionSupport]:
    catalogue = facts.catalogue()
    in_force: dict[str, rules.InstitutionSupport] = {}
    for code in catalogue.supports if catalogue else ():
        support = catalogue.support_on(code, today) if catalogue else None
        if support is not None:
            in_force[code] = support
    return in_force


def supports_listing(request: AuthedRequest) -> Listing:
    """The institution grants of the user's area by support, year, state and township."""
    in_force = _supports_in_force(clock.today())
    rows = (InstitutionGrant.objects.filter(
        scoping.region_range_q(request.user, "township__code"))
        .select_related("institution", "township").order_by("-year", "institution__name"))
    return Listing(request, rows, region_field="township__code", villages=False,
                   title=_("Institution support"), filters=[
                       Filter("support", _("Support"), field="support",
                              choices=[(c, s.name_zh) for c, s in in_force.items()]),
                       Filter("year", _("Year"), field="year", choices=_years(clock.today())),
                       Filter("state", _("State"), field="state",
                              choices=InstitutionGrant.STATES)])


@requires(Capability.VIEW_PEOPLE)
def supports(request: AuthedRequest) -> HttpResponseBase:
    """The institution grants of the user's area by support, year and state; staff who may
    edit records apply for an institution with its worker list."""
    today = clock.today()
    in_force = _supports_in_force(today)
    institutions = Institution.objects.filter(
        scoping.region_range_q(request.user, "township__code"),
        kind__in=[s.institution_kind for s in in_force.values()]).order_by("name")
    form = SupportForm(request.POST or None, initial={"year": today.year},
                       supports=[(c, s.name_zh) for c, s in in_force.items()],
                       institutions=institutions)
    done = _submit(
        request, form,
        lambda data: actions.apply_support(request.user, data["institution"], data["support"],
                                           data["year"], data["workers"].splitlines(),
                                           request=request),
        done=lambda grant: _("Application recorded: %(amount)s yuan for %(n)s workers.")
        % {"amount": f"{grant.amount:,.2f}", "n": grant.persons},
        then=lambda grant: redirect("programmes:support", pk=grant.pk))
    return done or render(request, "programmes/supports.html", {
        "listing": supports_listing(request), "form": form, "in_force": in_force,
        "can_apply": request.user.can(Capability.EDIT_PEOPLE) and bool(in_force)})


@requires(Capability.VIEW_PEOPLE)
def support(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """One institution grant: every worker with the rules checked, the decision (by someone
    other than the applicant) and the payment."""
    item = get_object_or_404(
        InstitutionGrant.objects.filter(scoping.region_range_q(request.user, "township__code"))
        .select_related("institution", "township", "applied_by", "decided_by"), pk=pk)
    decision, paid, done = _decision(request, item.pk, decide=actions.decide_support,
                                     pay=actions.pay_support, to="programmes:support")
    catalogue = facts.catalogue()
    rule = catalogue.support_on(item.support, dt.date(item.year, 12, 31)) if catalogue else None
    workers = item.workers.select_related("person", "village__parent")
    return done or render(request, "programmes/support.html", {
        "grant": item, "rule": rule, "workers": workers, "decision": decision, "paid": paid,
        "can_decide": request.user.can(Capability.APPROVE)
        and item.applied_by_id != request.user.pk})
