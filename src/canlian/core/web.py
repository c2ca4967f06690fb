"""The staff web layer's shared pieces: the typed request of a signed-in user.

Django types ``request.user`` as ``User | AnonymousUser``. Every staff view sits behind
``login_required`` (or ``requires``), so by the time its body runs the user is a
``User``; ``AuthedRequest`` says so to the type checker, and views take it instead of
``HttpRequest``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from canlian.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user has signed in (the view is behind ``login_required``)."""

    user: User
