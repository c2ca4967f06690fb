"""Portal forms: few fields, plain labels, errors tied to their fields for screen readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from canlian.accounts import scoping
from canlian.benefits.forms import BankAccountField
from canlian.certificates.workflow import Kind
from canlian.core.forms import Form
from canlian.regions.models import Region
from canlian.services.models import DeviceType

from .models import Purpose


class PortalForm(Form):
    """After validation each field with an error points at its message (aria-describedby).

    ``field_layout`` tells the one field template (``includes/field.html``) to put help and
    error above the control, and radio choices as large labels, for citizens on phones."""

    field_layout = "portal"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            described = [f"id_{name}_error"]
            if self.fields[name].help_text:
                described.append(f"id_{name}_helptext")
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(described)


class ResidentIdForm(PortalForm):
    resident_id = forms.CharField(
        label=_("Resident ID number"), max_length=22,
        help_text=_("18 characters, as on your ID card. A guardian enters their own number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}))


class CodeForm(PortalForm):
    code = forms.CharField(
        label=_("Code from the text message"), max_length=8,
        help_text=_("6 digits. The code works for 5 minutes."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


CITIZEN_KINDS = [
    (Kind.NEW.value, _("A new certificate (first time)")),
    (Kind.RENEWAL.value, _("Renew my certificate (it has expired or will soon)")),
    (Kind.CHANGE.value, _("Change the category or grade (my condition has changed)")),
    (Kind.REISSUE.value, _("Replace a lost or damaged certificate")),
]


class CertificateForm(PortalForm):
    kind = forms.ChoiceField(label=_("What do you need?"), choices=CITIZEN_KINDS,
                             widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Anything we should know (optional)"), required=False,
                             max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class SubsidyForm(PortalForm):
    needs_long_term_care = forms.BooleanField(
        label=_("I need someone to look after me every day, for 6 months or more"), required=False)
    own_income = forms.DecimalField(
        label=_("My own income each month, in yuan (optional)"), required=False, min_value=0,
        max_digits=10, decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    hukou_in_region = forms.BooleanField(label=_("My hukou is registered in this district"),
                                         required=False, initial=True)
    bank_name = forms.CharField(label=_("Bank"), max_length=60,
                                help_text=_("The bank of the account the money is paid into."))
    bank_account = BankAccountField(
        label=_("Bank account number"),
        help_text=_("12 to 30 digits; spaces as on the card are fine."),
        error_messages={"invalid": _("Enter the account number as 12 to 30 digits.")})
    confirm = forms.BooleanField(
        label=_("What I have written is true. I will tell the federation if it changes."),
        error_messages={"required": _("Please confirm that the information is true.")})

    def declared(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"needs_long_term_care": d["needs_long_term_care"],
                "own_income": d.get("own_income"),
                "hukou_in_region": d["hukou_in_region"]}


PROGRAMMES = [("rehabilitation", _("Rehabilitation (therapy, training)")),
              ("device", _("An assistive device (wheelchair, hearing aid, white cane…)")),
              ("renovation", _("Making my home accessible (ramp, handrails, bathroom)"))]


class ServiceForm(PortalForm):
    programme = forms.ChoiceField(label=_("What do you need?"), choices=PROGRAMMES,
                                  widget=forms.RadioSelect)
    device = forms.ModelChoiceField(label=_("Which device? (for assistive devices)"),
                                    queryset=DeviceType.objects.all().order_by("name"),
                                    required=False, empty_label="—")
    note = forms.CharField(label=_("Tell us a little more (optional)"), required=False,
                           max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("programme") == "device" and not data.get("device"):
            self.add_error("device", _("Choose the device you need."))
        return data


class ContactForm(PortalForm):
    phone = forms.RegexField(
        label=_("Mobile phone"), regex=r"^1\d{10}$",
        help_text=_("11 digits, e.g. 13812345678. Sign-in codes are sent to this number."),
        error_messages={"invalid": _("Enter an 11-digit mobile number, e.g. 13812345678.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    address = forms.CharField(label=_("Home address"), max_length=200,
                              widget=forms.Textarea(attrs={"autocomplete": "street-address", "rows": 2}))

    def clean_address(self) -> str:
        # a multi-line field (WCAG 1.3.5: street-address belongs on a textarea), one line kept
        return " ".join(str(self.cleaned_data["address"]).split())


class UploadForm(PortalForm):
    purpose = forms.ChoiceField(label=_("Which document?"), choices=Purpose.choices)
    file = forms.FileField(label=_("File"),
                           help_text=_("A photo or scan: PDF, PNG or JPEG, up to 5 MB."),
                           widget=forms.ClearableFileInput(
                               attrs={"accept": "application/pdf,image/png,image/jpeg"}))


class DisplayForm(PortalForm):
    text = forms.ChoiceField(label=_("Text size"), widget=forms.RadioSelect, choices=[
        ("normal", _("Normal")), ("large", _("Large")), ("xlarge", _("Extra large"))])
    contrast = forms.ChoiceField(label=_("Colours"), widget=forms.RadioSelect, choices=[
        ("normal", _("Normal")), ("high", _("High contrast (yellow on black)"))])


RIGHTS_KINDS = [
    ("legal_aid", _("Legal help: I need a lawyer or legal advice (法律援助)")),
    ("complaint", _("My rights were not respected: report it (维权投诉)")),
    ("xinfang", _("A petition to the authorities (信访)")),
]


class RightsForm(PortalForm):
    """Asking for help with one's rights (求助维权), in plain steps."""

    kind = forms.ChoiceField(label=_("What kind of help do you need?"), choices=RIGHTS_KINDS,
                             widget=forms.RadioSelect)
    subject = forms.CharField(label=_("In a few words, what is it about?"), max_length=200,
                              help_text=_("For example: wages not paid, refused entry to school."))
    description = forms.CharField(
        label=_("What happened, and what would you like us to do?"), max_length=2000,
        help_text=_("At least 10 characters. Say when and where it happened."),
        widget=forms.Textarea(attrs={"rows": 5}))
    proxy_consent = forms.BooleanField(
        label=_("I agree that a federation worker may act for me on this matter (代办)."),
        required=False)


