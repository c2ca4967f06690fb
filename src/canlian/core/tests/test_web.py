"""The declared permission of a view: sign-in first, then the capability."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from canlian.accounts.roles import Capability
from canlian.core.web import AuthedRequest, requires


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
