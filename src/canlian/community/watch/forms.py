"""Forms of poverty-return watch (防止返贫动态监测): they parse and label input;
the rules live in ``actions``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form

from ..forms import date_field
from ..models import (
    HELP_CHOICES,
    SITUATION_CHOICES,
    WatchEvent,
)


class EventForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WatchEvent.KINDS)
    occurred_on = date_field(_("Date"), initial=clock.today)
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
