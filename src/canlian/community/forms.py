"""Form fields the community sub-domains' forms share."""

from __future__ import annotations

from typing import Any

from django import forms

DATE = {"type": "date"}


def date_field(label: Any, required: bool = True, initial: Any = None) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=initial,
                           widget=forms.DateInput(attrs=DATE))


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{parent} / {obj.name}" if parent else obj.name
