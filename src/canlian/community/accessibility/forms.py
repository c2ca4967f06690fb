"""Forms of accessibility supervision (无障碍监督): they parse and label input; the rules live in
``actions``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form

from .. import shared
from ..forms import VillageChoice, date_field
from ..models import (
    PLACE_KIND_CHOICES,
    RESULT_CHOICES,
    SEVERITY_CHOICES,
)


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
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = shared.villages_for(user)


class InspectionForm(Form):
    """The checklist of one place kind: a result, a severity and a note per item."""

    inspected_on = date_field(_("Inspected on"), initial=clock.today)
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
    on = date_field(_("Date"), required=False)
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
