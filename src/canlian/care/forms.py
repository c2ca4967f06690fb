"""Forms of the care pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from canlian.core import clock
from canlian.core.forms import Form
from canlian.regions.models import Region
from canlian.services.models import ServiceType

from .models import MODE_CHOICES, PAYER_CHOICES, RESULT_CHOICES, Designation

# ISO, whatever the language: an <input type="date"> shows nothing for "2026/12/02".
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=clock.today,
                           widget=DATE_INPUT)


class PersonField(forms.CharField):
    """A resident ID or certificate number, looked up by the view in the user's region."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Resident ID or certificate number"), max_length=20,
                         widget=forms.TextInput(attrs={"autocomplete": "off"}), **kwargs)


class PlacesForm(Form):
    mode = forms.ChoiceField(label=_("Care mode"), choices=MODE_CHOICES)
    places = forms.IntegerField(label=pgettext_lazy("care", "Places"), min_value=0, max_value=10000)


class PlacementForm(Form):
    person = PersonField()
    mode = forms.ChoiceField(label=_("Care mode"), choices=MODE_CHOICES, initial="day")
    start_date = _date(_("From"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    end_date = forms.DateField(label=_("Last day (respite and temporary care)"), required=False,
                               widget=DATE_INPUT)
    payer = forms.ChoiceField(label=_("Paid by"), choices=PAYER_CHOICES, initial="government")
    over_capacity_reason = forms.CharField(
        label=_("Reason for placing beyond the places (only if full)"), max_length=200,
        required=False)


class WaitingForm(Form):
    person = PersonField()
    mode = forms.ChoiceField(label=_("Care mode"), choices=MODE_CHOICES, initial="day")
    applied_on = _date(_("Applied on"))
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    carer_age = forms.IntegerField(label=_("Main carer's age"), min_value=0, max_value=120,
                                   required=False)
    carer_ill = forms.BooleanField(label=_("Main carer ill or disabled"), required=False)


class EndForm(Form):
    end_date = _date(_("Last day"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReinspectForm(Form):
    on = _date(_("Re-inspected on"))
    rectified = forms.BooleanField(label=_("Rectified"), required=False)
    note = forms.CharField(label=_("What the re-inspection found"), max_length=300)


class InspectionForm(Form):
    """The checklist: a result per item, and up to three problems with their deadlines."""

    inspected_on = _date(_("Inspected on"))
    note = forms.CharField(label=_("Overall note"), max_length=300, required=False)

    def __init__(self, *args: Any, items: Any, english: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"result_{item.code}"] = forms.ChoiceField(
                label=f"{item.en if english else item.zh}（{item.points}）",
                choices=RESULT_CHOICES, widget=forms.RadioSelect, initial="pass")
        for n in range(1, 4):
            self.fields[f"problem_{n}"] = forms.CharField(
                label=_("Problem %(n)d") % {"n": n}, max_length=300, required=False)
            self.fields[f"deadline_{n}"] = forms.DateField(
                label=_("Rectify by (default: 30 days)"), required=False,
                widget=DATE_INPUT)

    def results(self) -> dict[str, str]:
        return {i.code: self.cleaned_data[f"result_{i.code}"] for i in self.items}

    def problems(self) -> list[tuple[str, Any]]:
        d = self.cleaned_data
        return [(d[f"problem_{n}"], d[f"deadline_{n}"]) for n in range(1, 4) if d[f"problem_{n}"]]

    def item_fields(self) -> list:
        return [self[f"result_{i.code}"] for i in self.items]

    def problem_fields(self) -> list:
        return [(self[f"problem_{n}"], self[f"deadline_{n}"]) for n in range(1, 4)]


class DesignationForm(Form):
    """A designation agreement: period, services agreed, and a price a day per care mode."""

    service = forms.ChoiceField(label=_("Designated for"), choices=Designation.SERVICES,
                                initial="care")
    start_date = _date(_("From"))
    end_date = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    services = forms.CharField(label=_("Services agreed"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for mode, label in MODE_CHOICES:
            self.fields[f"price_{mode}"] = forms.DecimalField(
                label=_("%(mode)s: yuan a day") % {"mode": label}, required=False, min_value=0,
                max_digits=8, decimal_places=2)

    def prices(self) -> dict[str, Any]:
        return {mode: self.cleaned_data[f"price_{mode}"] for mode, _label in MODE_CHOICES
                if self.cleaned_data.get(f"price_{mode}") is not None}


class ExitForm(Form):
    on = _date(_("Exited on"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ContractForm(Form):
    service_type = forms.ModelChoiceField(label=_("Catalogue item"),
                                          queryset=ServiceType.objects.all())
    provider = forms.CharField(label=_("Provider"), max_length=120)
    region = forms.ModelChoiceField(label=_("Area served"), queryset=Region.objects.none())
    start_date = _date(_("From"))
    end_date = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, max_digits=12,
                                decimal_places=2)
    unit_price = forms.DecimalField(label=_("Unit price (yuan per service)"), min_value=0,
                                    max_digits=10, decimal_places=2)
    quantity = forms.IntegerField(label=_("Services contracted"), min_value=1)
    deliverables = forms.CharField(label=_("Deliverables"), max_length=300)


class DeliveryForm(Form):
    person = PersonField()
    on = _date(_("Date"))
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (if asked)"), required=False, coerce=int, empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]])
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)


class EvaluateForm(Form):
    note = forms.CharField(label=_("Evaluation note"), max_length=300, required=False)
