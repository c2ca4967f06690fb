"""Staff pages of the certificate lifecycle, the work queue and the e-certificate.

Thin: capabilities and scoping decide access, ``actions`` does the work, and every
refusal (illegal transition, someone else was faster) comes back as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record
from canlian.audit.models import Action as AuditAction
from canlian.core import clock, notices_web, separation
from canlian.core.duties import Workflow
from canlian.core.lists import Column, Filter, Listing, region_name
from canlian.core.web import AuthedRequest, error_messages, form_errors, requires, signed_in_only
from canlian.portal.actions import uploads_for
from canlian.regions.models import Region
from canlian.todos import actions as todos
from canlian.todos.models import Todo

from . import actions, ecert, rules, workflow
from .forms import ApplyForm, AssessForm, StepForm
from .models import CertificateStatus
from .workflow import Action, IllegalTransition, Kind, State

# Which states each role works on in its queue.
QUEUE_STATES = {
    Role.ASSESSOR: [State.APPLIED],
    Role.VILLAGE_WORKER: [State.APPLIED, State.ASSESSED, State.REVIEWED, State.APPROVED],
    Role.TOWNSHIP_STAFF: [State.ASSESSED],
    Role.FEDERATION_STAFF: [State.REVIEWED, State.APPROVED],
    Role.AUDITOR: [State.APPLIED, State.ASSESSED, State.REVIEWED, State.APPROVED],
}


def _online_waiting(user):
    """What citizens sent online that waits for this user's region (all scoped)."""
    from canlian.benefits.actions import applications_for
    from canlian.people.actions import contact_changes_for, first_applications_for
    from canlian.services.actions import requests_for
    from canlian.services.models import Renovation

    return {
        "subsidies": applications_for(user).filter(state="applied").count(),
        "services": requests_for(user).filter(state="submitted").count(),
        "renovations": Renovation.objects.filter(scoping.region_q(user, "village__code"),
                                                 state="applied").count(),
        "contacts": contact_changes_for(user).filter(state="pending").count(),
        "first": first_applications_for(user).filter(state="submitted").count(),
    }


@signed_in_only("each role has its own queue (QUEUE_STATES); a role without one is refused "
                "inside")
def queue(request: AuthedRequest) -> HttpResponse:
    user = request.user
    states = QUEUE_STATES.get(Role(user.role))
    if states is None:
        raise PermissionDenied("no work queue for this role")
    today = clock.today()
    applications = (scoping.certificate_applications_for(user).filter(state__in=states)
                    .select_related("person", "village__parent").order_by("due", "id")[:500])
    todos: list[Todo] = []
    todo_total = 0
    if user.role in (Role.TOWNSHIP_STAFF, Role.FEDERATION_STAFF, Role.VILLAGE_WORKER):
        from canlian.todos import queries as todo_queries

        open_todos = todo_queries.open_todos(user)
        todos = list(open_todos[:todo_queries.LIST_LIMIT])
        todo_total = len(todos) if len(todos) < todo_queries.LIST_LIMIT else open_todos.count()
        for t in todos:
            t.target = todo_queries.target(t)  # type: ignore[attr-defined]
            t.checked = t.kind in todo_queries.CHECKED  # type: ignore[attr-defined]
    return render(request, "certificates/queue.html", {
        "applications": applications, "todos": todos, "todo_total": todo_total, "today": today,
        "online": _online_waiting(user) if user.can(Capability.EDIT_PEOPLE) else None,
        "overdue": sum(1 for a in applications if a.is_overdue(today)),
        "show_notices": user.can(Capability.VIEW_PEOPLE),
    })


