"""Forms of the service pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form, ModelForm

from .models import DeviceType, Institution, Licence, RenovationItem, ServiceType


class ServiceForm(Form):
    service_type = forms.ModelChoiceField(label=_("Service"), queryset=ServiceType.objects.all())
    start_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                                 initial=clock.today)
    end_date = forms.DateField(label=_("Until (optional)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    institution = forms.ModelChoiceField(label=_("Institution"), required=False,
                                         queryset=Institution.objects.all())
    provider = forms.CharField(label=_("Provider"), max_length=100, required=False)
    device = forms.ModelChoiceField(label=_("Device (for device fitting)"), required=False,
                                    queryset=DeviceType.objects.all())
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)
    cost = forms.DecimalField(label=_("Cost (yuan)"), min_value=0, initial=Decimal(0),
                              max_digits=10, decimal_places=2)
    subsidy = forms.DecimalField(label=_("Subsidy (yuan)"), min_value=0, initial=Decimal(0),
                                 max_digits=10, decimal_places=2)


class InstitutionForm(ModelForm):
    """Register or correct an institution; closing is its own dated step."""

    class Meta:
        model = Institution
        fields = ["name", "kind", "township", "capacity", "opened_on", "address", "operator",
                  "villages_served", "staff", "professional_staff", "accessibility",
                  "accessibility_note"]
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}),
                   "villages_served": forms.SelectMultiple(attrs={"size": 6})}
        # the model field has no verbose name: without this the label read "Township"
        labels = {"township": _("Township/street")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("staff", "professional_staff"):  # not known yet: none counted
            self.fields[name].required = False

    def clean_staff(self) -> int:
        return self.cleaned_data.get("staff") or 0

    def clean_professional_staff(self) -> int:
        return self.cleaned_data.get("professional_staff") or 0


class LicenceForm(ModelForm):
    """A licence of the institution or a qualification of one of its staff."""

    class Meta:
        model = Licence
        fields = ["kind", "name", "number", "holder", "issuer", "issued_on", "expires_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}),
                   "expires_on": forms.DateInput(attrs={"type": "date"})}


class CloseInstitutionForm(Form):
    closed_on = forms.DateField(label=_("Closed on"), initial=clock.today,
                                widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RenovationStepForm(Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                         initial=clock.today, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    contractor = forms.CharField(label=_("Contractor"), max_length=100, required=False)
    items = forms.CharField(
        label=_("Work items (one per line: item quantity cost)"), required=False,
        help_text=_("Items: ") + ", ".join(k for k, _ in RenovationItem.KINDS),
        widget=forms.Textarea(attrs={"rows": 3}))

    def clean_items(self) -> list[tuple[str, int, Decimal]]:
        result = []
        for n, line in enumerate(self.cleaned_data.get("items", "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            try:
                kind, quantity, cost = parts[0], int(parts[1]), Decimal(parts[2])
            except (IndexError, ValueError, ArithmeticError):
                raise forms.ValidationError(
                    _("Line %(n)d: write an item, a quantity and a cost, e.g. ramp 1 1200")
                    % {"n": n}) from None
            result.append((kind, quantity, cost))
        return result


class CaseForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("legal_aid", _("Legal aid")),
                                                       ("petition", _("Petition"))])
    subject = forms.CharField(label=_("Subject"), max_length=200)
    opened_on = forms.DateField(label=_("Opened on"), initial=clock.today,
                                widget=forms.DateInput(attrs={"type": "date"}))
