"""Forms of volunteers (助残志愿者): they parse and label input; the rules live in ``actions``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form

from .. import shared
from ..forms import VillageChoice, date_field
from ..models import (
    AVAILABILITY_CHOICES,
    SKILL_CHOICES,
    OrganisationKind,
    ServiceLog,
    ServiceRequest,
)
from . import queries


class OrganisationForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    credit_code = forms.CharField(label=_("Unified social credit code (optional)"), max_length=18,
                                  required=False)
    village = VillageChoice(label=_("Village/community"), queryset=None)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    services = forms.CharField(label=_("Services offered"), max_length=200, required=False)
    registered_on = date_field(_("Registered on"), initial=clock.today)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = shared.villages_for(user)


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
    registered_on = date_field(_("Registered on"), initial=clock.today)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = shared.villages_for(user)
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
    wanted_on = date_field(_("Wanted on (optional)"), required=False)


class LogForm(Form):
    served_on = date_field(_("Served on"), initial=clock.today)
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
