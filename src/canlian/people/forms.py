"""The person form: field-level validation with messages shown beside each field."""

from __future__ import annotations

from html import escape
from typing import Any, cast

from django import forms
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form
from canlian.regions.models import Region

from . import ethnicity, idnumber
from .actions import PersonData
from .models import HouseholdType, Person


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        township = obj.parent.name if obj.parent else ""
        return f"{township} / {obj.name}"


class PersonForm(Form):
    resident_id = forms.CharField(
        label=_("Resident ID number"), max_length=20,
        help_text=_("18 characters; birth date and sex are read from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    name = forms.CharField(label=_("Name"), max_length=50)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ethnicity.CHOICES, initial="01")
    phone = forms.RegexField(
        label=_("Phone"), regex=r"^[0-9+\- ]{5,20}$", required=False,
        error_messages={"invalid": _("Enter digits only, e.g. 13812345678.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    village = VillageChoiceField(label=_("Village/community"), queryset=Region.objects.none())
    household_number = forms.CharField(label=_("Household number"), max_length=32, required=False)
    household_type = forms.ChoiceField(
        label=_("Household type"), choices=HouseholdType.choices, initial=HouseholdType.ORDINARY
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=50, required=False)
    guardian_resident_id = forms.CharField(
        label=_("Guardian's resident ID"), max_length=20, required=False
    )
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)
    guardian_relation = forms.CharField(
        label=_("Relation of guardian"), max_length=20, required=False
    )
    death_date = forms.DateField(
        label=_("Date of death"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when the person has died."),
    )

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["village"]).queryset = villages.select_related("parent")

    @staticmethod
    def _id(value: str, *, required: bool = True) -> str:
        if not value and not required:
            return ""
        try:
            return idnumber.validate(value).number
        except idnumber.ResidentIdError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean_resident_id(self) -> str:
        return self._id(self.cleaned_data["resident_id"])

    def clean_guardian_resident_id(self) -> str:
        return self._id(self.cleaned_data.get("guardian_resident_id", ""), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("guardian_resident_id") and not data.get("guardian_name"):
            self.add_error("guardian_name", _("Enter the guardian's name."))
        if data.get("guardian_name") and not data.get("guardian_resident_id"):
            self.add_error("guardian_resident_id", _("Enter the guardian's resident ID."))
        rid, death = data.get("resident_id"), data.get("death_date")
        if death and death > clock.today():
            self.add_error("death_date", _("The date of death cannot be in the future."))
        elif rid and death:
            birth = idnumber.validate(rid).birth_date
            if death < birth:
                self.add_error("death_date", _("The date of death is before the date of birth."))
        return data

    def to_data(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            resident_id=d["resident_id"], name=d["name"], village=d["village"],
            ethnicity=d["ethnicity"], phone=d.get("phone", ""), address=d.get("address", ""),
            household_number=d.get("household_number", ""),
            household_type=d.get("household_type") or HouseholdType.ORDINARY,
            guardian_name=d.get("guardian_name", ""),
            guardian_resident_id=d.get("guardian_resident_id", ""),
            guardian_phone=d.get("guardian_phone", ""),
            guardian_relation=d.get("guardian_relation", ""),
            death_date=d.get("death_date"),
        )

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "resident_id": person.resident_id, "name": person.name,
            "ethnicity": person.ethnicity, "phone": person.phone, "address": person.address,
            "village": person.village_id,
            "household_number": person.household.number if person.household else "",
            "household_type": person.household.household_type if person.household
            else HouseholdType.ORDINARY,
            "guardian_name": person.guardian_name,
            "guardian_resident_id": person.guardian_resident_id,
            "guardian_phone": person.guardian_phone,
            "guardian_relation": person.guardian_relation,
            "death_date": person.death_date,
        }


class PersonFilterForm(Form):
    """Search and filters of the staff person list."""

    q = forms.CharField(
        label=_("Search"), required=False,
        help_text=_("Name, resident ID or certificate number"),
    )
    township = forms.ModelChoiceField(
        label=_("Township/street"), queryset=Region.objects.none(), required=False
    )
    village = VillageChoiceField(
        label=_("Village/community"), queryset=Region.objects.none(), required=False
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None,
        choices=[("", "—"), *[(k, v) for k, v in Person._meta.get_field("category").choices]],  # type: ignore[union-attr]
    )
    grade = forms.TypedChoiceField(
        label=_("Grade"), coerce=int, required=False, empty_value=None,
        choices=[("", "—"), *[(k, v) for k, v in Person._meta.get_field("grade").choices]],  # type: ignore[union-attr]
    )
    household_type = forms.ChoiceField(
        label=_("Household type"), required=False, choices=[("", "—"), *HouseholdType.choices]
    )
    status = forms.ChoiceField(
        label=_("Life status"), required=False,
        choices=[("", "—"), ("alive", _("Alive")), ("deceased", _("Deceased"))],
    )

    def __init__(self, *args: Any, scope: Region | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scope is not None:
            descendants = scope.descendants() if scope.level != "village" else Region.objects.none()
            cast(forms.ModelChoiceField, self.fields["township"]).queryset = descendants.filter(
                level="township")
            cast(forms.ModelChoiceField, self.fields["village"]).queryset = descendants.filter(
                level="village").select_related(
                "parent"
            )
            for name in ("township", "village"):
                self._cached_choices(scope, name)

    def _cached_choices(self, scope: Region, name: str) -> None:
        """The region options of the busiest page, read once per scope and five minutes
        (regions change only when a deployment's region file is loaded); a submitted
        value is still validated against the queryset."""
        field = self.fields[name]
        key = f"person-filter:{scope.code}:{name}"
        options = cache.get(key)
        if options is None:
            options = [(r.pk, field.label_from_instance(r)) for r in field.queryset]  # type: ignore[attr-defined]
            cache.set(key, options, 300)
        field.choices = [("", field.empty_label), *options]  # type: ignore[attr-defined]


def fast_fields(form: forms.Form) -> SafeString:
    """The filter form's fields as HTML, built directly.

    The person list is the busiest page; Django's widget templates cost ~2.5 ms a field
    there, so its seven small fields (text inputs and selects) are written here with the
    same markup as ``includes/field.html`` (label, help text tied by aria-describedby),
    every value escaped with the standard library's ``html.escape``.
    """
    parts = []
    for bound in form:
        widget_id = bound.auto_id
        value = bound.value()
        help_id = f"{widget_id}_helptext"
        described = f' aria-describedby="{help_id}"' if bound.help_text else ""
        if isinstance(bound.field.widget, forms.Select):
            current = "" if value is None else str(value)
            options = "".join(
                f'<option value="{escape(str(k))}"{" selected" if str(k) == current else ""}>'
                f"{escape(str(label))}</option>" for k, label in bound.field.choices)  # type: ignore[attr-defined]
            control = (f'<select name="{bound.html_name}" id="{widget_id}"{described}>'
                       f"{options}</select>")
        else:
            control = (f'<input type="text" name="{bound.html_name}" id="{widget_id}" '
                       f'value="{escape(str(value or ""))}"{described}>')
        help_html = (f'<p class="help" id="{help_id}">{escape(str(bound.help_text))}</p>'
                     if bound.help_text else "")
        parts.append(f'<div class="field"><label for="{widget_id}">{escape(str(bound.label))}'
                     f"</label>{control}{help_html}</div>")
    return mark_safe("\n".join(parts))  # noqa: S308 (every value above is escaped)
