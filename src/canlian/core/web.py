"""The staff web layer's shared pieces: the typed request of a signed-in user, the
declared permission of a view, and the one way a domain refusal reaches the person.

Django types ``request.user`` as ``User | AnonymousUser``. Every staff view declares its
permission with ``requires(Capability.X)`` (or ``signed_in_only(reason)`` when no one
capability fits), both of which sign the user in first, so by the time its body runs the
user is a ``User``; ``AuthedRequest`` says so to the type checker, and views take it
instead of ``HttpRequest``.

An action refuses with a ``ValidationError`` or a ``DomainError``; a view runs it inside
``form_errors(form)`` (the reasons go onto the form) or ``error_messages(request)`` (they
become messages on the next page), rather than writing its own ``except`` block.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core.domain import DomainError
from canlian.core.forms import add_errors

if TYPE_CHECKING:
    from canlian.accounts.models import User

R = TypeVar("R", bound=HttpResponseBase)


class AuthedRequest(HttpRequest):
    """A request whose user has signed in (the view declares its permission)."""

    user: User


def requires(capability: Capability) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """The view's declared permission: sign-in first (to the login page), then ``capability``
    (403 without it). ``@requires(Capability.X)`` stands for Django's login decorator and a
    first line ``scoping.require(request.user, Capability.X)``."""

    def decorate(view: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            scoping.require(cast("User", request.user), capability)
            return view(request, *args, **kwargs)

        checked.required_capability = capability  # type: ignore[attr-defined]
        return login_required(checked)

    return decorate


def signed_in_only(reason: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """The view's declared permission when no one capability fits: any signed-in user may
    reach it (else the login page), and ``reason`` says why: the user's own records only
    (home, second factor, own jobs, own password), or a check the view or its action makes
    that one capability cannot say (per role, per step, or per record). The reason is kept
    on the view as ``signed_in_reason``; ``required_capability`` is None."""
    if not reason.strip():
        raise ValueError("say why the view needs no capability")

    def decorate(view: Callable[..., R]) -> Callable[..., R]:
        checked = login_required(view)
        vars(checked).update(required_capability=None, signed_in_reason=reason)
        return checked

    return decorate


class Refusal:
    """What a ``refusal`` block caught: false when the action went through, else the
    refusal (``error``) and its reasons for the person (``messages``)."""

    def __init__(self) -> None:
        self.error: Exception | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def messages(self) -> list[str]:
        return reasons(self.error) if self.error is not None else []


def reasons(exc: Exception) -> list[str]:
    """A refusal's reasons for the person: each message of a ``ValidationError`` (a field's
    in field order), the ``message`` of a ``DomainError``, else the exception's text."""
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(getattr(exc, "message", exc))]


@contextmanager
def refusal(*also: type[Exception]) -> Iterator[Refusal]:
    """Run an action; a domain refusal (``ValidationError``, ``DomainError``, or one of
    ``also``) is caught and kept; a record the action does not find in the user's reach
    (``ObjectDoesNotExist``) answers 404; anything else (403) passes on::

        with refusal() as refused:
            actions.x(...)
        if not refused:
            messages.success(...)
    """
    caught = Refusal()
    refusals: tuple[type[Exception], ...] = (ValidationError, DomainError, *also)
    try:
        yield caught
    except ObjectDoesNotExist:  # the record is not the user's to reach (scoped lookups)
        raise Http404 from None
    except refusals as exc:
        caught.error = exc


@contextmanager
def form_errors(form: forms.BaseForm, *also: type[Exception]) -> Iterator[Refusal]:
    """``refusal`` whose reasons go onto ``form``: beside the field a ``ValidationError``
    names, else at the top of the form (``core.forms.add_errors``)."""
    with refusal(*also) as caught:
        yield caught
    if caught.error is not None:
        if isinstance(caught.error, ValidationError):
            add_errors(form, caught.error)
        else:
            form.add_error(None, caught.messages)


@contextmanager
def error_messages(request: HttpRequest, *also: type[Exception]) -> Iterator[Refusal]:
    """``refusal`` whose reasons become error messages on the next page, one per reason."""
    with refusal(*also) as caught:
        yield caught
    for message in caught.messages:
        messages.error(request, message)
