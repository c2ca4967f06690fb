"""Staff pages of the registry: list, detail, create, edit, import, export.

Thin: each view checks the role's capability (403), takes its queryset from the
scoping layer (404 outside the region) and calls ``actions``/``roster`` to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import F, QuerySet
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.audit import reads
from canlian.audit.actions import record_many
from canlian.audit.models import Action
from canlian.certificates.rules import CATEGORY_LABELS, GRADE_LABELS
from canlian.core import clock, exports, searches
from canlian.core.lists import page_of
from canlian.core.logmask import mask_text
from canlian.core.web import AuthedRequest, form_errors, requires
from canlian.jobs import actions as jobs
from canlian.regions.models import Region

from . import actions, idnumber, roster, workbooks
from .ethnicity import ETHNICITIES
from .forms import PersonFilterForm, PersonForm, fast_fields
from .jobs import ROSTER_FILE, ROSTER_IMPORT
from .models import HouseholdType, Person, RosterImport, Sex

PAGE_SIZE = 50


def _villages(user: Any) -> QuerySet[Region]:  # the villages a user may place a person in
    region = user.region
    if region.level == "village":
        return Region.objects.filter(code=region.code)
    return region.villages()


SEARCH_FIELDS = ["q", "township", "village", "category", "grade", "household_type", "status"]


def _filtered(request: AuthedRequest) -> tuple[PersonFilterForm, QuerySet[Person], bool]:
    """The filter form and the filtered persons of this request, and whether its search
    token was stale. The search comes from the session (``?s=<token>``, core/searches.py),
    never from the URL: a typed term in a URL (``?q=``) is ignored. The other filters
    (region, category…) are still accepted in a link's query string, having no search term."""
    stale = False
    data: Any = None
    if searches.TOKEN_PARAM in request.GET:
        data = searches.recall(request, request.GET[searches.TOKEN_PARAM])
        stale = data is None
    elif any(request.GET.get(name) for name in SEARCH_FIELDS[1:]):
        data = {name: request.GET[name] for name in SEARCH_FIELDS[1:] if name in request.GET}
    form = PersonFilterForm(data, scope=request.user.region)
    qs = scoping.people_for(request.user)
    if form.is_bound and form.is_valid():
        from .queries import filter_people

        qs = filter_people(qs, form.cleaned_data, within=request.user.region)
        if data:
            # Kept in the read audit (audit/reads.py): what was searched, IDs masked.
            reads.note(request, "搜索：" + "；".join(
                f"{name}={value}" for name, value in data.items() if value))
    return form, qs, stale


