"""Staff pages of the two subsidies: applications, grants, rolls, bank files, reconciliation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record, record_many
from canlian.audit.models import Action as AuditAction
from canlian.core import clock, exports, notices_web, separation
from canlian.core.duties import Workflow
from canlian.core.lists import Column, Filter, Listing, page_of, region_name
from canlian.core.web import AuthedRequest, error_messages, form_errors, requires, signed_in_only
from canlian.jobs import actions as jobs
from canlian.portal.actions import uploads_for

from . import actions, bankfiles, rolls
from .forms import ApplyForm, DecisionForm, GrantChangeForm, MonthForm
from .models import ApplicationState, Grant, Roll, RollStatus, Subsidy, SubsidyApplication


def applications_listing(request: AuthedRequest) -> Listing:
    """The list of subsidy applications as ``request`` asks for it (the page, and the
    background export job rebuilding it: ``core.lists.BACKGROUND_LISTS``)."""
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    base = actions.applications_for(request.user).select_related(
        "person__village__parent").order_by("-applied_on", "-id")
    return Listing(
        request, base, region_field="person__village__code", title=_("Subsidy applications"),
        name="benefits.applications", filename="两项补贴申请",
        filters=[
            Filter("state", _("State"), field="state", choices=ApplicationState.choices),
            Filter("subsidy", _("Subsidy"), field="subsidy", choices=Subsidy.choices),
            Filter("channel", _("Channel"), field="channel",
                   choices=SubsidyApplication._meta.get_field("channel").choices or ()),
            Filter("eligible", _("By the rules"), choices=[("1", _("eligible")),
                                                            ("0", _("not eligible"))],
                   apply=lambda qs, v: qs.filter(eligible=v == "1")),
            Filter("applied", _("Applied on"), field="applied_on", kind="dates"),
        ],
        columns=[
            Column(_("Applied on"), lambda a: a.applied_on),
            Column(_("Name"), lambda a: a.person.name),
            Column(_("Resident ID"), lambda a: a.person.masked_id),
            Column(_("Subsidy"), lambda a: a.get_subsidy_display()),
            Column(_("State"), lambda a: a.get_state_display()),
            Column(_("Channel"), lambda a: a.get_channel_display()),
            Column(_("By the rules"), lambda a: _("eligible") if a.eligible else _("not eligible")),
            Column(_("Monthly amount (yuan)"), lambda a: a.monthly_amount if a.eligible else None),
            Column(_("Township / village"), lambda a: region_name(a.person.village)),
        ],
        person=lambda a: (a.person_id, a.person.village_id))


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponseBase:
    """Subsidy applications (两项补贴申请) in the user's area, with the shared list filters."""
    listing = applications_listing(request)
    if listing.wants_export:
        return listing.export()
    grants = actions.grants_for(request.user)
    return render(request, "benefits/index.html", {
        "listing": listing,
        "counts": {s: actions.applications_for(request.user).filter(state=s).count()
                   for s in ("prefilled", "applied", "reviewed")},
        "grant_counts": {s: grants.filter(status=s).count()
                         for s in ("active", "suspended", "stopped")},
        "can_view_rolls": request.user.can(Capability.VIEW_ROLLS),
    })


@requires(Capability.EDIT_PEOPLE)
def apply(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user).select_related("household"),
                               pk=person_id)
    form = ApplyForm(request.POST or None, initial={"subsidy": request.GET.get("subsidy"),
                                                     "hukou_in_region": True})
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            application = actions.apply(
                request.user, person, form.cleaned_data["subsidy"], form.declared(),
                bank_name=form.cleaned_data["bank_name"],
                bank_account=form.cleaned_data["bank_account"], request=request)
        if not refused:
            messages.success(request, _("Application registered."))
            return redirect("benefits:application", pk=application.pk)
    return render(request, "benefits/apply.html", {"form": form, "person": person})


