"""The declared permission of a view (sign-in first, then the capability, or a reason why
none), and the one way an action's refusal reaches the form or the messages."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from canlian.accounts.roles import Capability
from canlian.core.domain import DomainError
from canlian.core.forms import Form
from canlian.core.web import (
    AuthedRequest,
    error_messages,
    form_errors,
    refusal,
    requires,
    signed_in_only,
)


@requires(Capability.EDIT_PEOPLE)
def _view(request: AuthedRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"ok {pk}")


def test_anonymous_is_sent_to_sign_in():
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    response = _view(request, 1)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_role_without_the_capability_is_refused_and_one_with_it_served(users):
    request = RequestFactory().get("/x/")
    request.user = users.auditor
    with pytest.raises(PermissionDenied):
        _view(request, 1)
    request.user = users.township
    assert _view(request, 7).content == b"ok 7"
    assert getattr(_view, "required_capability", None) == Capability.EDIT_PEOPLE


@signed_in_only("a test page: the user's own")
def _own(request: AuthedRequest) -> HttpResponse:
    return HttpResponse("mine")


def test_a_signed_in_only_view_says_why_and_sends_the_anonymous_to_sign_in():
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    assert _own(request).status_code == 302
    assert getattr(_own, "required_capability", "unset") is None
    assert getattr(_own, "signed_in_reason", "") == "a test page: the user's own"
    with pytest.raises(ValueError, match="say why"):
        signed_in_only(" ")


class _Form(Form):
    name = forms.CharField()


def _bound_form() -> _Form:
    form = _Form({"name": "x"})
    assert form.is_valid()
    return form


def test_a_refusal_goes_beside_its_field_or_at_the_top_of_the_form():
    form = _bound_form()
    with form_errors(form) as refused:
        raise ValidationError({"name": "taken", "other": "no"})
    assert refused and form.errors["name"] == ["taken"] and form.non_field_errors() == ["no"]
    form = _bound_form()
    with form_errors(form) as refused:
        raise DomainError("not now")
    assert form.non_field_errors() == ["not now"]
    form = _bound_form()
    with form_errors(form) as refused:
        pass
    assert not refused and not form.errors


def test_a_refusal_becomes_one_message_per_reason():
    request = RequestFactory().post("/x/")
    request.session = SessionStore()
    vars(request)["_messages"] = FallbackStorage(request)
    with error_messages(request) as refused:
        raise ValidationError(["one", "two"])
    with error_messages(request, KeyError):
        raise KeyError("three")
    assert refused.messages == ["one", "two"]
    assert [str(m) for m in get_messages(request)] == ["one", "two", "'three'"]


def test_a_missing_record_answers_404_and_other_errors_pass():
    with pytest.raises(Http404), refusal():
        raise ObjectDoesNotExist
    with pytest.raises(PermissionDenied), refusal():
        raise PermissionDenied
