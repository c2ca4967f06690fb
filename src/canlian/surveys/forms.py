"""The survey form: one page, grouped in fieldsets, usable on a phone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core.forms import ModelForm

from .models import DEVICE_TYPE_CHOICES, REHAB_TYPE_CHOICES, AnnualSurvey

FIELD_GROUPS = [
    (_("Social security"), ["surveyed_on", "pension_insured", "medical_insured",
                            "receives_living_subsidy", "receives_nursing_subsidy",
                            "household_income_per_capita"]),
    (_("Employment"), ["employment_status", "employment_form", "not_working_reason",
                       "able_to_work", "confirm_unusual"]),
    (_("Education"), ["education_status", "not_enrolled_reason", "finished_compulsory",
                      "highest_level"]),
    (_("Needs"), ["rehab_need", "rehab_types", "device_need", "device_types", "care_need",
                  "home_accessibility_need", "culture_sports"]),
]


class SurveyForm(ModelForm):
    rehab_types = forms.MultipleChoiceField(label=_("Rehabilitation types"), required=False,
                                            choices=REHAB_TYPE_CHOICES,
                                            widget=forms.CheckboxSelectMultiple)
    device_types = forms.MultipleChoiceField(label=_("Device types"), required=False,
                                             choices=DEVICE_TYPE_CHOICES,
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AnnualSurvey
        fields = [name for _, names in FIELD_GROUPS for name in names]
        widgets = {"surveyed_on": forms.DateInput(attrs={"type": "date"})}

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in FIELD_GROUPS]
