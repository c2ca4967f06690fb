"""Forms of the community pages: they parse and label input; the rules live in actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form

from . import queries
from .models import (
    ASSISTIVE_DEVICE_CHOICES,
    AVAILABILITY_CHOICES,
    CHECKIN_CHOICES,
    HELP_CHOICES,
    MOBILITY_CHOICES,
    PLACE_KIND_CHOICES,
    POWERED_DEVICE_CHOICES,
    RESULT_CHOICES,
    SEVERITY_CHOICES,
    SITUATION_CHOICES,
    SKILL_CHOICES,
    EmergencyKind,
    OrganisationKind,
    ServiceLog,
    ServiceRequest,
    Visit,
    WatchEvent,
)

DATE = {"type": "date"}


def _date(label: Any, required: bool = True, initial: Any = None) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=initial,
                           widget=forms.DateInput(attrs=DATE))


def _today() -> dt.date:
    return clock.today()


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{parent} / {obj.name}" if parent else obj.name


class OrganisationForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    credit_code = forms.CharField(label=_("Unified social credit code (optional)"), max_length=18,
                                  required=False)
    village = VillageChoice(label=_("Village/community"), queryset=None)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    services = forms.CharField(label=_("Services offered"), max_length=200, required=False)
    registered_on = _date(_("Registered on"), initial=_today)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = queries.villages_for(user)


class VolunteerForm(Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    resident_id = forms.CharField(label=_("Resident ID number (for real-name registration)"),
                                  max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    village = VillageChoice(label=_("Village/community where the volunteer serves"), queryset=None)
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organisation (optional)"), queryset=None,
                                          required=False)
    skills = forms.MultipleChoiceField(label=_("Skills"), choices=SKILL_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)
    availability = forms.MultipleChoiceField(label=_("Available"), choices=AVAILABILITY_CHOICES,
                                             widget=forms.CheckboxSelectMultiple, required=False)
    registered_on = _date(_("Registered on"), initial=_today)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = queries.villages_for(user)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = (
            queries.organisations_for(user).filter(active=True))

    @staticmethod
    def initial_for(volunteer: Any) -> dict[str, Any]:
        return {"name": volunteer.name, "resident_id": volunteer.resident_id,
                "phone": volunteer.phone, "village": volunteer.village_id,
                "organisation": volunteer.organisation_id, "skills": volunteer.skills,
                "availability": volunteer.availability, "registered_on": volunteer.registered_on,
                "active": volunteer.active, "note": volunteer.note}


class RequestForm(Form):
    source = forms.ChoiceField(label=_("Requested by"), choices=ServiceRequest.SOURCES)
    skill = forms.ChoiceField(label=_("Help needed"), choices=SKILL_CHOICES)
    slot = forms.ChoiceField(label=_("Preferred time"), required=False,
                             choices=[("", _("Any time")), *AVAILABILITY_CHOICES])
    description = forms.CharField(label=_("Description"), max_length=300,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    wanted_on = _date(_("Wanted on (optional)"), required=False)


class LogForm(Form):
    served_on = _date(_("Served on"), initial=_today)
    hours = forms.DecimalField(label=_("Hours served"), min_value=Decimal("0.5"), max_digits=4,
                               decimal_places=1, help_text=_("In steps of half an hour."))
    description = forms.CharField(label=_("What was done"), max_length=300,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(Form):
    kind = forms.ChoiceField(label=_("Confirmed by"), choices=ServiceLog.CONFIRMERS)
    accept = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Confirm the hours")),
                                             ("no", _("Do not confirm"))])
    note = forms.CharField(label=_("Note (how the person confirmed, or why not)"), max_length=200,
                           required=False)


class ProfileForm(Form):
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    mobility = forms.ChoiceField(label=_("Mobility"), choices=MOBILITY_CHOICES)
    assistive_devices = forms.MultipleChoiceField(
        label=_("Assistive devices used"), choices=ASSISTIVE_DEVICE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple)
    powered_devices = forms.MultipleChoiceField(
        label=_("Medical devices needing power"), choices=POWERED_DEVICE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitForm(Form):
    visited_on = _date(_("Visited on"), initial=_today)
    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.KINDS)
    findings = forms.CharField(label=_("What the visit found"), widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(label=_("Follow-up action (optional)"), max_length=300,
                                required=False)
    follow_up_due = _date(_("Follow-up due (optional)"), required=False)


class FollowUpForm(Form):
    on = _date(_("Done on"), initial=_today)
    note = forms.CharField(label=_("What was done"), max_length=300)


class RosterEntryForm(Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact's phone"), max_length=20)
    contact_relation = forms.CharField(label=_("Contact's relation (e.g. neighbour, village cadre)"),
                                       max_length=30, required=False)
    paired_volunteer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Paired volunteer (optional)"),
                                              queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["paired_volunteer"]).queryset = (
            queries.volunteers_for(user).filter(active=True))


class EmergencyForm(Form):
    name = forms.CharField(label=_("Name (e.g. Typhoon No. 5 response)"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=EmergencyKind.choices)
    region = forms.ChoiceField(label=_("Area"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = user.region
        choices = [(region.code, region.name)] if region else []
        if region is not None and region.level != "village":
            below = region.townships() if region.level not in ("township",) else region.villages()
            choices += [(r.code, f"— {r.name}") for r in below]
        cast(forms.ChoiceField, self.fields["region"]).choices = choices


class CheckInForm(Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    state = forms.ChoiceField(label=_("Result"), choices=CHECKIN_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class EventForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WatchEvent.KINDS)
    occurred_on = _date(_("Date"), initial=_today)
    amount = forms.DecimalField(label=_("Amount (yuan), for medical costs"), min_value=0,
                                max_digits=10, decimal_places=2, initial=Decimal(0))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReviewForm(Form):
    situation = forms.ChoiceField(label=_("Situation"), choices=SITUATION_CHOICES)
    help_kinds = forms.MultipleChoiceField(label=_("Help given"), choices=HELP_CHOICES,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    help_amount = forms.DecimalField(label=_("Amount of help (yuan)"), min_value=0, max_digits=10,
                                     decimal_places=2, initial=Decimal(0))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PlaceForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PLACE_KIND_CHOICES)
    village = VillageChoice(label=_("Village/community"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    manager = forms.CharField(label=_("Managing unit"), max_length=120)
    manager_phone = forms.CharField(label=_("Managing unit's phone"), max_length=20,
                                    required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = queries.villages_for(user)


class InspectionForm(Form):
    """The checklist of one place kind: a result, a severity and a note per item."""

    inspected_on = _date(_("Inspected on"), initial=_today)
    note = forms.CharField(label=_("Overall note"), max_length=300, required=False)

    def __init__(self, *args: Any, items: Any, english: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = []
        for item in items:
            text = item.en if english else item.zh
            self.fields[f"result_{item.code}"] = forms.ChoiceField(
                label=_("Result"), choices=RESULT_CHOICES, widget=forms.RadioSelect)
            self.fields[f"severity_{item.code}"] = forms.ChoiceField(
                label=_("Severity if it fails"), choices=SEVERITY_CHOICES, initial=item.severity)
            self.fields[f"description_{item.code}"] = forms.CharField(
                label=_("Problem found"), max_length=300, required=False)
            self.items.append((item, text))

    def item_groups(self) -> list[tuple[str, list]]:
        return [(text, [self[f"result_{i.code}"], self[f"severity_{i.code}"],
                        self[f"description_{i.code}"]]) for i, text in self.items]

    def split(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        d = self.cleaned_data
        codes = [i.code for i, _text in self.items]
        return ({c: d[f"result_{c}"] for c in codes}, {c: d[f"severity_{c}"] for c in codes},
                {c: d[f"description_{c}"] for c in codes})


class ProblemStepForm(Form):
    on = _date(_("Date"), required=False)
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