class SatisfactionForm(PortalForm):
    satisfaction = forms.ChoiceField(label=_("Are you satisfied with how this was handled?"),
                                     choices=[("satisfied", _("Satisfied")),
                                              ("basically", _("Basically satisfied")),
                                              ("dissatisfied", _("Dissatisfied"))],
                                     widget=forms.RadioSelect)


class RatingForm(PortalForm):
    """A rating of 1 to 5 with an optional comment (满意度评价), in two plain steps."""

    score = forms.TypedChoiceField(
        label=_("Step 1: how satisfied are you?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")), (3, _("3 — neither")),
                 (2, _("2 — dissatisfied")), (1, _("1 — very dissatisfied"))],
        error_messages={"required": _("Choose a rating from 1 to 5")})
    comment = forms.CharField(label=_("Step 2 (if you wish): what should we know?"),
                              required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ProgrammeForm(PortalForm):
    """Applying for a “1+X” programme: the designated institution where the programme is
    settled with one (e.g. 残疾儿童康复救助), and the applicant's confirmation."""

    institution = forms.TypedChoiceField(
        label=_("Where the service will be given"), coerce=int, required=False,
        widget=forms.RadioSelect,
        help_text=_("Only institutions designated for this programme are listed."))
    confirm = forms.BooleanField(
        label=_("What the federation holds about me is true. I will tell the federation if it "
                "changes."),
        error_messages={"required": _("Please confirm that the information is true.")})

    def __init__(self, *args: Any, institutions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institutions:
            self.fields["institution"].choices = [  # type: ignore[attr-defined]
                (i.pk, i.name) for i in institutions]
            self.fields["institution"].required = True
            self.fields["institution"].error_messages["required"] = _(
                "Choose where the service will be given.")
        else:
            del self.fields["institution"]


# ---- first-time applicants (首次申请) ------------------------------------------------------


class ApplicantStartForm(PortalForm):
    resident_id = forms.CharField(
        label=_("Your resident ID number"), max_length=22,
        help_text=_("18 characters, as on your ID card. A guardian enters their own number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}))
    phone = forms.RegexField(
        label=_("Your mobile phone"), regex=r"^1\d{10}$",
        help_text=_("11 digits. We send a code to this phone to check it is yours."),
        error_messages={"invalid": _("Enter an 11-digit mobile number, e.g. 13812345678.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        township = obj.parent.name if obj.parent_id else ""
        return f"{township} {obj.name}"


FOR_WHOM = [("self", _("For myself")),
            ("ward", _("For a person in my care (I am their guardian)"))]


class FirstApplicationForm(PortalForm):
    """The first certificate application: who, where the hukou is, and two photos."""

    for_whom = forms.ChoiceField(label=_("Who is the application for?"), choices=FOR_WHOM,
                                 widget=forms.RadioSelect, initial="self")
    resident_id = forms.CharField(
        label=_("Their resident ID number (only for a person in your care)"), max_length=22,
        required=False, help_text=_("18 characters, as on their ID card or 户口本."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}))
    name = forms.CharField(label=_("Name of the person applying, as on the ID card"),
                           max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    guardian_name = forms.CharField(label=_("Your own name (only for a guardian)"), max_length=50,
                                    required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "name"}))
    guardian_relation = forms.CharField(
        label=_("How are you related? (only for a guardian)"), max_length=20, required=False,
        help_text=_("For example: mother, father, son."))
    village = VillageChoiceField(label=_("Village or community of the hukou"),
                                 queryset=None, empty_label="—",
                                 help_text=_("Where the hukou is registered (户籍所在地)."))
    address = forms.CharField(label=_("Home address"), max_length=200,
                              widget=forms.Textarea(attrs={"autocomplete": "street-address",
                                                           "rows": 2}))
    id_card = forms.FileField(label=_("Photo of the ID card"),
                              help_text=_("Both sides, or a scan: PDF, PNG or JPEG, up to 5 MB."),
                              widget=forms.ClearableFileInput(
                                  attrs={"accept": "application/pdf,image/png,image/jpeg"}))
    hukou = forms.FileField(label=_("Photo of the household register (户口本)"),
                            help_text=_("The page with the person's name: PDF, PNG or JPEG, up to 5 MB."),
                            widget=forms.ClearableFileInput(
                                attrs={"accept": "application/pdf,image/png,image/jpeg"}))
    reason = forms.CharField(label=_("Anything we should know (optional)"), required=False,
                             max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(
        label=_("What I have written is true, and the photos are of the real documents."),
        error_messages={"required": _("Please confirm that the information is true.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (  # type: ignore[attr-defined]
            Region.objects.filter(scoping.deployment_q("code"), level="village")
            .select_related("parent").order_by("code"))

    def clean_address(self) -> str:
        return " ".join(str(self.cleaned_data["address"]).split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("for_whom") == "ward":
            if not data.get("resident_id"):
                self.add_error("resident_id", _("Enter the resident ID of the person in your care."))
            if not data.get("guardian_name"):
                self.add_error("guardian_name", _("Enter your own name."))
        return data
