"""Bank account numbers as written on the card (spaces, hyphens) are accepted, staff and portal."""

import pytest
from django.core.exceptions import ValidationError

from canlian.benefits.forms import ApplyForm, BankAccountField
from canlian.portal.forms import SubsidyForm


def test_spaces_and_hyphens_are_dropped_and_the_digits_checked():
    field = BankAccountField()
    assert field.clean("6228 4800 0000 0000 011") == "6228480000000000011"
    assert field.clean("6228-4800-0000-0000-011") == "6228480000000000011"
    assert field.clean("6228\u30004800 0000 0000") == "6228480000000000"  # full-width space
    with pytest.raises(ValidationError):
        field.clean("6228 48")
    with pytest.raises(ValidationError):
        field.clean("6228 4800 0000 000X")


def test_the_portal_and_staff_forms_take_a_spaced_number():
    portal = SubsidyForm()
    staff = ApplyForm()
    assert portal.fields["bank_account"].clean("6228 4800 0000 0000 011") == "6228480000000000011"
    assert staff.fields["bank_account"].clean("6228 4800 0000 0000 011") == "6228480000000000011"