@requires(Capability.VIEW_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
def person_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":  # the search form: sealed in the session, then ?s=<token>
        posted = PersonFilterForm(request.POST, scope=request.user.region)
        if posted.is_valid():
            token = searches.remember(request, searches.form_fields(request.POST, SEARCH_FIELDS))
            return redirect(f"{reverse('people:list')}?{searches.TOKEN_PARAM}={token}")
        form, filtered, stale = posted, scoping.people_for(request.user), False
    else:
        form, filtered, stale = _filtered(request)
    if stale:
        messages.error(request, searches.STALE_MESSAGE)
    qs = filtered.values("id", "name", "resident_id", "sex", "birth_date", "category", "grade",
                         "life_status", "village__name", "village__parent__name",
                         "household_type")
    # Counted on the filtered persons alone: the page's joins (village names) are inner
    # joins the database would otherwise make for every matching row.
    page = page_of(request, qs, PAGE_SIZE, count=filtered.count())
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("q", None)
    return render(request, "people/list.html", {
        "form": form, "fields_html": fast_fields(form), "page": page,
        "rows_html": _rows_html(page.object_list), "query": query.urlencode(),
        "can_edit": request.user.can(Capability.EDIT_PEOPLE),
        "can_import": request.user.can(Capability.IMPORT_PEOPLE),
        "can_export": request.user.can(Capability.EXPORT_PEOPLE),
    })


def _rows_html(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The list's fifty rows as HTML, built directly, every value escaped.

    The busiest page of the site: the template loop over fifty rows of eight cells cost
    about 10 ms a request, a third of the page; this costs well under 1 ms. Labels are
    looked up once; no model instances, ``get_FOO_display`` or ``reverse`` per row; the
    standard library's ``html.escape`` (the same five characters as Django's, without
    its lazy-string wrapper).
    """
    # Labels are lazy translations: turned into escaped text once, not once a row.
    sexes = {k: escape(str(v)) for k, v in Sex.choices}
    htypes = {k: escape(str(v)) for k, v in HouseholdType.choices}
    categories = {k: escape(str(v)) for k, v in CATEGORY_LABELS.items()}
    grades = {k: escape(str(v)) for k, v in GRADE_LABELS.items()}
    base = reverse("people:list")
    alive = escape(_("Alive"))
    deceased = f'<span class="tag tag-muted">{escape(_("Deceased"))}</span>'
    out = []
    for r in rows:
        disability = (categories[r["category"]] + " " + grades[r["grade"]]
                      if r["category"] else "—")
        out.append(
            f'<tr><td><a href="{base}{r["id"]}/">{escape(r["name"])}</a></td>'
            f'<td class="mono">{escape(idnumber.mask(r["resident_id"]))}</td>'
            f'<td>{sexes.get(r["sex"], "")}</td><td>{r["birth_date"]:%Y-%m}</td>'
            f'<td>{escape(r["village__parent__name"] or "")} / {escape(r["village__name"])}</td>'
            f'<td>{disability}</td><td>{htypes.get(r["household_type"], "—")}</td>'
            f'<td>{deceased if r["life_status"] == "deceased" else alive}</td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 (every value above is escaped)


@requires(Capability.VIEW_PEOPLE)
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = scoping.person_or_refusal(
        request.user, pk, scoping.people_for(request.user).select_related("village__parent", "household"))
    actions.record_view(request.user, person, request)
    can_hold = request.user.can(Capability.MANAGE_LEGAL_HOLDS)
    return render(request, "people/detail.html", {
        "person": person,
        "can_edit": request.user.can(Capability.EDIT_PEOPLE),
        "can_hold": can_hold,
        "held": can_hold and person.legal_holds.filter(lifted_at__isnull=True).exists(),
        "can_certify": request.user.can(Capability.MANAGE_CERTIFICATES),
        "certificates": person.certificates.all(),
        "applications": person.certificate_applications.all(),
        "grants": person.grants.all(),
        "subsidy_applications": person.subsidy_applications.exclude(state="approved"),
        "surveys": person.surveys.order_by("-year")[:5],
        "services": person.service_records.select_related("service_type", "device")[:10],
        "this_year": clock.today().year,
        "placements": person.placements.select_related("employer"),
    })


def _save(request: AuthedRequest, person: Person | None) -> HttpResponse:
    scoping.require(request.user, Capability.EDIT_PEOPLE)
    villages = _villages(request.user)
    if request.method == "POST":
        form = PersonForm(request.POST, villages=villages)
        if form.is_valid():
            with form_errors(form) as refused:
                if person is None:
                    person = actions.create_person(request.user, form.to_data(), request)
                    messages.success(request, _("Person registered."))
                else:
                    person = actions.update_person(request.user, person, form.to_data(), request)
                    messages.success(request, _("Changes saved."))
            if not refused:
                return redirect("people:detail", pk=person.pk)
    else:
        initial = PersonForm.initial_for(person) if person else {}
        form = PersonForm(initial=initial, villages=villages)
    return render(request, "people/form.html", {"form": form, "person": person})


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def person_create(request: AuthedRequest) -> HttpResponse:
    return _save(request, None)


@requires(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = scoping.person_or_refusal(
        request.user, pk, scoping.people_for(request.user).select_related("household"))
    return _save(request, person)


@requires(Capability.IMPORT_PEOPLE)
@require_http_methods(["GET", "POST"])
def roster_import(request: AuthedRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose an .xlsx file to upload.")
        elif not (upload.name or "").lower().endswith(".xlsx"):
            error = _("Only .xlsx workbooks can be imported.")
        elif (upload.size or 0) > settings.CANLIAN_MAX_ROSTER_BYTES:
            error = _("The file is larger than the limit of %(mb)d MB.") % {
                "mb": settings.CANLIAN_MAX_ROSTER_BYTES // (1024 * 1024)}
        elif upload.read(4) != b"PK\x03\x04":
            error = _("This file is not an .xlsx workbook.")
        elif (error := _too_large(upload)):
            pass
        else:
            # Imported by the background worker (a large roster outlasts a web request).
            job = jobs.start(request.user, ROSTER_IMPORT.code, params={"filename": upload.name},
                             files={ROSTER_FILE: upload}, request=request)
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "people/import.html", {"error": error}, status=400 if error else 200)


def _too_large(upload: Any) -> str:
    """The caps on a roster's unpacked size and rows, checked before the job is started."""
    try:
        roster.check_size(upload)
    except roster.RosterError as exc:
        return str(exc)
    return ""


@requires(Capability.IMPORT_PEOPLE)
def import_result(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(RosterImport, pk=pk, user=request.user)
    return render(request, "people/import_result.html", {
        "batch": batch, "errors": batch.errors[:200],
    })


@requires(Capability.IMPORT_PEOPLE)
@exports.clean_failure
def import_errors(request: AuthedRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(RosterImport, pk=pk, user=request.user)
    return _xlsx(workbooks.error_workbook(batch.errors), f"导入错误-{batch.pk}.xlsx")


@requires(Capability.IMPORT_PEOPLE)
@exports.clean_failure
def import_template(request: AuthedRequest) -> FileResponse:
    return _xlsx(workbooks.roster_template(), "残疾人花名册模板.xlsx")


_xlsx = exports.response


EXPORT_LIMIT = 200_000


@requires(Capability.EXPORT_PEOPLE)
@exports.clean_failure
def person_export(request: AuthedRequest) -> HttpResponseBase:
    _, qs, stale = _filtered(request)
    if stale:
        messages.error(request, searches.STALE_MESSAGE)
        return redirect("people:list")
    criteria = getattr(request, "audit_detail", "")
    full_ids = request.GET.get("full_ids") == "1" and request.user.role == Role.FEDERATION_STAFF
    regions = dict(Region.objects.filter(level__in=["township", "village"]).values_list(
        "code", "name"))
    htypes = dict(HouseholdType.choices)
    sexes = dict(Sex.choices)
    rows = list(qs.order_by("village_id", "name", "id").annotate(
        htype=F("household_type")).values(
        "id", "name", "resident_id", "sex", "birth_date", "ethnicity", "village_id", "category",
        "grade", "certificate_number", "htype", "phone", "address", "life_status",
    )[:EXPORT_LIMIT])

    def shaped():
        for r in rows:
            cert = r["certificate_number"] or ""
            yield {
                **r,
                "masked_id": idnumber.mask(r["resident_id"]),
                "masked_cert": idnumber.mask(cert) if cert else "",
                "sex": str(sexes.get(r["sex"], "")),
                "ethnicity": ETHNICITIES.get(r["ethnicity"], ""),
                "township": regions.get(r["village_id"][:9] + "000", ""),
                "village": regions.get(r["village_id"], ""),
                "category": CATEGORY_LABELS.get(r["category"], "") if r["category"] else "",
                "grade": GRADE_LABELS.get(r["grade"], "") if r["grade"] else "",
                "household_type": str(htypes.get(r["htype"], "")) if r["htype"] else "",
                "status": "已故" if r["life_status"] == "deceased" else "在世",
            }

    path = workbooks.person_export(shaped(), full_ids=full_ids)
    record_many(
        user=request.user, action=Action.EXPORT,
        people=[(r["id"], r["village_id"]) for r in rows], request=request,
        summary=f"导出名单（{'含完整证件号' if full_ids else '证件号已脱敏'}）："
                f"{mask_text(criteria)}"[:300],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(path, f"残疾人名单-{stamp}.xlsx")
