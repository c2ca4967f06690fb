"""Culture and sports pages for staff: events (with attendance by tick list, sign-in sheet
or e-certificate scan), teams with their athletes' records, household deliveries."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core.forms import Form, person_from_form
from canlian.core.web import AuthedRequest, form_errors, refusal, requires
from canlian.regions.models import Region

from . import actions, rules
from .models import Attendance

DATE = forms.DateInput(attrs={"type": "date"})


def _townships(user: Any):
    region = user.region
    if region.level == "township":
        return Region.objects.filter(code=region.code)
    if region.level == "village":
        return Region.objects.filter(code=region.parent_id)
    return region.townships()


class EventForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=list(rules.EVENT_KINDS.items()))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=120)
    organiser = forms.CharField(label=gettext_lazy("Organiser"), max_length=100)
    township: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Township/street"), queryset=None)
    sign_language = forms.BooleanField(label=gettext_lazy("Sign language"), required=False)
    captions = forms.BooleanField(label=gettext_lazy("Captions"), required=False)
    braille = forms.BooleanField(label=gettext_lazy("Braille"), required=False)
    accessible_seating = forms.BooleanField(label=gettext_lazy("Accessible seating"),
                                            required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["township"]).queryset = _townships(user)


class TeamForm(Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=list(rules.TEAM_KINDS.items()))
    township: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Township/street"), queryset=None)
    coach = forms.CharField(label=gettext_lazy("Coach / leader"), max_length=50, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["township"]).queryset = _townships(user)


class ScanForm(Form):
    scan = forms.CharField(label=gettext_lazy("Scan the e-certificate's QR code"),
                           max_length=300, widget=forms.TextInput(attrs={"autofocus": True,
                                                                         "autocomplete": "off"}))


class SheetForm(Form):
    file = forms.FileField(label=gettext_lazy("Sign-in sheet (.xlsx, columns 身份证号 and 姓名)"))


class MemberForm(Form):
    resident_id = forms.CharField(label=gettext_lazy("Resident ID"), max_length=20)
    role = forms.CharField(label=gettext_lazy("Role or sport"), max_length=50, required=False)


class AthleteForm(Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=gettext_lazy("Training or competition"),
                             choices=list(rules.ATHLETE_RECORDS.items()))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    result = forms.CharField(label=gettext_lazy("Result"), max_length=100, required=False)


class DeliveryForm(Form):
    resident_id = forms.CharField(label=gettext_lazy("Resident ID of the disabled person"),
                                  max_length=20)
    item = forms.ChoiceField(label=gettext_lazy("Item"), choices=list(rules.DELIVERY_ITEMS.items()))
    delivered_on = forms.DateField(label=gettext_lazy("Delivered on"), widget=DATE)


@requires(Capability.VIEW_PEOPLE)
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = None
    if user.can(Capability.EDIT_PEOPLE):
        form = EventForm(request.POST or None, user=user, initial={"on": clock.today()})
        if request.method == "POST" and form.is_valid():
            with form_errors(form) as refused:
                event = actions.create_event(user, **form.cleaned_data)
            if not refused:
                messages.success(request, _("Saved."))
                return redirect("culture:event", pk=event.pk)
    events = (actions.events_for(user).select_related("township")
              .annotate(n=Count("attendance"))[:200])
    return render(request, "culture/index.html", {
        "events": events, "form": form,
        "teams": actions.teams_for(user).annotate(n=Count("members")).select_related("township"),
    }, status=400 if form is not None and form.errors else 200)


def _event_page(request: AuthedRequest, event: Any, bound: dict[str, Any], status: int = 200,
                sheet_result: Any = None) -> HttpResponse:
    village = request.GET.get("village") or request.POST.get("village") or ""
    villages = Region.objects.filter(parent=event.township).order_by("code")
    present = set(event.attendance.values_list("person_id", flat=True))
    candidates = []
    if village and scoping.in_scope(request.user, village):
        candidates = list(scoping.people_for(request.user).filter(
            village_id=village, life_status="alive").order_by("name")[:500])
    return render(request, "culture/event.html", {
        "event": event, "villages": villages, "village": village, "candidates": candidates,
        "present": present, "editing": request.user.can(Capability.EDIT_PEOPLE),
        "attendance": event.attendance.select_related("person__village").order_by("-at")[:500],
        "scan_form": bound.get("scan") or ScanForm(),
        "sheet_form": bound.get("sheet") or SheetForm(), "sheet_result": sheet_result,
        "hows": dict(cast(Any, Attendance._meta.get_field("how")).choices),
    }, status=status)


@requires(Capability.VIEW_PEOPLE)
def event(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(actions.events_for(request.user).select_related("township"),
                               pk=pk)
    return _event_page(request, record, {})


@requires(Capability.EDIT_PEOPLE)
@require_POST
def attend(request: AuthedRequest, pk: int, how: str) -> HttpResponse:
    record = get_object_or_404(actions.events_for(request.user).select_related("township"),
                               pk=pk)
    user = request.user
    if how == "list":
        with refusal(ValueError) as refused:
            ids = [int(x) for x in request.POST.getlist("person")]
            added = actions.attend(user, record.pk, ids, "list")
        if refused:
            messages.error(request, "；".join(refused.messages))
            return _event_page(request, record, {}, status=400)
        messages.success(request, _("%(n)s attendees recorded.") % {"n": added})
        village = request.POST.get("village", "")
        return redirect(f"{reverse('culture:event', args=[pk])}?village={village}")
    if how == "scan":
        form: forms.Form = ScanForm(request.POST)
        if form.is_valid():
            with form_errors(form) as refused:
                person = actions.attend_by_scan(user, record.pk, form.cleaned_data["scan"])
            if not refused:
                messages.success(request, _("%(name)s recorded.") % {"name": person.name})
                return redirect("culture:event", pk=pk)
        return _event_page(request, record, {"scan": form}, status=400)
    if how == "sheet":
        form = SheetForm(request.POST, request.FILES)
        if form.is_valid():
            with form_errors(form) as refused:
                result = actions.attend_by_sheet(user, record.pk, form.cleaned_data["file"])
            if not refused:
                return _event_page(request, record, {}, sheet_result=result)
        return _event_page(request, record, {"sheet": form}, status=400)
    raise Http404(how)


@requires(Capability.VIEW_PEOPLE)
def teams(request: AuthedRequest) -> HttpResponse:
    form = None
    if request.user.can(Capability.EDIT_PEOPLE):
        form = TeamForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            with form_errors(form) as refused:
                team = actions.create_team(request.user, **form.cleaned_data)
            if not refused:
                return redirect("culture:team", pk=team.pk)
    return render(request, "culture/teams.html", {
        "teams": actions.teams_for(request.user).annotate(n=Count("members"))
        .select_related("township"), "form": form, "kinds": rules.TEAM_KINDS},
        status=400 if form is not None and form.errors else 200)


@requires(Capability.VIEW_PEOPLE)
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(actions.teams_for(request.user).select_related("township"), pk=pk)
    editing = request.user.can(Capability.EDIT_PEOPLE)
    form = MemberForm(request.POST or None) if editing else None
    status = 200
    if request.method == "POST":
        if not editing:
            scoping.require(request.user, Capability.EDIT_PEOPLE)
        if "member" in request.POST:
            athlete = AthleteForm(request.POST, prefix=None)
            if athlete.is_valid():
                d = athlete.cleaned_data
                with refusal() as refused:
                    actions.log_athlete(request.user, d.pop("member"), **d)
                if not refused:
                    return redirect("culture:team", pk=pk)
                messages.error(request, "；".join(refused.messages))
                status = 400
            else:
                status = 400
            form = MemberForm()
        elif form is not None and form.is_valid():
            person = person_from_form(request.user, form)
            if person is not None:
                with form_errors(form) as refused:
                    actions.add_member(request.user, record.pk, person,
                                       role=form.cleaned_data["role"])
                if not refused:
                    return redirect("culture:team", pk=pk)
            status = 400
        else:
            status = 400
    members = record.members.select_related("person").prefetch_related("records")
    return render(request, "culture/team.html", {
        "team": record, "members": members, "form": form, "editing": editing,
        "kinds": rules.ATHLETE_RECORDS, "team_kinds": rules.TEAM_KINDS,
        "today": clock.today()}, status=status)


@requires(Capability.VIEW_PEOPLE)
def deliveries(request: AuthedRequest) -> HttpResponse:
    form = None
    if request.user.can(Capability.EDIT_PEOPLE):
        form = DeliveryForm(request.POST or None, initial={"delivered_on": clock.today()})
        if request.method == "POST" and form.is_valid():
            person = person_from_form(request.user, form)
            if person is not None:
                with form_errors(form) as refused:
                    actions.deliver(request.user, person, item=form.cleaned_data["item"],
                                    delivered_on=form.cleaned_data["delivered_on"])
                if not refused:
                    messages.success(request, _("Saved."))
                    return redirect("culture:deliveries")
    rows = actions.deliveries_for(request.user).select_related("person", "village__parent")[:500]
    totals = dict(actions.deliveries_for(request.user).values_list("item").annotate(
        n=Count("id")).order_by())
    return render(request, "culture/deliveries.html", {
        "rows": rows, "form": form, "items": rules.DELIVERY_ITEMS,
        "totals": [(label, totals.get(k, 0)) for k, label in rules.DELIVERY_ITEMS.items()]},
        status=400 if form is not None and form.errors else 200)