@requires(Capability.VIEW_PEOPLE)
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        actions.applications_for(request.user).select_related("person__village__parent",
                                                             "reviewed_by", "notice"), pk=pk)
    record(user=request.user, action=AuditAction.VIEW, obj=application,
           person=application.person, request=request, summary="查看补贴申请")
    moves = {"prefilled": ["reject"], "applied": ["review", "reject", "withdraw"],
             "reviewed": ["approve", "reject"]}.get(application.state, [])
    caps = {"review": Capability.REVIEW, "approve": Capability.APPROVE,
            "reject": Capability.REVIEW, "withdraw": Capability.EDIT_PEOPLE}
    notice_blocks = None
    if application.state == "reviewed":
        try:
            actions.check_notice_has_run(application, clock.today())
        except actions.SubsidyError as exc:
            notice_blocks = exc.message
    allowed = [(m, actions.MOVE_LABELS[m],
                separation.blocked_reason(Workflow.SUBSIDY, m, reviewer=application.reviewed_by,
                                          actor=request.user)
                or (notice_blocks if m == "approve" else None))
               for m in moves if request.user.can(caps[m])]
    grant = Grant.objects.filter(application=application).select_related("person__household") \
        .first()
    return render(request, "benefits/application.html", {
        "application": application, "moves": allowed, "form": DecisionForm(),
        # The amount of an approved application is its grant's, by today's rules: the one
        # stored with the application is the verdict when it was decided (none in old data).
        "amount": application.monthly_amount if grant is None
        else actions.monthly_amount_now(grant),
        "notice": application.notice, "notice_needed": actions.notice_needed(application),
        "grant": grant,
        "uploads": uploads_for(request.user, f"subsidy:{application.pk}"),
    })


@signed_in_only("each move has its own capability (review, approve, reject, withdraw), "
                "checked by actions.decide_application")
