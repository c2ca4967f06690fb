"""The staff web layer's shared pieces: the typed request of a signed-in user, and the
declared permission of a view.

Django types ``request.user`` as ``User | AnonymousUser``. Every staff view sits behind
``login_required`` (or ``requires``), so by the time its body runs the user is a
``User``; ``AuthedRequest`` says so to the type checker, and views take it instead of
``HttpRequest``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from canlian.accounts import scoping
from canlian.accounts.roles import Capability

if TYPE_CHECKING:
    from canlian.accounts.models import User

R = TypeVar("R", bound=HttpResponseBase)


class AuthedRequest(HttpRequest):
    """A request whose user has signed in (the view is behind ``login_required``)."""

    user: User


def requires(capability: Capability) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """The view's declared permission: sign-in first (to the login page), then ``capability``
    (403 without it). ``@requires(Capability.X)`` stands for ``@login_required`` and a first
    line ``scoping.require(request.user, Capability.X)``."""

    def decorate(view: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            scoping.require(cast("User", request.user), capability)
            return view(request, *args, **kwargs)

        checked.required_capability = capability  # type: ignore[attr-defined]
        return login_required(checked)

    return decorate
