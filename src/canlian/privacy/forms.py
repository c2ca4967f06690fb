"""The portal's correction-request form (更正申请)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.portal.forms import PortalForm


class CorrectionForm(PortalForm):
    what = forms.CharField(label=_("What is wrong?"), max_length=100,
                           help_text=_("For example: my name, my ethnicity, my household's address."))
    correct_value = forms.CharField(label=_("What should it be?"), max_length=200)
    reason = forms.CharField(label=_("Anything staff should know (optional)"), max_length=500,
                             required=False, widget=forms.Textarea(attrs={"rows": 3}))
