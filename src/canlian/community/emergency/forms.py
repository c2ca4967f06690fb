"""Forms of emergency protection (应急保护): they parse and label input; the rules live in ``actions``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core.forms import Form

from ..models import (
    ASSISTIVE_DEVICE_CHOICES,
    CHECKIN_CHOICES,
    MOBILITY_CHOICES,
    POWERED_DEVICE_CHOICES,
    EmergencyKind,
)
from ..volunteers import queries as volunteers_queries


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
            volunteers_queries.volunteers_for(user).filter(active=True))


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


class CloseEmergencyForm(Form):
    """Ending a response while people on its board were never contacted: a confirmation and
    a reason (both checked again in ``actions.close_emergency``)."""

    confirm = forms.BooleanField(label=_("I confirm that the response ends although these people "
                                         "were never contacted"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: the alert was lifted and the village "
                                         "committee will visit them tomorrow."))


class CheckInForm(Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    state = forms.ChoiceField(label=_("Result"), choices=CHECKIN_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
