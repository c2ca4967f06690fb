"""View helpers the community sub-domains share: messages, and the one shape of a page
that changes something (lists are paged by ``core/lists.page_of``, like every list).

Every changing page of the five packages is one of three shapes, each written once here:

- :func:`submit` — a form posted to one action: on success a message and a redirect; a
  refusal (``ValidationError`` or :class:`CommunityError`) is put beside the field it names,
  or at the top of the form, and the form is shown again. :func:`form_page` renders the
  shared ``community/form.html`` around it; :func:`person_form` is a form about one person;
  :func:`review_form` is the form a list page shows to supervisors (``REVIEW``).
- :func:`button` — a button (a POST without a page of its own): the action runs, a refusal
  comes back as a message, and the user returns to the page the button was on.

Both run the action through ``core.web`` (``form_errors``, ``error_messages``), the one way a
refusal reaches the person; a record that is missing or outside the user's region (the action
raises the model's ``DoesNotExist``) is a 404 there, the same answer for both, so existence is
not disclosed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core import clock
from canlian.core import web as core_web
from canlian.core.web import AuthedRequest

T = TypeVar("T")


def year_of(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", clock.today().year))
    except ValueError:
        return clock.today().year


def user_can(request: AuthedRequest, capability: Capability) -> bool:
    return request.user.can(capability)


def submit(request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], T], *,
           done: str, then: Callable[[T], HttpResponse]) -> HttpResponse | None:
    """A posted ``form`` through its action ``save(cleaned_data)``: the redirect ``then(made)``
    after success (with ``done`` as the message), or None when the form is to be shown again
    (a GET, invalid input, or the action's refusal put on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    with core_web.form_errors(form) as refused:
        made = save(form.cleaned_data)
    if refused:
        return None
    messages.success(request, done)
    return then(made)


def form_page(request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], T], *,
              done: str, then: Callable[[T], HttpResponse], title: str, back: tuple[str, Any],
              template: str = "community/form.html", **context: Any) -> HttpResponse:
    """A page of one form (``community/form.html`` unless said): :func:`submit`, or the form
    again with ``title``, the ``back`` link (URL name, pk) and any further ``context``."""
    return submit(request, form, save, done=done, then=then) or render(
        request, template, {"form": form, "title": title, "back": back, **context})


def person_or_404(request: AuthedRequest, pk: int, capability: Capability) -> Any:
    scoping.require(request.user, capability)
    return get_object_or_404(scoping.people_for(request.user).select_related(
        "village__parent", "household"), pk=pk)


def person_form(request: AuthedRequest, person_id: int, form_class: Any, action: Any, *,
                title: str, done: str, to: Callable[[Any], HttpResponse] | None = None,
                initial: Callable[[Any], dict[str, Any]] | None = None,
                **form_kwargs: Any) -> HttpResponse:
    """One form about one person (a visit, a shock, a help request, a roster entry): the
    form, the action that saves it, and where to go after; ``to`` maps the saved record to
    a redirect (the person's page by default), ``initial`` maps the person to the form's
    starting values."""
    found = person_or_404(request, person_id, Capability.EDIT_PEOPLE)
    form = form_class(request.POST or None, initial=initial(found) if initial else None,
                      **form_kwargs)
    return form_page(
        request, form, lambda data: action(request.user, found, **data, request=request),
        done=done, then=to or (lambda _made: redirect("community:person", pk=found.pk)),
        title=title, back=("community:person", found.pk), person=found)


def review_form(request: AuthedRequest, form_class: Any, save: Callable[..., T], *, done: str,
                then: Callable[[T], HttpResponse]) -> tuple[forms.BaseForm | None, HttpResponse | None]:
    """The form a list page shows to supervisors (``REVIEW``: register an organisation or a
    place, declare an emergency) and its response after a successful post; others see the
    list without it, and their post is refused (403)."""
    if not user_can(request, Capability.REVIEW):
        if request.method == "POST":
            scoping.require(request.user, Capability.REVIEW)
        return None, None
    form = form_class(request.POST or None, user=request.user)
    return form, submit(request, form, lambda data: save(request.user, **data, request=request),
                        done=done, then=then)


def button(request: HttpRequest, action: Callable[[], T], *, done: str | Callable[[T], str],
         back: HttpResponse, then: Callable[[T], HttpResponse] | None = None) -> HttpResponse:
    """A button: run ``action``; a refusal comes back as a message, success as ``done``
    (or ``done(made)``); then to ``back`` (or ``then(made)`` after success)."""
    with core_web.error_messages(request) as refused:
        made = action()
    if refused:
        return back
    messages.success(request, done(made) if callable(done) else done)
    return then(made) if then else back


def form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """A button's invalid form, as messages (the button has no page to show them on)."""
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))