@require_POST
def decide(request: AuthedRequest, pk: int, move: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    form.is_valid()
    with error_messages(request) as refused:
        actions.decide_application(request.user, pk, move, note=form.cleaned_data.get("note", ""),
                                   start_month=form.cleaned_data.get("start_month"),
                                   request=request)
    if not refused:
        messages.success(request, _("Done: %(action)s.") % {"action": actions.MOVE_LABELS.get(move, move)})
    return redirect("benefits:application", pk=pk)


@requires(Capability.VIEW_PEOPLE)
def grant_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(actions.grants_for(request.user).select_related(
        "person__village__parent", "application"), pk=pk)
    record(user=request.user, action=AuditAction.VIEW, obj=grant, person=grant.person,
           request=request, summary="查看补贴发放记录")
    return render(request, "benefits/grant.html", {
        "grant": grant, "changes": grant.changes.select_related("actor"),
        "suspensions": grant.suspensions.all(),
        "lines": grant.lines.select_related("roll").order_by("-period", "-id")[:120],
        "form": GrantChangeForm(), "can_change": request.user.can(Capability.APPROVE),
        "decision": actions.evaluate(grant.person, grant.subsidy, grant),
        "held": actions.held_arrears_of(grant),
        # The full account only to those who pay or review (federation, township staff).
        "bank_account": grant.bank_account if request.user.can(Capability.REVIEW)
        else bankfiles.mask_account(grant.bank_account),
    })


@requires(Capability.APPROVE)
@require_POST
def grant_change(request: AuthedRequest, pk: int, change: str) -> HttpResponse:
    get_object_or_404(actions.grants_for(request.user), pk=pk)
    if change == "arrears":
        with error_messages(request) as refused:
            actions.approve_arrears(request.user, pk, request=request)
        if not refused:
            messages.success(request, _("The arrears are approved; the next roll pays them."))
        return redirect("benefits:grant", pk=pk)
    form = GrantChangeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("benefits:grant", pk=pk)
    d = form.cleaned_data
    if change not in ("suspend", "resume", "stop"):
        raise Http404
    with error_messages(request) as refused:
        if change == "suspend":
            actions.suspend(request.user, pk, d["month"], d["reason"], back_pay=d["back_pay"],
                            request=request)
        elif change == "resume":
            actions.resume(request.user, pk, d["month"], d["reason"], request=request)
        else:
            actions.stop(request.user, pk, d["month"], d["reason"], request=request)
    if not refused:
        messages.success(request, _("Saved."))
    return redirect("benefits:grant", pk=pk)


# ---- rolls -----------------------------------------------------------------------------------

@requires(Capability.VIEW_ROLLS)
def roll_list(request: AuthedRequest) -> HttpResponse:
    region = scoping.region_of(request.user)  # the deployment's, for VIEW_ROLLS
    form = MonthForm(request.POST or None)
    if request.method == "POST":
        scoping.require(request.user, Capability.APPROVE)
        if form.is_valid():
            # A background job (minutes at a million persons): its page shows the progress
            # and links the roll when it is made (benefits/jobs.py).
            job = jobs.start(request.user, "benefits.roll", request=request,
                             params={"month": form.cleaned_data["month"].isoformat()})
            return redirect("jobs:detail", job.pk)
    return render(request, "benefits/rolls.html", {
        "rolls": Roll.objects.filter(region=region)[:60], "form": form,
        "can_generate": request.user.can(Capability.APPROVE),
        "failed": bankfiles.failed_lines(region)[:200],
    })


def _roll(request: AuthedRequest, pk: int) -> Roll:
    region = scoping.region_of(request.user)  # the deployment's, for VIEW_ROLLS
    return get_object_or_404(Roll.objects.select_related("finalised_by"), pk=pk, region=region)


@requires(Capability.VIEW_ROLLS)
def roll_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    roll = _roll(request, pk)
    found = rolls.checks(roll) if roll.status == RollStatus.DRAFT else None
    lines = page_of(request, roll.lines.order_by("village_code", "person_id", "period"), 100)
    return render(request, "benefits/roll.html", {
        "roll": roll, "lines": lines, "checks": found, "labels": rolls.CHECKS,
        "subsidies": dict(Subsidy.choices),
        "blocking": rolls.BLOCKING, "summary": rolls.township_summary(roll),
        "can_finalise": request.user.can(Capability.APPROVE),
        "reconcile_blocked": separation.blocked_reason(
            Workflow.BANK_RESULT, "reconcile", reviewer=roll.finalised_by, actor=request.user),
    })


@requires(Capability.APPROVE)
@require_POST
def roll_finalise(request: AuthedRequest, pk: int) -> HttpResponse:
    roll = _roll(request, pk)
    with error_messages(request) as refused:  # RollError
        rolls.finalise(roll, user=request.user, request=request)
    if not refused:
        messages.success(request, _("The roll is finalised."))
    return redirect("benefits:roll", pk=pk)


@requires(Capability.VIEW_ROLLS)
@exports.clean_failure
def roll_bank_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The bank file: the roll page's button (POST) writes it in a background job whose page
    offers the download; a GET still writes it in the request (small rolls, scripts)."""
    roll = _roll(request, pk)
    if roll.status != RollStatus.FINALISED:
        raise Http404("only finalised rolls have a bank file")
    if request.method == "POST":
        job = jobs.start(request.user, "benefits.bank_file", request=request,
                         params={"roll": roll.pk})
        return redirect("jobs:detail", job.pk)
    path = bankfiles.bank_file(roll)  # audited only once the file exists
    record_many(user=request.user, action=AuditAction.EXPORT, request=request,
                people=roll.lines.values_list("person_id", "village_code"),
                summary=f"导出银行发放文件 {roll.month:%Y-%m}")
    return exports.response(path, f"发放文件-{roll.month:%Y-%m}-{roll.sequence}.xlsx")


@requires(Capability.APPROVE)
@require_POST
def roll_reconcile(request: AuthedRequest, pk: int) -> HttpResponse:
    roll = _roll(request, pk)
    upload = request.FILES.get("file")
    if upload is None or upload.read(4) != b"PK\x03\x04":
        messages.error(request, _("Upload the bank's result file (.xlsx)."))
        return redirect("benefits:roll", pk=pk)
    upload.seek(0)
    with error_messages(request, ValueError) as refused:  # an unreadable file, a refusal
        result = bankfiles.reconcile(roll, upload, user=request.user, request=request,
                                     apply_valid=request.POST.get("on_error") != "apply_none")
    if refused:
        return redirect("benefits:roll", pk=pk)
    if result.applied:
        messages.success(request, _("Reconciled: %(paid)d paid, %(failed)d failed, "
                                    "%(same)d unchanged.")
                         % {"paid": result.paid, "failed": result.failed,
                            "same": result.unchanged})
    else:
        messages.error(request, _("Nothing was applied: %(n)d rows were rejected. Correct the "
                                  "file, or upload it again choosing to apply the valid rows.")
                       % {"n": len(result.errors)})
    for number, reason in result.errors[:50]:
        messages.error(request, _("Row %(n)d: %(reason)s") % {"n": number, "reason": reason})
    if len(result.errors) > 50:
        messages.error(request, _("… and %(n)d more rejected rows.") % {"n": len(result.errors) - 50})
    return redirect("benefits:roll", pk=pk)




@requires(Capability.VIEW_PEOPLE)
def notices(request: AuthedRequest) -> HttpResponse:
    """公示: reviewed applications waiting for their village's notice, the notices posted
    with their dates, and (for reviewers) posting a village's notice."""
    return notices_web.notices_page(
        request, app="benefits", post_notice=actions.post_notice,
        waiting=actions.applications_for(request.user).filter(state=ApplicationState.REVIEWED,
                                                              notice=None),
        needs_notice=lambda application: actions.notice_needed(application) is not None,
        posted=actions.notices_for(request.user), template="benefits/notices.html")


@requires(Capability.VIEW_PEOPLE)
def notice_print(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable notice list for the village board (HTML; print from the browser)."""
    return notices_web.notice_print_page(
        request, pk, notices=actions.notices_for(request.user), template="benefits/notice.html",
        related=("person",), order=("person__name",), summary="查看两项补贴公示名单 %s",
        context=lambda applications: {"applications": applications})
