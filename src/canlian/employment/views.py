"""Employment pages: employers and their declarations (staff and the employer's own),
the levy breakdown, reward / follow-up / breach / mismatch lists, placements, training."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability, Role
from canlian.core import clock, params, separation
from canlian.core.duties import Workflow
from canlian.core.forms import Form
from canlian.core.web import AuthedRequest, error_messages, form_errors, refusal, requires, signed_in_only
from canlian.people import idnumber

from . import actions, levy, queries
from .models import PLACEMENT_FORMS, Course, Declaration, Employer, JobSeeker, Placement


def _year(request: HttpRequest) -> int:
    return params.year(request, clock.today().year - 1)


class EmployerForm(Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    credit_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=24)
    unit_kind = forms.ChoiceField(label=gettext_lazy("Kind of unit"),
                                  choices=[(k, v[0]) for k, v in levy.UNIT_KINDS.items()])
    township: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Township/street"), queryset=None)
    posts = forms.IntegerField(label=gettext_lazy("Approved posts (public units)"),
                               required=False, min_value=0)
    is_school_or_kindergarten = forms.BooleanField(
        label=gettext_lazy("Primary/secondary school or kindergarten"), required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (region.townships() if region.level != "township"
                                            else type(region).objects.filter(code=region.code))


class DeclarationForm(Form):
    staff = forms.DecimalField(label=gettext_lazy("Average staff last year (N)"),
                               max_digits=10, decimal_places=2, min_value=0,
                               max_value=levy.MAXIMA["staff"])
    average_wage = forms.DecimalField(label=gettext_lazy("Average wage last year (yuan)"),
                                      max_digits=12, decimal_places=2, min_value=0,
                                      max_value=levy.MAXIMA["average_wage"])
    local_average_wage = forms.DecimalField(label=gettext_lazy("Local average wage (yuan)"),
                                            max_digits=12, decimal_places=2, min_value=0,
                                            max_value=levy.MAXIMA["local_average_wage"])


class EmployeeForm(Form):
    name = forms.CharField(label=gettext_lazy("Name of the disabled employee"), max_length=50,
                           help_text=gettext_lazy("As on the disability certificate."))
    resident_id = forms.CharField(label=gettext_lazy("Resident ID of the disabled employee"),
                                  max_length=20)
    contract_ok = forms.BooleanField(label=gettext_lazy("On the establishment or a contract of "
                                                        "a year or more"), required=False,
                                     initial=True)
    wage_ok = forms.BooleanField(label=gettext_lazy("Paid at least the minimum wage"),
                                 required=False, initial=True)
    insurance_ok = forms.BooleanField(label=gettext_lazy("Social insurance fully paid"),
                                      required=False, initial=True)


# Why the employer-facing pages declare no one capability: an employer reaches its own units
# (``actions.employers_for``), other roles need the registry; both are checked inside.
EMPLOYER_OR_STAFF = ("an employer reaches its own units, other roles need the registry: "
                     "_staff_or_employer checks which")


def _staff_or_employer(request: AuthedRequest) -> None:
    """Employers see their own units; other roles need the registry (403 otherwise)."""
    if request.user.role != Role.EMPLOYER:
        scoping.require(request.user, Capability.VIEW_PEOPLE)


@signed_in_only("an employer is sent to its own units; other roles need the registry, "
                "checked inside")
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.EMPLOYER:
        return redirect("employment:mine")
    scoping.require(user, Capability.VIEW_PEOPLE)
    year = _year(request)
    region = scoping.region_of(user)
    return render(request, "employment/index.html", {
        "year": year,
        "submitted": Declaration.objects.filter(
            employer__in=actions.employers_for(user),
            state__in=["submitted", "checked"]).select_related("employer"),
        "rewards": queries.standings(region, year, "over"),
        "followup": queries.standings(region, year, "short"),
        "breach": queries.public_units_in_breach(region, year),
        "breach_rule": queries.deployment_public_unit_rule(year),
        "mismatches": queries.mismatches(region, year)[:100],
        "training": sum(queries.training_person_times_by_township(
            region, dt.date(year, 1, 1), dt.date(year, 12, 31)).values()),
        "employers": actions.employers_for(user).count(),
    })


@requires(Capability.VIEW_PEOPLE)
def employers(request: AuthedRequest) -> HttpResponse:
    form = None
    if request.user.can(Capability.EDIT_PEOPLE):
        form = EmployerForm(request.POST or None, region=request.user.region)
        if request.method == "POST" and form.is_valid():
            with form_errors(form) as refused:
                employer = actions.register_employer(request.user, **form.cleaned_data)
            if not refused:
                messages.success(request, _("Employer registered."))
                return redirect("employment:employer", pk=employer.pk)
    elif request.method == "POST":
        raise PermissionDenied("read-only role")
    rows = actions.employers_for(request.user).select_related("township")
    return render(request, "employment/employers.html", {"rows": rows, "form": form})


@signed_in_only(EMPLOYER_OR_STAFF)
def employer(request: AuthedRequest, pk: int) -> HttpResponse:
    _staff_or_employer(request)
    unit = get_object_or_404(actions.employers_for(request.user).select_related("township"),
                             pk=pk)
    year = clock.today().year
    current = unit.declarations.filter(year=year).first()
    # The form only while this year's declaration can still be written (not once submitted).
    open_ = current is None or current.state in ("draft", "returned")
    return render(request, "employment/employer.html", {
        "employer": unit, "declarations": unit.declarations.all(),
        "form": DeclarationForm() if request.user.role == Role.EMPLOYER and open_ else None,
        "current": current, "year": year,
    })


@requires(Capability.OWN_UNIT)
def mine(request: AuthedRequest) -> HttpResponse:
    return render(request, "employment/mine.html", {
        "units": actions.employers_for(request.user).prefetch_related("declarations")})


@signed_in_only("an employer files its own declaration, staff file paper ones (EDIT_PEOPLE): "
                "checked inside")
@require_POST
def file(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.user.role != Role.EMPLOYER:
        scoping.require(request.user, Capability.EDIT_PEOPLE)  # staff file paper declarations
    unit = get_object_or_404(actions.employers_for(request.user), pk=pk)
    form = DeclarationForm(request.POST)
    year = clock.today().year
    if form.is_valid():
        with error_messages(request) as refused:
            declaration = actions.file_declaration(request.user, unit, year=year,
                                                   **form.cleaned_data)
        if not refused:
            return redirect("employment:declaration", pk=declaration.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect("employment:employer", pk=unit.pk)


@signed_in_only(EMPLOYER_OR_STAFF)
def declaration(request: AuthedRequest, pk: int) -> HttpResponse:
    _staff_or_employer(request)
    item = get_object_or_404(Declaration.objects.filter(
        employer__in=actions.employers_for(request.user)).select_related("employer",
                                                                          "checked_by"), pk=pk)
    result, problem = None, None
    if item.state != "approved":
        with refusal() as refused:
            result = actions.compute(item)
        if refused:
            problem = refused.messages[0]
    form = EmployeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            actions.add_employee(request.user, item.pk, **form.cleaned_data, request=request)
        if not refused:
            return redirect("employment:declaration", pk=item.pk)
    return render(request, "employment/declaration.html", {
        "d": item, "employees": item.employees.select_related("person"),
        "breakdown": item.breakdown if item.state == "approved" else
        (result.breakdown() if result else []),
        "problem": problem, "form": form, "show_grades": request.user.role != Role.EMPLOYER,
        "can_edit": request.user.role == Role.EMPLOYER and item.state in ("draft", "returned"),
        "can_check": request.user.can(Capability.REVIEW) and item.state == "submitted",
        "can_approve": request.user.can(Capability.APPROVE) and item.state == "checked",
        "can_return": request.user.can(Capability.REVIEW) and item.state in ("submitted",
                                                                              "checked"),
        "approve_blocked": separation.blocked_reason(
            Workflow.DECLARATION, "approve", reviewer=item.checked_by, actor=request.user),
    })


@signed_in_only("an employer submits its own declaration, staff check and approve: "
                "actions.submit and actions.review check the role")
@require_POST
def act(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in ("submit", "check", "approve", "return"):
        raise Http404
    with error_messages(request) as refused:  # incl. the checker approving (审批分离)
        if step == "submit":
            actions.submit(request.user, pk)
        else:
            actions.review(request.user, pk, step, request.POST.get("note", ""))
    if not refused:
        messages.success(request, _("Saved."))
    return redirect("employment:declaration", pk=pk)


class PlacementForm(Form):
    form = forms.ChoiceField(label=gettext_lazy("Form of employment"), choices=PLACEMENT_FORMS)
    employer = forms.ModelChoiceField(label=gettext_lazy("Employer"), required=False,
                                      queryset=Employer.objects.none())
    start = forms.DateField(label=gettext_lazy("Start"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("End"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))


@requires(Capability.EDIT_PEOPLE)
def placement_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    form = PlacementForm(request.POST or None)
    cast(forms.ModelChoiceField, form.fields["employer"]).queryset = actions.employers_for(request.user)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            actions.place(request.user, person, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "employment/placement_form.html", {"form": form, "person": person})


@requires(Capability.VIEW_PEOPLE)
def training(request: AuthedRequest) -> HttpResponse:
    year = _year(request)
    courses = (Course.objects.filter(scoping.region_range_q(request.user, "township__code"),
                                     start__year=year)
               .select_related("township"))
    per = queries.training_person_times_by_township(scoping.region_of(request.user), dt.date(year, 1, 1),
                                                    dt.date(year, 12, 31))
    return render(request, "employment/training.html", {
        "courses": courses, "year": year, "total": sum(per.values()),
        "placements": Placement.objects.filter(
            person__in=scoping.people_for(request.user), start__year=year).count(),
        "zero": Decimal(0), "can_edit": request.user.can(Capability.EDIT_PEOPLE),
    })


class JobSeekerForm(Form):
    skills = forms.CharField(label=gettext_lazy("Skills"), max_length=200, required=False)
    limits = forms.CharField(label=gettext_lazy("Limits and accommodations needed"),
                             max_length=200, required=False)
    wanted = forms.CharField(label=gettext_lazy("Work wanted"), max_length=200, required=False)


@requires(Capability.EDIT_PEOPLE)
def job_seeker(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(scoping.people_for(request.user), pk=person_id)
    existing = getattr(person, "job_seeker", None)
    form = JobSeekerForm(request.POST or None, initial={
        "skills": existing.skills, "limits": existing.limits, "wanted": existing.wanted}
        if existing else None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            actions.register_job_seeker(request.user, person, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "employment/placement_form.html", {
        "form": form, "person": person, "title": _("Job seeker registration")})


@requires(Capability.VIEW_PEOPLE)
def job_seekers(request: AuthedRequest) -> HttpResponse:
    rows = (JobSeeker.objects.filter(person__in=scoping.people_for(request.user), active=True)
            .select_related("person__village__parent").order_by("-registered_on")[:500])
    return render(request, "employment/job_seekers.html", {"rows": rows})


class CourseForm(Form):
    name = forms.CharField(label=gettext_lazy("Course"), max_length=120)
    provider = forms.CharField(label=gettext_lazy("Provider"), max_length=120)
    township: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Township/street"), queryset=None)
    start = forms.DateField(label=gettext_lazy("Start"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("End"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.IntegerField(label=gettext_lazy("Hours"), min_value=1, max_value=2000)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (region.townships() if region.level != "township"
                                            else type(region).objects.filter(code=region.code))


@requires(Capability.EDIT_PEOPLE)
def course_new(request: AuthedRequest) -> HttpResponse:
    if scoping.region_of(request.user).level == "village":
        raise PermissionDenied("courses are run by townships and the federation")
    form = CourseForm(request.POST or None, region=request.user.region)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as refused:
            course = actions.create_course(request.user, **form.cleaned_data)
        if not refused:
            return redirect("employment:course", pk=course.pk)
    return render(request, "employment/placement_form.html", {
        "form": form, "person": None, "title": _("New course")})


@requires(Capability.VIEW_PEOPLE)
def course(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Course.objects.filter(
        scoping.region_range_q(request.user, "township__code")), pk=pk)
    error = ""
    if request.method == "POST":
        scoping.require(request.user, Capability.EDIT_PEOPLE)
        with refusal(ValueError) as refused:  # incl. a bad resident ID (ResidentIdError)
            if "resident_id" in request.POST:
                number = idnumber.validate(request.POST["resident_id"]).number
                person = scoping.people_for(request.user).filter(resident_id=number).first()
                if person is None:
                    raise ValidationError(_("No such person in your region."))
                actions.enrol(request.user, item, person)
            else:
                actions.record_attendance(
                    request.user, int(request.POST.get("enrolment", 0)),
                    attended_hours=int(request.POST.get("attended_hours") or 0),
                    completed=request.POST.get("completed") == "on")
        if not refused:
            return redirect("employment:course", pk=item.pk)
        error = "; ".join(refused.messages)
    enrolments = item.enrolments.filter(person__in=scoping.people_for(request.user)
                                        ).select_related("person")
    return render(request, "employment/course.html", {
        "course": item, "enrolments": enrolments, "error": error,
        "can_edit": request.user.can(Capability.EDIT_PEOPLE)})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def placement_end(request: AuthedRequest, pk: int) -> HttpResponse:
    get_object_or_404(Placement.objects.filter(person__in=scoping.people_for(request.user)),
                      pk=pk)
    with refusal(ValueError) as refused:
        placement = actions.end_placement(request.user, pk, dt.date.fromisoformat(
            request.POST.get("end", "")))
    if refused:
        messages.error(request, "; ".join(refused.messages))
        return redirect("employment:index")
    return redirect("people:detail", pk=placement.person_id)
