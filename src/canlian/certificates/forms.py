"""Forms of the certificate pages. Uploads are checked for type and size."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from canlian.core import clock
from canlian.core.forms import Form
from canlian.regions.models import Region

from .models import CATEGORY_CHOICES, GRADE_CHOICES, CancelReason
from .rules import Category
from .workflow import KIND_LABELS, Kind

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Allowed attachment types, recognised by their first bytes (not by the name the browser sends).
MAGIC = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def check_attachment(upload: Any) -> Any:
    if upload is None:
        return None
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The attachment is larger than 5 MB."))
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in MAGIC):
        raise ValidationError(_("Attach a PDF, PNG or JPEG file."))
    return upload


class AttachmentField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        return check_attachment(super().clean(data, initial))


class VillageChoiceField(forms.ModelChoiceField):
    """Villages named with their township: 25 villages are called 东山社区."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name if obj.parent else ''} / {obj.name}"


class ApplyForm(Form):
    kind = forms.ChoiceField(label=_("Application"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    reason = forms.CharField(label=_("Reason / notes"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    cancel_reason = forms.ChoiceField(label=_("Cancellation reason"), required=False,
                                      choices=[("", "—"), *CancelReason.choices])
    target_village = VillageChoiceField(label=_("Transfer to (village/community)"),
                                            queryset=Region.objects.none(), required=False)

    def __init__(self, *args: Any, villages: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the questions of the chosen kind: a renewal is not asked why it is cancelled.
        if kind != Kind.CANCELLATION:
            del self.fields["cancel_reason"]
        if kind != Kind.TRANSFER:
            del self.fields["target_village"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["target_village"])
            field.queryset = villages

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if ("cancel_reason" in self.fields and data.get("kind") == Kind.CANCELLATION
                and not data.get("cancel_reason")):
            self.add_error("cancel_reason", _("Choose the reason for cancelling."))
        if ("target_village" in self.fields and data.get("kind") == Kind.TRANSFER
                and not data.get("target_village")):
            self.add_error("target_village", _("Choose where the person moves to."))
        return data


COMPONENT_CATEGORIES = [(int(k), v) for k, v in CATEGORY_CHOICES if k != Category.MULTIPLE]


class AssessForm(Form):
    """The assessor's findings (评定结果). A multiple disability (多重残疾) is entered as
    ticked component categories, each with its own grade (not typed codes such as "1 2");
    nothing is preselected, so an untouched form records no 视力残疾 一级."""

    hospital = forms.CharField(label=_("Designated hospital"), max_length=100)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"}))
    # No preselected answer: an untouched form must not record 视力残疾 一级.
    category = forms.TypedChoiceField(label=_("Category"), coerce=int,
                                      choices=[("", _("— choose —")), *CATEGORY_CHOICES])
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, required=False,
                                   empty_value=None,
                                   choices=[("", _("— choose —")), *GRADE_CHOICES],
                                   help_text=_("For a multiple disability leave it empty: the "
                                               "most severe component grade is used."))
    findings = forms.CharField(label=_("Findings"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    attachment = AttachmentField(label=_("Assessment form (PDF or image)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in COMPONENT_CATEGORIES:
            self.fields[f"comp_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"comp_grade_{code}"] = forms.TypedChoiceField(
                label=_("Grade of %(category)s") % {"category": label}, coerce=int,
                required=False, empty_value=None,
                choices=[("", _("— choose —")), *GRADE_CHOICES])

    @property
    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith("comp_")]

    @property
    def component_rows(self) -> list[tuple[Any, Any]]:
        """(tick box, grade) per component category, drawn as one row each."""
        return [(self[f"comp_{code}"], self[f"comp_grade_{code}"])
                for code, _label in COMPONENT_CATEGORIES]

    def clean_assessed_on(self) -> dt.date:
        value = self.cleaned_data["assessed_on"]
        if value > clock.today():
            raise ValidationError(_("The assessment date is in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        components: list[dict[str, int]] = []
        for code, _label in COMPONENT_CATEGORIES:
            ticked, grade = data.get(f"comp_{code}"), data.get(f"comp_grade_{code}")
            if ticked:
                if isinstance(grade, int):
                    components.append({"category": code, "grade": grade})
                else:
                    self.add_error(f"comp_grade_{code}", _("Choose the grade of this component."))
            elif grade is not None:
                self.add_error(f"comp_{code}", _("Tick the category whose grade you chose."))
        data["components"] = components
        first = f"comp_{COMPONENT_CATEGORIES[0][0]}"
        if data.get("category") == Category.MULTIPLE:
            if len(components) < 2:
                self.add_error(first, _("A multiple disability needs at least two components."))
        else:
            if components:
                self.add_error(first, _("Components are only for a multiple disability."))
            if data.get("category") is not None and data.get("grade") is None:
                self.add_error("grade", _("Choose the grade."))
        if data.get("category") == Category.MULTIPLE and components:
            data["grade"] = min(c["grade"] for c in components)  # art. 13: the most severe
        return data


class StepForm(Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = AttachmentField(label=_("Attachment (PDF or image)"), required=False)
