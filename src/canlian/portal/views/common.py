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


def error_messages(exc: Exception) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    if hasattr(exc, "messages"):
        return list(exc.messages)
    return [getattr(exc, "message", str(exc))]


def add_errors(form: Any, exc: Exception) -> None:
    """Put a domain refusal beside its field when it names one, else at the top."""
    if hasattr(exc, "message_dict"):
        for field, msgs in exc.message_dict.items():
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)
    else:
        for m in error_messages(exc):
            form.add_error(None, m)
