"""Forms of visits (走访探视): they parse and label input; the rules live in ``actions``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form

from ..forms import date_field
from ..models import (
    Visit,
)


class VisitForm(Form):
    visited_on = date_field(_("Visited on"), initial=clock.today)
    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.KINDS)
    findings = forms.CharField(label=_("What the visit found"), widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(label=_("Follow-up action (optional)"), max_length=300,
                                required=False)
    follow_up_due = date_field(_("Follow-up due (optional)"), required=False)


class FollowUpForm(Form):
    on = date_field(_("Done on"), initial=clock.today)
    note = forms.CharField(label=_("What was done"), max_length=300)
