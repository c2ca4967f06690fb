"""The base of every form in Canlian: free text is checked for control characters.

Every ``CharField`` (single line) and ``Textarea`` (multi-line) value that passed its own
validation is checked by ``core.text``; a refused value gets the reason beside its field.
``core/tests/test_text.py`` fails when a form in the code base does not derive from
``Form`` or ``ModelForm`` here, so a new form cannot forget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canlian.accounts import scoping
from canlian.people import idnumber

from . import text

if TYPE_CHECKING:
    from canlian.accounts.models import User
    from canlian.people.models import Person


class TextCheckMixin:
    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        for name, value in list(self.cleaned_data.items()):  # type: ignore[attr-defined]
            if not isinstance(value, str) or not value:
                continue
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is None or isinstance(field.widget, forms.PasswordInput):
                continue
            reason = text.check(value, multiline=isinstance(field.widget, forms.Textarea))
            if reason:
                self.add_error(name, reason)  # type: ignore[attr-defined]


class Form(TextCheckMixin, forms.Form):
    pass


class ModelForm(TextCheckMixin, forms.ModelForm):
    pass


class NoticeForm(Form):
    """The first day of a public notice (公示) a reviewer posts (``core.notice_rules``)."""

    starts_on = forms.DateField(label=gettext_lazy("Posted from"),
                                widget=forms.DateInput(attrs={"type": "date"}))


def add_errors(form: forms.BaseForm, exc: Exception) -> None:
    """Put a domain refusal (``ValidationError``) beside the field it names, else at the
    top of the form."""
    if hasattr(exc, "message_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, getattr(exc, "messages", [str(exc)]))


def person_from_form(user: User, form: forms.Form, field: str = "resident_id") -> Person | None:
    """The person in the user's region whose resident ID is in ``form``'s ``field``, or
    None with the reason put beside the field (bad ID, or nobody in the region)."""
    try:
        number = idnumber.validate(form.cleaned_data[field]).number
    except idnumber.ResidentIdError as exc:
        form.add_error(field, exc.message)
        return None
    person = scoping.people_for(user).filter(resident_id=number).first()
    if person is None:
        form.add_error(field, _("No person with this resident ID in your region."))
    return person
