"""Forms of the programme pages: a decision with its note, a draft rule file to simulate,
an institution bill line, a roster confirmation file."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core.forms import Form
from canlian.services.models import Institution


class DecisionForm(Form):
    MOVES = [("review", _("Reviewed: pass to approval")), ("approve", _("Approve")),
             ("refuse", _("Refuse"))]
    move = forms.ChoiceField(label=_("Decision"), choices=MOVES)
    note = forms.CharField(label=_("Note or reason"), max_length=300, required=False)


class SimulationForm(Form):
    draft = forms.CharField(label=_("Draft rule file (YAML)"), widget=forms.Textarea(
        # the rule file is written in YAML with English keys: its own language (WCAG 3.1.2)
        attrs={"rows": 18, "spellcheck": "false", "lang": "en"}), max_length=200_000)
    on = forms.DateField(label=_("Simulate on"))


class BillForm(Form):
    month = forms.DateField(label=_("Month billed (any day of it)"))
    claimed = forms.DecimalField(label=_("Amount billed (yuan)"), max_digits=10,
                                 decimal_places=2)


class ConfirmationForm(Form):
    file = forms.FileField(label=_("Confirmation file (.xlsx: 身份证号, 结果, 说明)"))


class ClaimForm(Form):
    """An accident reported by the insured person or the family, filed by staff with the
    insurer's papers (意外伤害保险报案)."""

    resident_id = forms.CharField(label=_("Resident ID of the insured person"), max_length=18,
                                  min_length=15)
    kind = forms.ChoiceField(label=_("Kind of loss"), choices=[
        ("medical", _("Accident medical costs")), ("disability", _("Disability")),
        ("death", _("Death"))])
    accident_on = forms.DateField(label=_("Day of the accident"))
    claimed = forms.DecimalField(label=_("Amount claimed (yuan)"), max_digits=12,
                                 decimal_places=2)
    note = forms.CharField(label=_("Note (hospital, papers received)"), max_length=300,
                           required=False)


class RecordDecisionForm(Form):
    """Approve or refuse a claim or a reward; a refusal needs its reason."""

    MOVES = [("approve", _("Approve")), ("refuse", _("Refuse"))]
    move = forms.ChoiceField(label=_("Decision"), choices=MOVES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note or reason"), max_length=300, required=False)


class PaidForm(Form):
    paid_on = forms.DateField(label=_("Paid on"))


class PostRewardsForm(Form):
    year = forms.IntegerField(label=_("Year of the quota declarations"), min_value=2000,
                              max_value=2100)


class SupportForm(Form):
    """An institution's yearly support application with its disabled workers."""

    support = forms.ChoiceField(label=_("Support"))
    institution = forms.ModelChoiceField(label=_("Institution"),
                                         queryset=Institution.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    workers = forms.CharField(label=_("Disabled workers employed (one resident ID a line)"),
                              widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                              max_length=20_000)

    def __init__(self, *args: Any, supports: list[tuple[str, str]], institutions: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["support"]).choices = supports
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions
