"""Forms of the subsidy pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form

from .models import Subsidy
from .rulesets import ALLOWANCE_TYPES


class BankAccountField(forms.CharField):
    """A bank account number as people write it: groups of digits separated by spaces or
    hyphens (as printed on the card) are accepted and stored as the digits alone."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return re.sub(r"[\s\-]", "", super().to_python(value) or "")

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not re.fullmatch(r"\d{12,30}", value):
            raise ValidationError(self.error_messages.get("invalid") or
                                  _("Enter 12 to 30 digits."), code="invalid")


class ApplyForm(Form):
    subsidy = forms.ChoiceField(label=_("Subsidy"), choices=Subsidy.choices)
    needs_long_term_care = forms.BooleanField(
        label=_("Needs long-term care (the extra care lasts 6 months or more)"), required=False)
    care_months = forms.IntegerField(label=_("Months of care need"), required=False, min_value=0,
                                     max_value=1200)
    own_income = forms.DecimalField(label=_("Own monthly income (yuan)"), required=False,
                                    min_value=0, max_digits=10, decimal_places=2)
    hukou_in_region = forms.BooleanField(label=_("Hukou is in this region"), required=False,
                                         initial=True)
    work_injury_care_allowance = forms.BooleanField(
        label=_("Receives the work-injury care allowance"), required=False)
    orphan_basic_living = forms.BooleanField(label=_("Receives the orphans' basic living allowance"),
                                             required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_account = BankAccountField(label=_("Bank account"), required=False,
                                    error_messages={"invalid": _("Enter 12 to 30 digits.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """One amount field per welfare allowance taken 择高 against the subsidy, labelled
        with its name (staff used to type codes such as "elderly_living 200")."""
        super().__init__(*args, **kwargs)
        chinese = (get_language() or "").startswith("zh")
        fields = list(self.fields.items())
        at = [name for name, _field in fields].index("bank_name")
        extra = {f"allowance_{code}": forms.DecimalField(
            label=gettext("%(allowance)s (yuan a month)") % {"allowance": zh if chinese else en},
            required=False, min_value=0, max_digits=10, decimal_places=2)
            for code, (zh, en) in ALLOWANCE_TYPES.items()}
        self.fields = dict(fields[:at] + list(extra.items()) + fields[at:])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["other_allowances"] = {
            code: str(data[f"allowance_{code}"]) for code in ALLOWANCE_TYPES
            if data.get(f"allowance_{code}")}
        return data

    def declared(self) -> dict[str, Any]:
        d = self.cleaned_data
        # institutional care is not asked: it comes from the care placement record
        return {k: d.get(k) for k in ("needs_long_term_care", "care_months",
                                      "own_income", "hukou_in_region",
                                      "work_injury_care_allowance", "orphan_basic_living",
                                      "other_allowances")}


class DecisionForm(Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start_month = forms.DateField(label=_("Paid from (month)"), required=False,
                                  widget=forms.DateInput(attrs={"type": "month"}),
                                  input_formats=["%Y-%m", "%Y-%m-%d"])


class GrantChangeForm(Form):
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"], initial=clock.today)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    back_pay = forms.BooleanField(label=_("Pay the suspended months when lifted"), required=False)


class MonthForm(Form):
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])
