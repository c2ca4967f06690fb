"""What every signed-in portal page needs: a citizen, and the person they act for."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from canlian.accounts.roles import Role
from canlian.core.web import AuthedRequest
from canlian.people.models import Person

from .. import actions

SESSION_PERSON = "portal_person"


class PortalRequest(AuthedRequest):
    """A request that passed :func:`citizen_required`: a signed-in citizen, and the person
    they act for (themselves or a ward)."""

    portal_person: Person


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in page for visitors; 403 for staff (the portal is for citizens and guardians)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect(f"/portal/sign-in/?next={request.path}")
        if user.role != Role.CITIZEN:
            raise PermissionDenied("the portal is for citizens")
        person = actions.acting_for(user, request.session.get(SESSION_PERSON))
        if person is None:
            return render(request, "portal/no_record.html", status=200)
        cast(PortalRequest, request).portal_person = person
        return view(request, *args, **kwargs)

    return wrapper
