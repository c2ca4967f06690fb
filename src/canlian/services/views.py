"""Service pages: recording services, institutions, renovations, legal cases, gap lists."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit.actions import record_many
from canlian.audit.models import Action as AuditAction
from canlian.audit.models import AuditEvent
from canlian.core import clock, exports, params, separation
from canlian.core.duties import Workflow
from canlian.core.forms import add_errors
from canlian.core.lists import Column, Filter, Listing, page_of, region_name
from canlian.core.web import AuthedRequest, error_messages, form_errors, refusal, requires
from canlian.people import idnumber
from canlian.people.workbooks import _header, _save
from canlian.regions.models import Region

from . import actions, queries
from .forms import (
    CaseForm,
    CloseInstitutionForm,
    InstitutionForm,
    LicenceForm,
    RenovationStepForm,
    ServiceForm,
)
from .models import Institution, LegalCase, Renovation, RenovationState


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    year = clock.today().year
    people = scoping.people_for(request.user)
    counts = {need: queries.gap(people, need, year).count() for need in queries.NEEDS}
    return render(request, "services/index.html", {"year": year, "counts": counts,
                                                    "labels": queries.NEEDS})


@requires(Capability.EDIT_PEOPLE)
def record_service(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            actions.record_service(request.user, person, **form.cleaned_data, request=request)
        if not refused:
            messages.success(request, _("Service recorded."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "services/record.html", {"form": form, "person": person})


@requires(Capability.VIEW_PEOPLE)
@exports.clean_failure
def gaps(request: AuthedRequest, need: str) -> HttpResponseBase:
    if need not in queries.NEEDS:
        raise Http404
    year = params.year(request, clock.today().year)
    people = queries.gap(scoping.people_for(request.user), need, year)
    if request.GET.get("format") == "xlsx":
        scoping.require(request.user, Capability.EXPORT_PEOPLE)
        rows = list(people.values("id", "name", "resident_id", "village_id", "village__name",
                                  "village__parent__name", "phone")[:100_000])
        workbook = exports.workbook()
        sheet = workbook.create_sheet("应享未享")
        _header(sheet, ["档案号", "姓名", "身份证号", "镇（街道）", "村（社区）", "联系电话"])
        for r in rows:
            sheet.append([r["id"], r["name"], idnumber.mask(r["resident_id"]),
                          r["village__parent__name"], r["village__name"], r["phone"]])
        record_many(user=request.user, action=AuditAction.EXPORT, request=request,
                    people=[(r["id"], r["village_id"]) for r in rows],
                    summary=f"导出{queries.NEEDS[need][0]}需求未服务名单 {year}")
        return exports.response(_save(workbook), f"{queries.NEEDS[need][0]}-未服务名单-{year}.xlsx")
    page = page_of(request, people)
    return render(request, "services/gaps.html", {
        "need": need, "label": queries.NEEDS[need][0], "year": year, "page": page,
        "query": f"year={year}", "can_export": request.user.can(Capability.EXPORT_PEOPLE)})


@requires(Capability.VIEW_PEOPLE)
def institutions(request: AuthedRequest) -> HttpResponse:
    """The institution register (机构登记): federation staff (anywhere) and township staff
    (in their township) register, correct and close."""
    rows = Institution.objects.filter(scoping.region_range_q(request.user, "township__code"))
    form = None
    if actions.may_register_institutions(request.user):
        form = InstitutionForm(request.POST or None)
        _limit_regions(request, form)
        if request.method == "POST" and form.is_valid():
            with form_errors(form) as refused:
                actions.register_institution(request.user, form.cleaned_data, request=request)
            if not refused:
                messages.success(request, _("Institution saved."))
                return redirect("services:institutions")
    elif request.method == "POST":
        raise PermissionDenied("institutions are registered by the federation")
    return render(request, "services/institutions.html", {
        "rows": rows.select_related("township"), "form": form,
        "expiring": actions.expiring_licences(rows, clock.today())[:50]})


@requires(Capability.VIEW_PEOPLE)
def institution(request: AuthedRequest, pk: int) -> HttpResponse:
    """One institution: correct its entry or close it (dated, audited)."""
    found = get_object_or_404(Institution.objects.filter(
        scoping.region_range_q(request.user, "township__code")).select_related("township"), pk=pk)
    editable = actions.may_register_institutions(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied("institutions are registered by the federation")
    edit = InstitutionForm(request.POST if "save" in request.POST else None, instance=found,
                           prefix="edit") if editable else None
    close = CloseInstitutionForm(request.POST if "close" in request.POST else None,
                                 prefix="close") if (editable and not found.closed_on and
                                                     request.user.role == Role.FEDERATION_STAFF
                                                     ) else None
    if edit is not None:
        _limit_regions(request, edit)
    licence = LicenceForm(request.POST if "licence" in request.POST else None,
                          prefix="licence") if editable and not found.closed_on else None
    with refusal() as refused:
        if "licence" in request.POST and licence is not None and licence.is_valid():
            actions.add_licence(request.user, found.pk, licence.cleaned_data, request=request)
            messages.success(request, _("Licence recorded."))
            return redirect("services:institution", pk=found.pk)
        if "withdraw" in request.POST and editable:
            actions.withdraw_licence(request.user, int(request.POST.get("withdraw") or 0),
                                     clock.today(), request=request)
            messages.success(request, _("Licence withdrawn."))
            return redirect("services:institution", pk=found.pk)
        if "save" in request.POST and edit is not None and edit.is_valid():
            data = {f: edit.cleaned_data[f] for f in edit.changed_data}
            found.refresh_from_db()
            actions.update_institution(request.user, found.pk, data, request=request)
            messages.success(request, _("Institution saved."))
            return redirect("services:institution", pk=found.pk)
        if "close" in request.POST and close is not None and close.is_valid():
            actions.close_institution(request.user, found.pk, close.cleaned_data["closed_on"],
                                      close.cleaned_data["reason"], request=request)
            messages.success(request, _("Institution closed."))
            return redirect("services:institution", pk=found.pk)
    if refused.error is not None:
        target = close if "close" in request.POST else licence if "licence" in request.POST \
            else edit
        if target is None:  # a withdrawal refused: no form to put it beside
            messages.error(request, " ".join(refused.messages))
        else:
            add_errors(target, refused.error)

    history = AuditEvent.objects.filter(object_type="institution", object_id=str(found.pk))
    today = clock.today()
    licences = [(row, row.state_on(today, actions.LICENCE_WARNING_DAYS))
                for row in found.licences.all()]
    return render(request, "services/institution.html", {
        "institution": found, "edit": edit, "close": close, "licence": licence,
        "licences": licences, "villages": found.villages_served.order_by("code"),
        "history": history[:50]})


def _limit_regions(request: AuthedRequest, form: InstitutionForm) -> None:
    """Townships the user may register in, and their villages."""
    townships = actions.townships_for(request.user)
    cast(forms.ModelChoiceField, form.fields["township"]).queryset = townships
    cast(forms.ModelMultipleChoiceField, form.fields["villages_served"]).queryset = (
        Region.objects.filter(level="village", parent__in=townships).order_by("code"))


def renovations_listing(request: AuthedRequest) -> Listing:
    """Home-accessibility renovations (无障碍改造) as ``request`` asks for them (the page, and
    the background export job rebuilding it: ``core.lists.BACKGROUND_LISTS``)."""
    scoping.require(request.user, Capability.VIEW_PEOPLE)
    base = Renovation.objects.filter(scoping.region_q(request.user, "village__code")).select_related(
        "person", "village__parent").order_by("-applied_on", "-id")
    return Listing(
        request, base, region_field="village__code", title=_("Home-accessibility renovations"),
        name="services.renovations", filename="无障碍改造名单",
        filters=[
            Filter("state", _("State"), field="state", choices=RenovationState.choices),
            Filter("applied", _("Applied on"), field="applied_on", kind="dates"),
        ],
        columns=[
            Column(_("Name"), lambda r: r.person.name),
            Column(_("Resident ID"), lambda r: r.person.masked_id),
            Column(_("Township / village"), lambda r: region_name(r.village)),
            Column(_("State"), lambda r: r.get_state_display()),
            Column(_("Applied on"), lambda r: r.applied_on),
            Column(_("Cost (yuan)"), lambda r: r.cost),
        ],
        person=lambda r: (r.person_id, r.village_id))


@requires(Capability.VIEW_PEOPLE)
def renovations(request: AuthedRequest) -> HttpResponseBase:
    """Home-accessibility renovations (无障碍改造) with the shared list filters."""
    listing = renovations_listing(request)
    if listing.wants_export:
        return listing.export()
    return render(request, "services/renovations.html", {"listing": listing})


@requires(Capability.EDIT_PEOPLE)
def renovation_apply(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    if request.method != "POST":
        raise Http404
    with error_messages(request) as refused:
        renovation = actions.apply_renovation(request.user, person, note=request.POST.get("note", ""))
    if refused:
        return redirect("people:detail", pk=person.pk)
    return redirect("services:renovation", pk=renovation.pk)


@requires(Capability.VIEW_PEOPLE)
def renovation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    renovation = get_object_or_404(
        Renovation.objects.filter(scoping.region_q(request.user, "village__code"))
        .select_related("person", "village__parent", "assessed_by"), pk=pk)
    steps = {"applied": ["assess", "reject"], "assessed": ["contract", "reject"],
             "contracted": ["complete", "reject"], "completed": ["accept", "reject"]}
    return render(request, "services/renovation.html", {
        "renovation": renovation, "items": renovation.items.all(),
        "photos": renovation.photos.all(), "form": RenovationStepForm(),
        "steps": [(s, actions.LABELS[s],
                   separation.blocked_reason(Workflow.RENOVATION, s,
                                             reviewer=renovation.assessed_by, actor=request.user))
                  for s in steps.get(renovation.state, [])]
        if request.user.can(Capability.EDIT_PEOPLE) else [],
    })


@requires(Capability.EDIT_PEOPLE)
@require_POST
def renovation_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    form = RenovationStepForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("services:renovation", pk=pk)
    d = form.cleaned_data
    # RenovationError, or the reviewer approving (审批分离)
    with error_messages(request) as refused:
        actions.advance_renovation(request.user, pk, step, on=d["on"], notes=d["notes"],
                                   contractor=d["contractor"], items=d["items"], request=request)
    if not refused:
        messages.success(request, actions.LABELS.get(step, step))
    return redirect("services:renovation", pk=pk)


@requires(Capability.EDIT_PEOPLE)
@require_POST
def renovation_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    with error_messages(request) as refused:
        actions.add_photo(request.user, pk, request.POST.get("stage", ""), request.FILES.get("image"))
    if not refused:
        messages.success(request, _("Photo added."))
    return redirect("services:renovation", pk=pk)


@requires(Capability.VIEW_PEOPLE)
def cases(request: AuthedRequest) -> HttpResponse:
    rows = LegalCase.objects.filter(person__in=scoping.people_for(request.user)).select_related(
        "person")
    page = page_of(request, rows)
    return render(request, "services/cases.html", {"page": page, "query": ""})


@requires(Capability.EDIT_PEOPLE)
def case_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.open_case(request.user, person, **form.cleaned_data)
        messages.success(request, _("Case opened."))
        return redirect("services:cases")
    return render(request, "services/case_new.html", {"form": form, "person": person})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def case_update(request: AuthedRequest, pk: int) -> HttpResponse:
    with error_messages(request):
        actions.update_case(request.user, pk, request.POST.get("status", ""),
                            request.POST.get("outcome", ""))
    return redirect("services:cases")