@requires(Capability.MANAGE_CERTIFICATES)
def apply(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    region = scoping.region_of(request.user)
    villages = (Region.objects.filter(code=region.code) if region.level == "village"
                else region.villages()).select_related("parent")
    kind = (request.POST.get("kind") if request.method == "POST"
            else request.GET.get("kind")) or Kind.NEW
    form = ApplyForm(request.POST or None, villages=villages, kind=kind,
                     initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with form_errors(form) as refused:
            application = actions.apply(request.user, person, actions.ApplicationInput(
                kind=Kind(d["kind"]), reason=d["reason"], cancel_reason=d.get("cancel_reason", ""),
                target_village=d.get("target_village")), request)
        if not refused:
            messages.success(request, _("Application registered."))
            return redirect("certificates:application", pk=application.pk)
    return render(request, "certificates/apply.html", {"form": form, "person": person})


@signed_in_only("registry staff and assessors both read an application: the scoped lookup "
                "admits what the user may see, and each step's capability is checked per step")
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        scoping.certificate_applications_for(request.user).select_related(
            "person__village__parent", "certificate", "target_village", "notice"), pk=pk)
    user = request.user
    possible = [a for a in workflow.allowed_actions(Kind(application.kind), State(application.state))
                if user.can(workflow.transition(Kind(application.kind), State(application.state),
                                                a).capability)]
    reviewer = actions.reviewer_of(application)
    notice_blocks = (actions.notice_blocks(application, clock.today())
                     if application.state == State.REVIEWED else None)
    blocked = {a.value: separation.blocked_reason(Workflow.CERTIFICATE, a.value,
                                                  reviewer=reviewer, actor=user)
               or (notice_blocks if a == Action.APPROVE else None)
               for a in possible}
    return render(request, "certificates/application.html", {
        "application": application, "reviewer": reviewer,
        "notice": application.notice,
        "notice_days": workflow.notice_days(Kind(application.kind)),
        "steps": application.steps.select_related("actor"),
        "assessment": getattr(application, "assessment", None),
        "can_assess": Action.ASSESS in possible,
        "actions": [(a.value, workflow.ACTION_LABELS[a], blocked[a.value])
                    for a in possible if a != Action.ASSESS],
        "assess_form": AssessForm(), "step_form": StepForm(),
        "uploads": uploads_for(user, f"certificate:{application.pk}"),
    })


@requires(Capability.ASSESS)
@require_POST
def assess(request: AuthedRequest, pk: int) -> HttpResponse:
    form = AssessForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        with form_errors(form, IllegalTransition) as refused:  # beside its field, not in a banner
            actions.assess(request.user, pk, actions.AssessmentInput(
                hospital=d["hospital"], assessed_on=d["assessed_on"], category=d["category"],
                grade=d["grade"], components=d["components"], findings=d["findings"]),
                attachment=d.get("attachment"), request=request)
        if not refused:
            messages.success(request, _("Assessment recorded."))
            return redirect("certificates:application", pk=pk)
    application = get_object_or_404(scoping.certificate_applications_for(request.user), pk=pk)
    return render(request, "certificates/application.html", {
        "application": application, "steps": application.steps.all(), "can_assess": True,
        "assess_form": form, "step_form": StepForm(), "actions": [],
    }, status=400)


@signed_in_only("each step has its own capability, checked by actions.advance")
@require_POST
def act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    try:
        chosen = Action(action)
    except ValueError:
        raise Http404 from None
    form = StepForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("certificates:application", pk=pk)
    # A refused step (IllegalTransition, incl. NoticeRefused; the same reviewer approving)
    with error_messages(request, IllegalTransition) as refused:
        application = actions.advance(request.user, pk, chosen, note=form.cleaned_data["note"],
                                      attachment=form.cleaned_data.get("attachment"),
                                      request=request)
    if not refused:
        messages.success(request, _("Done: %(action)s.") % {
            "action": workflow.ACTION_LABELS[chosen]})
        if chosen == Action.ISSUE and application.certificate_id and application.kind in (
                Kind.NEW, Kind.CHANGE, Kind.RENEWAL, Kind.REISSUE):
            return redirect("certificates:card", pk=application.certificate_id)
    return redirect("certificates:application", pk=pk)


@requires(Capability.VIEW_PEOPLE)
def card(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable e-certificate with its signed QR code (audited: it shows the full ID)."""
    certificate = get_object_or_404(
        scoping.certificates_for(request.user).select_related("person__village__parent"), pk=pk)
    url = request.build_absolute_uri(reverse("verify", args=[actions.verification_token(certificate)]))
    record(user=request.user, action=AuditAction.VIEW, obj=certificate, person=certificate.person,
           request=request, summary=f"查看电子残疾人证 {certificate.pk}")
    return render(request, "certificates/card.html", {
        "certificate": certificate, "person": certificate.person, "verify_url": url,
        "qr": ecert.qr_svg(url), "status": certificate.effective_status(),
        "colour": rules.cover_colour(
            certificate.category, [c["category"] for c in certificate.components]),
    })


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone scanning the QR code learns whether the certificate is genuine."""
    result = ecert.verify(token)
    return render(request, "certificates/verify.html", {"result": result},
                  status=200 if result.certificate else 404)


def expiring_listing(request: AuthedRequest) -> Listing:
    """The certificates to renew as ``request`` asks for them (the page, and the background
    export job rebuilding it: ``core.lists.BACKGROUND_LISTS``)."""
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    windows = [(30, _("30 days")), (60, _("60 days")), (90, _("90 days")),
               (180, _("180 days")), (365, _("1 year")), (730, _("2 years"))]
    base = scoping.certificates_for(request.user).filter(
        status=CertificateStatus.ISSUED).select_related("person__village__parent").order_by(
        "valid_until", "id")
    return Listing(
        request, base, region_field="person__village__code", title=_("Certificates to renew"),
        name="certificates.expiring", filename="到期换证名单",
        filters=[
            Filter("within", _("Expiring within"), kind="choice", choices=windows,
                   default="90", blank=False,
                   apply=lambda qs, v: actions.expiring(qs, int(v))),
            Filter("category", _("Category"), field="category",
                   choices=list(rules.CATEGORY_LABELS.items())),
            Filter("grade", _("Grade"), field="grade", choices=list(rules.GRADE_LABELS.items())),
            Filter("valid_until", _("Valid until"), field="valid_until", kind="dates"),
        ],
        columns=[
            Column(_("Valid until"), lambda c: c.valid_until),
            Column(_("Name"), lambda c: c.person.name),
            Column(_("Resident ID"), lambda c: c.person.masked_id),
            Column(_("Certificate number"), lambda c: c.person.masked_id + c.number[18:]),
            Column(_("Township / village"), lambda c: region_name(c.person.village)),
            Column(_("Category"), lambda c: c.get_category_display()),
            Column(_("Grade"), lambda c: c.get_grade_display()),
        ],
        person=lambda c: (c.person_id, c.person.village_id))


@requires(Capability.VIEW_PEOPLE)
def expiring(request: AuthedRequest) -> HttpResponseBase:
    """Certificates to renew (到期换证), filtered by place, window, category and grade."""
    listing = expiring_listing(request)
    if listing.wants_export:
        return listing.export()
    return render(request, "certificates/expiring.html", {"listing": listing})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def todo_done(request: AuthedRequest, pk: int) -> HttpResponse:
    with error_messages(request) as refused:  # TodoNotDone
        todos.mark_done(request.user, pk, note=request.POST.get("note", ""), request=request)
    if refused:
        return redirect(reverse("certificates:queue") + f"#todo-{pk}")
    messages.success(request, _("To-do marked done."))
    return redirect(reverse("certificates:queue") + "#todos")


@requires(Capability.VIEW_PEOPLE)
def notices(request: AuthedRequest) -> HttpResponse:
    """公示: reviewed certificate applications waiting for their village's notice, the
    notices posted with their dates, and (for reviewers) posting a village's notice."""
    return notices_web.notices_page(
        request, app="certificates", post_notice=actions.post_notice,
        waiting=actions.awaiting_notice(request.user), posted=actions.notices_for(request.user),
        template="certificates/notices.html",
        context={"working_days": workflow.NOTICE_WORKING_DAYS})


@requires(Capability.VIEW_PEOPLE)
def notice_print(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable notice list for the village board (HTML; print from the browser):
    names and resident IDs masked, category and grade shown (audited per person)."""
    return notices_web.notice_print_page(
        request, pk, notices=actions.notices_for(request.user), template="certificates/notice.html",
        related=("person", "assessment"), order=("person__name", "id"),
        summary="查看残疾人证公示名单 %s",
        context=lambda applications: {"rows": [
            {"name": ecert.mask_name(a.person.name), "resident_id": a.person.masked_id,
             "sex": a.person.get_sex_display(), "kind": a.kind_label,
             "assessment": getattr(a, "assessment", None)} for a in applications]})
